// Masks personal data (resident ID numbers, mobile phones, bearer tokens) inside any string or object,
// so log lines never carry them whatever field they travel in.

const ID_NUMBER = /(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])/g;
const MOBILE = /(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)/g;
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
// Secrets carried in URLs (a citizen's query code, tokens, login codes) are cut out of logged URLs.
const URL_SECRET = /([?&](?:queryCode|query_code|token|access_token|code|password|idNumber|phone|echostr)=)[^&#\s"]*/gi;

export const SENSITIVE_KEYS = new Set([
  "idnumber",
  "phone",
  "mobile",
  "password",
  "token",
  "authorization",
  "cookie",
  "querycode",
  "address",
  "creditcode",
  "secret",
  "appsecret",
  "access_token",
]);

export function redactString(s: string): string {
  return s
    .replace(ID_NUMBER, (_m, a: string) => `${a}********${"****"}`)
    .replace(MOBILE, (_m, a: string, _b: string, c: string) => `${a}****${c}`)
    .replace(BEARER, "$1[REDACTED]")
    .replace(URL_SECRET, "$1[REDACTED]");
}

/** Deep copy with sensitive keys replaced and personal data masked in every string. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 8) return "[depth]";
  if (typeof value === "string") return redactString(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value && typeof value === "object") {
    if (value instanceof Error) {
      return { type: value.name, message: redactString(value.message), stack: value.stack && redactString(value.stack) };
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SENSITIVE_KEYS.has(k.toLowerCase()) && v != null ? "[REDACTED]" : redactValue(v, depth + 1);
    }
    return out;
  }
  return value;
}
