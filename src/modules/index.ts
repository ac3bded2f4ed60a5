// Every feature module, in initialisation order (later modules may use services of earlier ones).
import type { FeatureModule } from "./module";
import { staffModule } from "./staff/module";
import { applicationsModule } from "./applications/module";
import { directoryModule } from "./directory/module";
import { reportsModule } from "./reports/module";
import { catalogueModule } from "./catalogue/module";
import { conversationModule } from "./conversation/module";
import { consoleModule } from "./console/module";
import { attachmentsModule } from "./attachments/module";
import { miniprogramModule } from "./miniprogram/module";
import { platformModule } from "./platform/module";
import { portalModule } from "./portal/module";

export const modules: FeatureModule[] = [
  staffModule,
  directoryModule,
  applicationsModule,
  reportsModule,
  catalogueModule,
  conversationModule,
  attachmentsModule,
  miniprogramModule,
  platformModule,
  consoleModule,
  portalModule,
];
