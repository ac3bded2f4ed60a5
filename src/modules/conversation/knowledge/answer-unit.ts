// The bot's knowledge is a list of atomic answer units, each with its source. Producers (the statutory FAQ in
// config/, the published guide, the catalogue, every cell of every published report, answers staff wrote
// from the misses list) build units; the index ranks them for a citizen's message; the engine decides from the
// score whether to answer, ask "您是想问…", or redirect.

export type AnswerUnitKind = "faq" | "guide" | "catalogue" | "report" | "custom";

export interface AnswerUnit {
  /** Stable id: "faq:<key>", "guide:<sectionKey>:<n>", "catalogue:<indexNo>", "report:<year>:<section>:<row>[:<column>]", "custom:<uuid>". */
  id: string;
  kind: AnswerUnitKind;
  /** The agency whose information this is (agency code). */
  agencyCode: string;
  /** Phrasings the unit answers (a title, question variants); what the ranking matches against. */
  questions: string[];
  /** Extra words that should find the unit (synonyms are applied by the index, not listed here). */
  keywords?: string[];
  /** The specific fact, one or two sentences, said first. */
  answer: string;
  /** The full text, sent when the citizen replies “详细”. */
  detail?: string;
  /** Where the fact comes from, printed after the answer; url when the source has a public page. */
  source: { label: string; url?: string };
  /**
   * Report units only: the cell, so a figure question answers the year, row and column asked (or lists the
   * breakdowns that exist) and a comparison lists the same row across years. value is null for narratives.
   */
  figure?: {
    year: number;
    /** "二", "三", "四", or the narrative "s1" / "s5" / "s6". */
    section: string;
    row: string;
    rowLabel: string;
    value: number | null;
    unit: string;
    columns?: Array<{ code: string; label: string; value: number; unit?: string }>;
  };
}

/** Answer units written by staff (attached from the misses list) and the record of what the bot missed. */
export interface LearnedKnowledge {
  /** Staff-written units of the agency, used by the bot at once (no deploy). */
  customUnits(agencyId: string): Promise<AnswerUnit[]>;
  /** Missed questions staff attached to an existing unit: extra phrasings the index matches for that unit. */
  attachedQuestions(agencyId: string): Promise<Array<{ unitId: string; question: string }>>;
  /** Records a message the bot was unsure of (text masked of personal data before it is stored). */
  recordMiss(miss: { agencyId: string; text: string; reply: string; score: number | null; channel: string }): Promise<void>;
}
