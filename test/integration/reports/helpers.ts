// Shared helpers of the report tests: long-lived staff sessions (the clock travels over years), the CLI run
// against the test database, and a full-table assertion that checks every cell.
import { runCli } from "../../../src/cli";
import type { TestEnv } from "../../helpers/test-context";

export const SIX = ["natural_person", "org.commercial", "org.research", "org.public_welfare", "org.legal_service", "org.other"] as const;
export const COLUMNS = [...SIX, "total"];
export type Cells = Partial<Record<(typeof SIX)[number], number>>;

export const ROWS_2019 = [
  "received.new",
  "received.carried_over",
  "result.granted",
  "result.partial",
  "result.withheld.state_secret",
  "result.withheld.law_prohibited",
  "result.withheld.security_stability",
  "result.withheld.third_party",
  "result.withheld.internal_affairs",
  "result.withheld.process_info",
  "result.withheld.enforcement_file",
  "result.withheld.admin_query",
  "result.unable.not_held",
  "result.unable.needs_creation",
  "result.unable.still_unclear",
  "result.not_processed.petition_complaint",
  "result.not_processed.repeat",
  "result.not_processed.publication",
  "result.not_processed.mass_repeat",
  "result.not_processed.confirm_or_reissue",
  "result.other",
  "result.total",
  "carried_forward",
];
export const ROWS_2021 = [
  ...ROWS_2019.slice(0, 20),
  "result.other.no_correction",
  "result.other.fee_unpaid",
  "result.other.other",
  "result.total",
  "carried_forward",
];

/** Every row of the format, every one of the seven columns: unlisted cells must be 0, 总计 the sum of the six. */
export function expectEveryCell(actual: { columns: string[]; rows: Record<string, number[]> }, format: "2019" | "2021", expected: Record<string, Cells>) {
  const rows = format === "2019" ? ROWS_2019 : ROWS_2021;
  expect(actual.columns).toEqual(COLUMNS);
  expect(Object.keys(actual.rows)).toEqual(rows);
  for (const k of Object.keys(expected)) expect(rows).toContain(k);
  const want: Record<string, number[]> = {};
  for (const r of rows) {
    const six = SIX.map((c) => expected[r]?.[c] ?? 0);
    want[r] = [...six, six.reduce((a, b) => a + b, 0)];
  }
  expect(actual.rows).toEqual(want);
}

export { longSession } from "../../helpers/test-context";

/** Runs `npm run cli -- …` in-process against the test's database and Redis prefix. */
export async function cli(env: TestEnv, argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    argv,
    { info: (l) => out.push(l), error: (l) => err.push(l) },
    {
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      DATABASE_URL: env.config.DATABASE_URL,
      ...(env.config.REDIS_URL ? { REDIS_URL: env.config.REDIS_URL } : {}),
      REDIS_KEY_PREFIX: env.config.REDIS_KEY_PREFIX,
      YEAR_END_JOB_ENABLED: "false",
    },
  );
  return { code, out, err };
}
