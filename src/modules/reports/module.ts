// Feature module: reports.
import type { FeatureModule } from "../module";

export const reportsModule: FeatureModule = {
  name: "reports",
};
