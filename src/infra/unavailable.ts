// Recognises the errors of a dependency that is down (PostgreSQL or Redis unreachable, restarting, or
// refusing connections), so that the HTTP layer answers 503 "系统繁忙" quickly instead of a 500.
export const SERVICE_UNAVAILABLE_CODE = "SERVICE.UNAVAILABLE";
export const BUSY_MESSAGE = "系统繁忙，请稍后再试。";
/** A statement cancelled by PostgreSQL's statement_timeout (src/infra/database.ts isStatementTimeout). */
export const STATEMENT_TIMEOUT_CODE = "SERVICE.TIMEOUT";
export const TIMEOUT_MESSAGE = "查询超时，系统繁忙，请简化搜索词或稍后再试。";

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH"]);
// PostgreSQL SQLSTATEs: admin/crash shutdown, cannot connect now, too many connections, connection exceptions.
const PG_CODES = new Set(["57P01", "57P02", "57P03", "53300", "08000", "08001", "08003", "08004", "08006"]);
const MESSAGES = [
  /Connection is closed/i,
  /Stream isn't writeable/i,
  /Reached the max retries per request limit/i,
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Cannot use a pool after calling end/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /terminating connection due to administrator command/i,
  /timed out after \d+ ms/i,
  /^Command timed out$/,
];

export function isDependencyDown(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== "object" || depth > 4) return false;
  const e = err as { code?: unknown; message?: unknown; name?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === "string" && (NETWORK_CODES.has(e.code) || PG_CODES.has(e.code))) return true;
  if (e.name === "MaxRetriesPerRequestError") return true;
  if (typeof e.message === "string" && MESSAGES.some((re) => re.test(e.message as string))) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isDependencyDown(x, depth + 1))) return true;
  return isDependencyDown(e.driverError, depth + 1) || isDependencyDown(e.cause, depth + 1);
}

/** SQLSTATE 57014 with PostgreSQL's timeout message: the statement ran past statement_timeout. */
export function isStatementTimeout(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== "object" || depth > 4) return false;
  const e = err as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
  if (e.code === "57014" && typeof e.message === "string" && /statement timeout/i.test(e.message)) return true;
  return isStatementTimeout(e.driverError, depth + 1) || isStatementTimeout(e.cause, depth + 1);
}
