// The composition root: builds every feature module from the context, in dependency order, handing each the
// typed services (or the narrow parts of them) it needs from the others. Used by the server, the CLI, tests and
// benchmarks; nothing looks a service up by name.
import type { AppContext } from "./context";
import type { Agency } from "./infra/entities/agency.entity";
import type { FeatureModule } from "./modules/module";
import type { Services } from "./modules/services";
import { createApplications } from "./modules/applications/module";
import { createAttachments } from "./modules/attachments/module";
import { createCatalogue } from "./modules/catalogue/module";
import { createConsole } from "./modules/console/module";
import { createConversation, type ConversationModuleDeps } from "./modules/conversation/module";
import { createDirectory } from "./modules/directory/module";
import { createMiniprogram } from "./modules/miniprogram/module";
import { createPlatform } from "./modules/platform/module";
import { createPortal } from "./modules/portal/module";
import { createReports } from "./modules/reports/module";
import { createStaff } from "./modules/staff/module";

export type { Services } from "./modules/services";

export interface CompositionOptions {
  /** Replaces the bot's effects, given the real ones (tests: a slow or failing dependency). */
  conversationPorts?: ConversationModuleDeps["ports"];
}

export interface Composition {
  ctx: AppContext;
  services: Services;
  /** In the order their routes are mounted, start-up work runs and seeds load. */
  modules: FeatureModule[];
}

export function compose(ctx: AppContext, opts: CompositionOptions = {}): Composition {
  const staff = createStaff(ctx);
  const directory = createDirectory(ctx);
  const applications = createApplications(ctx, { staff: staff.staff });
  const catalogue = createCatalogue(ctx, { staff: staff.staff });
  const attachments = createAttachments(ctx, { staff: staff.staff });
  // Adding an agency runs every module's seeds: the list is complete before any agency is added.
  const seedAgency = async (agency: Agency) => {
    for (const m of modules) await m.seed?.(agency);
  };
  const platform = createPlatform(ctx, { staff: staff.staff, catalogue: catalogue.catalogue, seedAgency });
  const reports = createReports(ctx, { staff: staff.staff, catalogue: catalogue.catalogue, district: platform.district });
  const conversation = createConversation(ctx, {
    staff: staff.staff,
    applications: applications.applications,
    catalogue: catalogue.catalogue,
    reports: reports.reports,
    directory: directory.directory,
    attachments: attachments.attachments,
    ports: opts.conversationPorts,
  });
  const services: Services = {
    staff: staff.staff,
    directory: directory.directory,
    applications: applications.applications,
    catalogue: catalogue.catalogue,
    attachments: attachments.attachments,
    agencies: platform.agencies,
    district: platform.district,
    reports: reports.reports,
    conversation: conversation.conversation,
    learned: conversation.learned,
    knowledge: conversation.knowledge,
  };
  const miniprogram = createMiniprogram(ctx, services);
  const consoleModule = createConsole(ctx, services);
  const portal = createPortal(ctx, services);
  const modules: FeatureModule[] = [
    staff.module,
    directory.module,
    applications.module,
    reports.module,
    catalogue.module,
    conversation.module,
    attachments.module,
    miniprogram.module,
    platform.module,
    consoleModule.module,
    portal.module,
  ];
  return { ctx, services, modules };
}
