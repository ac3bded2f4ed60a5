// Feature module: conversation.
import type { FeatureModule } from "../module";

export const conversationModule: FeatureModule = {
  name: "conversation",
};
