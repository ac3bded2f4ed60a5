// Feature module: catalogue.
import type { FeatureModule } from "../module";

export const catalogueModule: FeatureModule = {
  name: "catalogue",
};
