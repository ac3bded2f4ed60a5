// What the feature modules declare before anything is built: their TypeORM entities (the data source needs them)
// and their CLI commands (listed without a database). The modules themselves are built by src/composition.ts.
import type { CliCommand } from "./module";
import { staffCommands } from "./staff/module";
import { applicationsCommands, applicationsEntities } from "./applications/module";
import { reportsCommands, reportsEntities } from "./reports/module";
import { catalogueCommands, catalogueEntities } from "./catalogue/module";
import { conversationCommands, conversationEntities } from "./conversation/module";
import { attachmentsCommands, attachmentsEntities } from "./attachments/module";
import { platformCommands } from "./platform/module";

export const moduleEntities: Array<new () => unknown> = [
  ...applicationsEntities,
  ...reportsEntities,
  ...catalogueEntities,
  ...conversationEntities,
  ...attachmentsEntities,
];

export const moduleCommands: CliCommand[] = [
  ...staffCommands,
  ...applicationsCommands,
  ...reportsCommands,
  ...catalogueCommands,
  ...conversationCommands,
  ...attachmentsCommands,
  ...platformCommands,
];
