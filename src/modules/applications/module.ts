// Feature module: applications.
import type { FeatureModule } from "../module";

export const applicationsModule: FeatureModule = {
  name: "applications",
};
