// The agency directory: the platform's agencies as citizens meet them (names, what they handle, contact),
// read from the agencies table. Cached per process, but every read first asks the table for its stamp (row
// count and latest update, one indexed aggregate), so an agency added or edited by the CLI, the console or
// another instance is seen at the next request, without a restart.
import type { AppContext } from "../../context";
import { agencyContactLine } from "../../infra/agencies";
import { Agency } from "../../infra/entities/agency.entity";
import { sharedUnderstanding } from "../conversation/understanding";
import { matchAgencies, suggestAgency, type AgencyDuties, type AgencyMatch, type DirectoryAgency } from "./agency-match";

export interface DirectoryEntry extends DirectoryAgency {
  id: string;
  /** The agency above it (district government → departments, streets), when the agencies table has that relation. */
  parentId: string | null;
}

function dutiesOf(profile: Agency["profile"]): AgencyDuties | null {
  const d = (profile as { duties?: unknown } | null)?.duties as Partial<AgencyDuties> | undefined;
  if (!d || typeof d !== "object") return null;
  const keywords = Array.isArray(d.keywords) ? d.keywords.filter((k): k is string => typeof k === "string" && k.trim() !== "").map((k) => k.trim()) : [];
  const summary = typeof d.summary === "string" ? d.summary.trim() : "";
  return keywords.length || summary ? { keywords, summary } : null;
}

export function toEntry(a: Agency): DirectoryEntry {
  return {
    id: a.id,
    // Read loosely: the parent column comes with the agency admin tools (issue 17's other part); without it the list is flat.
    parentId: (a as unknown as { parentId?: string | null }).parentId ?? null,
    code: a.code,
    name: a.name,
    shortName: a.profile?.shortName ?? null,
    fullName: a.profile?.fullName ?? null,
    duties: dutiesOf(a.profile),
    contact: agencyContactLine(a),
  };
}

export class AgencyDirectory {
  private cache: { stamp: string; entries: DirectoryEntry[]; checkedAt: number } | null = null;

  constructor(private readonly ctx: AppContext) {}

  /**
   * The agencies as of at most `maxAgeMs` ago on the service's clock: the bot reads them on every message, and
   * the stamp query alone was a database round trip per message (the webhook benchmark's CPU per message doubled).
   * The bot's knowledge index is rebuilt on the same kind of period, so a new agency reaches both together.
   */
  async recent(maxAgeMs: number): Promise<DirectoryEntry[]> {
    const now = this.ctx.clock.now().getTime();
    const c = this.cache;
    if (c && now >= c.checkedAt && now - c.checkedAt <= maxAgeMs) return c.entries;
    return this.all();
  }

  /** Every agency of the platform, by name (always checked against the table's stamp). */
  async all(): Promise<DirectoryEntry[]> {
    const checkedAt = this.ctx.clock.now().getTime();
    const raw = await this.ctx.db
      .getRepository(Agency)
      .createQueryBuilder("a")
      .select("COUNT(*)", "n")
      .addSelect("MAX(a.updated_at)", "at")
      .getRawOne<{ n: string | number; at: string | null }>();
    const stamp = `${raw?.n ?? 0}:${raw?.at ?? ""}`;
    if (this.cache?.stamp !== stamp) {
      const rows = await this.ctx.db.getRepository(Agency).find({ order: { name: "ASC" } });
      this.cache = { stamp, entries: rows.map(toEntry), checkedAt };
    } else {
      this.cache.checkedAt = checkedAt;
    }
    return this.cache.entries;
  }

  async byCode(code: string): Promise<DirectoryEntry | null> {
    return (await this.all()).find((a) => a.code === code) ?? null;
  }

  /** Agencies matching a name or a description of the matter, best first. */
  async search(q: string, limit = 10): Promise<Array<AgencyMatch & { agency: DirectoryEntry }>> {
    const nlu = sharedUnderstanding();
    return matchAgencies(await this.all(), q, (s) => nlu.normalize(s), limit) as Array<AgencyMatch & { agency: DirectoryEntry }>;
  }

  /** The one agency to suggest for a description (the citizen confirms it), or null when unclear. */
  async suggest(text: string): Promise<(AgencyMatch & { agency: DirectoryEntry }) | null> {
    const nlu = sharedUnderstanding();
    return suggestAgency(await this.all(), text, (s) => nlu.normalize(s)) as (AgencyMatch & { agency: DirectoryEntry }) | null;
  }
}
