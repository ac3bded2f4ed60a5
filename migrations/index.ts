// Every migration, in order. The schema changes only here; synchronize stays off.
import { Foundation1764000000000 } from "./1764000000000-foundation";
import { Applications1764000100000 } from "./1764000100000-applications";
import { Reports1764000200000 } from "./1764000200000-reports";
import { Catalogue1764000300000 } from "./1764000300000-catalogue";
import { Conversation1764000400000 } from "./1764000400000-conversation";
import { OutboxRecipient1764000500000 } from "./1764000500000-outbox-recipient";
import { StaffLifecycle1764100400000 } from "./1764100400000-staff-lifecycle";
import { CitizenHardening1764100500000 } from "./1764100500000-citizen-hardening";
import { BotLearning1764100700000 } from "./1764100700000-bot-learning";
import { CitizenRouting1764100900000 } from "./1764100900000-citizen-routing";
import { CatalogueSearchGin1764101300000 } from "./1764101300000-catalogue-search-gin";
import { AttachmentsSubscriptions1764101510000 } from "./1764101510000-attachments-subscriptions";
import { AgencyTree1764101700000 } from "./1764101700000-agency-tree";
import { GuideRevision1764101800000 } from "./1764101800000-guide-revision";

export const migrations = [
  Foundation1764000000000,
  Applications1764000100000,
  Reports1764000200000,
  Catalogue1764000300000,
  Conversation1764000400000,
  OutboxRecipient1764000500000,
  StaffLifecycle1764100400000,
  CitizenHardening1764100500000,
  BotLearning1764100700000,
  CitizenRouting1764100900000,
  CatalogueSearchGin1764101300000,
  AttachmentsSubscriptions1764101510000,
  AgencyTree1764101700000,
  GuideRevision1764101800000,
];
