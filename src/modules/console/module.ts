// Feature module: console.
import type { FeatureModule } from "../module";

export const consoleModule: FeatureModule = {
  name: "console",
};
