// The only reader of process.env: one zod schema for every setting, failing fast with every problem listed.
import os from "node:os";
import { z } from "zod";

const bool = z.enum(["true", "false", "1", "0", "yes", "no"]).transform((v) => v === "true" || v === "1" || v === "yes");

const intIn = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, "must be an integer")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const databaseUrl = z.string().refine((v) => /^postgres(ql)?:\/\/.+/.test(v) || /^sqlite:.+/.test(v), {
  message: "must be postgres://user@host:port/db or sqlite:<path> (e.g. sqlite:data/ogi.sqlite)",
});

const redisUrl = z.string().refine((v) => /^rediss?:\/\/.+/.test(v), { message: "must be redis://host:port[/db]" });

const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat("en-CA", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: "must be an IANA time zone such as Asia/Shanghai" },
);

/** Every environment variable the service reads, with its default. Documented in config/.env.example. */
export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: intIn(0, 65535).default(3000),
  PUBLIC_BASE_URL: z.url().optional(),
  DATABASE_URL: databaseUrl.default("sqlite:data/ogi.sqlite"),
  REDIS_URL: redisUrl.optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]*$/, "letters, digits, ':', '_' or '-' only")
    .default("ogi:"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // Calendar dates (receipt dates, deadlines, report years) are China-local whatever the host's TZ.
  APP_TIMEZONE: timeZone.default("Asia/Shanghai"),
  TZ: timeZone.optional(),
  DEFAULT_AGENCY_CODE: z
    .string()
    .regex(/^[a-z0-9-]+$/, "lowercase letters, digits and '-' only")
    .default("zdrmt"),
  AGENCY_DATA_DIR: z.string().min(1).default("config/agencies"),
  // Guide and catalogue (issue 5): default guide per agency, demonstration catalogue, jieba user dictionary
  GUIDE_DATA_DIR: z.string().min(1).default("config/guide"),
  CATALOGUE_DATA_DIR: z.string().min(1).default("config/catalogue"),
  JIEBA_USER_DICT: z.string().min(1).default("config/jieba-user-dict.txt"),
  CATALOGUE_BROAD_MATCHES: intIn(1, 10_000_000).default(1000),
  // Search and import bounds (issue 13; docs/security/catalogue.md): query size, anonymous rate, XLSX budget
  CATALOGUE_QUERY_MAX_CHARS: intIn(1, 1000).default(100),
  CATALOGUE_QUERY_MAX_WORDS: intIn(1, 64).default(8),
  CATALOGUE_COMMON_WORD_PERCENT: intIn(1, 100).default(20),
  CATALOGUE_SEARCH_RATE_PER_MINUTE: intIn(1, 1_000_000).default(120),
  CATALOGUE_IMPORT_MAX_ROWS: intIn(1, 1_000_000).default(20_000),
  CATALOGUE_IMPORT_MAX_COLUMNS: intIn(15, 16384).default(64),
  CATALOGUE_IMPORT_MAX_CELLS: intIn(1, 100_000_000).default(400_000),
  // PostgreSQL statement timeouts: request work (per connection), report generation and imports (SET LOCAL)
  DB_STATEMENT_TIMEOUT_MS: intIn(0, 3_600_000).default(5000),
  DB_REPORT_STATEMENT_TIMEOUT_MS: intIn(0, 3_600_000).default(120_000),
  DB_IMPORT_STATEMENT_TIMEOUT_MS: intIn(0, 3_600_000).default(120_000),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(kb|mb)$/i, "like 256kb or 1mb")
    .default("256kb"),
  CORS_ORIGINS: z.string().optional(),
  TRUST_PROXY: bool.default(false),
  // How many proxies in front of the service append to X-Forwarded-For; the client is the address the outermost
  // of them saw (Koa's maxIpsCount), so entries a client writes itself are never taken as its address.
  TRUST_PROXY_HOPS: intIn(1, 10).default(1),
  // Statutory clock (application-procedure.md §4)
  REPLY_WORKING_DAYS: intIn(1, 60).default(20),
  COUNT_RECEIPT_DAY: bool.default(false),
  CORRECTION_NOTICE_WORKING_DAYS: intIn(1, 30).default(7),
  CORRECTION_PERIOD_WORKING_DAYS: intIn(1, 60).default(15),
  MAX_EXTENSION_WORKING_DAYS: intIn(1, 20).default(20),
  CALENDAR_OVERRIDES_FILE: z.string().default("config/calendar-overrides.json"),
  // Staff sessions
  STAFF_SESSION_TTL_MINUTES: intIn(5, 7 * 24 * 60).default(480),
  LOGIN_MAX_FAILURES: intIn(1, 100).default(5),
  // Login throttling (docs/security/staff.md): per account+client window, per-client cap over all accounts,
  // and the growing delay between attempts on an account after LOGIN_MAX_FAILURES failures (no lock-out).
  LOGIN_WINDOW_MINUTES: intIn(1, 24 * 60).default(15),
  LOGIN_MAX_PER_CLIENT: intIn(1, 100_000).default(50),
  LOGIN_MAX_DELAY_SECONDS: intIn(1, 3600).default(60),
  // Staff password policy: length and zxcvbn score (0–4; 3 refuses common, dictionary and keyboard passwords).
  PASSWORD_MIN_LENGTH: intIn(8, 128).default(10),
  PASSWORD_MIN_SCORE: intIn(0, 4).default(3),
  // Citizen query rate limit (wrong query codes)
  STATUS_QUERY_MAX_FAILURES: intIn(1, 1000).default(30),
  CHAT_RATE_LIMIT_PER_MINUTE: intIn(1, 10000).default(30),
  // Per-client limits on anonymous writes (issue 13 item 9; docs/security/citizen.md): sized for many citizens
  // behind one carrier NAT address, so only bursts no group of people produces are refused.
  FILING_LIMIT_PER_MINUTE: intIn(1, 1000000).default(30),
  CONSULTATION_LIMIT_PER_HOUR: intIn(1, 1000000).default(20),
  CHAT_NEW_SESSIONS_PER_HOUR: intIn(1, 1000000).default(300),
  // How long a retried filing (same Idempotency-Key) still gets its query code back; then the stored code is purged.
  IDEMPOTENCY_RETRY_HOURS: intIn(1, 24 * 30).default(24),
  // Keyed hash of query codes (issue 13 item 12): the secret, or the file the embedded default keeps it in.
  QUERY_CODE_SECRET: z.string().min(32, "use at least 32 characters (e.g. openssl rand -hex 32)").optional(),
  SERVER_SECRET_FILE: z.string().min(1).default("data/server-secret"),
  // Node HTTP server: a slow (trickled) request is cut off, and the number of open connections is capped.
  HTTP_REQUEST_TIMEOUT_MS: intIn(1000, 600000).default(30000),
  HTTP_HEADERS_TIMEOUT_MS: intIn(1000, 600000).default(10000),
  HTTP_MAX_CONNECTIONS: intIn(1, 1000000).default(2000),
  // Worker processes sharing the port (node:cluster; issue 18). Unset: one per core in production (NODE_ENV=production,
  // PostgreSQL and Redis), else 1 (SQLite and the in-process stand-ins cannot be shared by processes).
  WEB_CONCURRENCY: intIn(1, 256).optional(),
  // WeChat official account
  WECHAT_TOKEN: z.string().min(3).max(32).optional(),
  WECHAT_APPID: z.string().optional(),
  WECHAT_APPSECRET: z.string().optional(),
  WECHAT_ENCODING_AES_KEY: z.string().length(43, "must be the 43-character EncodingAESKey").optional(),
  WECHAT_API_BASE_URL: z.url().default("https://api.weixin.qq.com"),
  WECHAT_TIMESTAMP_TOLERANCE_SECONDS: intIn(0, 86400).default(300),
  WECHAT_REPLY_BUDGET_MS: intIn(100, 4900).default(4000),
  WECHAT_STATUS_TEMPLATE_ID: z.string().optional(),
  // Mini-program
  MINIPROGRAM_APPID: z.string().optional(),
  MINIPROGRAM_SECRET: z.string().optional(),
  // Subscription-message template for status notifications to mini-program users (fields: config/conversation/notifications.json)
  MINIPROGRAM_STATUS_TEMPLATE_ID: z.string().optional(),
  // 订阅通知 (bizsend) template of the official account, for status changes outside the 48-hour window
  WECHAT_SUBSCRIBE_TEMPLATE_ID: z.string().optional(),
  // Attachments (issue 15; docs/miniprogram.md): size of one file, files per application, retention
  ATTACHMENT_MAX_BYTES: intIn(1024, 50 * 1024 * 1024).default(5 * 1024 * 1024),
  ATTACHMENT_MAX_PER_APPLICATION: intIn(1, 50).default(5),
  ATTACHMENT_RETENTION_DAYS: intIn(1, 36500).default(365),
  // Wechaty bot relay
  BOT_SERVICE_TOKEN: z.string().min(16, "use at least 16 characters").optional(),
  // Year-end job
  YEAR_END_JOB_ENABLED: bool.default(true),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses the environment; throws ConfigError listing every problem, not only the first. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== "") input[key] = value;
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`));
  }
  const problems: string[] = [];
  const c = parsed.data;
  if (c.WECHAT_ENCODING_AES_KEY && !c.WECHAT_APPID) problems.push("WECHAT_APPID: required when WECHAT_ENCODING_AES_KEY is set");
  if (c.WECHAT_ENCODING_AES_KEY && !c.WECHAT_TOKEN) problems.push("WECHAT_TOKEN: required when WECHAT_ENCODING_AES_KEY is set");
  if (c.WEB_CONCURRENCY && c.WEB_CONCURRENCY > 1 && (!c.REDIS_URL || !/^postgres/.test(c.DATABASE_URL))) {
    problems.push(
      "WEB_CONCURRENCY: more than 1 worker needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL): sessions, locks and limits must be shared by the workers",
    );
  }
  if (problems.length) throw new ConfigError(problems);
  return c;
}

/**
 * How many worker processes serve HTTP: WEB_CONCURRENCY, else one per core in production (NODE_ENV=production
 * with PostgreSQL and Redis), else 1 — the embedded default, development and the tests' server processes (which
 * ask for a cluster when they test one: starting N workers costs N start-ups on the shared test machine).
 */
export function webConcurrency(c: Pick<Config, "WEB_CONCURRENCY" | "DATABASE_URL" | "REDIS_URL" | "NODE_ENV">, cores = os.availableParallelism()): number {
  if (c.WEB_CONCURRENCY) return c.WEB_CONCURRENCY;
  return c.NODE_ENV === "production" && c.REDIS_URL && /^postgres/.test(c.DATABASE_URL) ? Math.max(1, cores) : 1;
}

export type DatabaseTarget = { type: "postgres"; url: string; schema?: string } | { type: "sqlite"; path: string };

/** Reads DATABASE_URL: postgres://…[?schema=NAME] or sqlite:<path> (":memory:" allowed). */
export function databaseTarget(config: Pick<Config, "DATABASE_URL">): DatabaseTarget {
  const url = config.DATABASE_URL;
  if (url.startsWith("sqlite:")) return { type: "sqlite", path: url.slice("sqlite:".length) };
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema") ?? undefined;
  parsed.searchParams.delete("schema");
  return { type: "postgres", url: parsed.toString(), schema };
}
