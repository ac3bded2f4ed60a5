// The typed services the composition root (src/composition.ts) builds, one field per service: routes, console
// pages and commands declare the part they use as Pick<Services, ...>, so a missing service fails to compile.
import type { ApplicationService } from "./applications/application-service";
import type { AttachmentService } from "./attachments/attachment-service";
import type { CatalogueFacade } from "./catalogue/facade";
import type { ConversationService } from "./conversation/conversation-service";
import type { KnowledgeUnits } from "./conversation/ports";
import type { LearnedStore } from "./conversation/knowledge/learned-store";
import type { AgencyDirectory } from "./directory/agency-directory";
import type { AgencyService } from "./platform/agency-service";
import type { DistrictService } from "./platform/district-service";
import type { ReportsService } from "./reports/report-service";
import type { StaffService } from "./staff/staff-service";

export interface Services {
  staff: StaffService;
  directory: AgencyDirectory;
  applications: ApplicationService;
  catalogue: CatalogueFacade;
  attachments: AttachmentService;
  agencies: AgencyService;
  district: DistrictService;
  reports: ReportsService;
  conversation: ConversationService;
  /** Staff-written answers and the bot's misses. */
  learned: LearnedStore;
  /** The knowledge index's units, as candidates a missed question can be attached to (console misses page). */
  knowledge: KnowledgeUnits;
}
