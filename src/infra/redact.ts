// Masks personal data (resident ID numbers, mobile and landline phones, bearer tokens) inside any string or
// object, so log lines never carry them whatever field they travel in. Numbers are also caught when written
// with spaces or dashes ("370302 19870315 4612", "139-0533-1287").

const ID_NUMBER = /(?<![0-9A-Za-z])(\d{6})[ -]?(\d{8})[ -]?(\d{3}[\dXx])(?![0-9A-Za-z])/g;
const MOBILE = /(?<!\d)(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)/g;
// Area code 0xx or 0xxx, then a 7–8 digit local number: the area code stays, the number goes.
const LANDLINE = /(?<![0-9A-Za-z])(0\d{2,3})[ -]?(\d{7,8})(?!\d)/g;
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
// Secrets carried in URLs (a citizen's query code, tokens, login codes) are cut out of logged URLs.
const URL_SECRET = /([?&](?:queryCode|query_code|token|access_token|code|password|idNumber|phone|echostr)=)[^&#\s"]*/gi;

/**
 * Query parameters whose values are codes, numbers or switches, kept in logged URLs. Every other value
 * (search words, login redirects, openids, codes) may be personal data — a staff search by phone, landline
 * or address travels in ?q= — and is logged as [REDACTED].
 */
const SAFE_QUERY_KEYS = new Set([
  "page",
  "pagesize",
  "limit",
  "offset",
  "status",
  "year",
  "format",
  "tab",
  "all",
  "overdue",
  "duewithin",
  "channel",
  "reveal",
  "encrypt_type",
  "timestamp",
  "version",
  "agency",
]);

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
  // Free text a citizen typed or staff wrote about them can hold an address or a number in any form.
  "email",
  "postcode",
  "contactname",
  "applicantname",
  "description",
  "question",
  "transcript",
  "answer",
  "note",
  "items",
  "content",
  "text",
]);

export function redactString(s: string): string {
  return s
    .replace(ID_NUMBER, (_m, a: string) => `${a}********${"****"}`)
    .replace(MOBILE, (_m, a: string, _b: string, c: string) => `${a}****${c}`)
    .replace(LANDLINE, (_m, area: string) => `${area}-********`)
    .replace(BEARER, "$1[REDACTED]")
    .replace(URL_SECRET, "$1[REDACTED]");
}

/** A logged URL: the path decoded and masked, and only the values of known-safe query parameters kept. */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  const path = redactString(safeDecode(q < 0 ? url : url.slice(0, q)));
  if (q < 0) return path;
  const params = url
    .slice(q + 1)
    .split("&")
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf("=");
      const key = eq < 0 ? pair : pair.slice(0, eq);
      if (eq < 0) return redactString(safeDecode(key));
      return SAFE_QUERY_KEYS.has(safeDecode(key).toLowerCase()) ? redactString(safeDecode(pair)) : `${redactString(safeDecode(key))}=[REDACTED]`;
    });
  return `${path}?${params.join("&")}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
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
      const key = k.toLowerCase();
      out[k] = SENSITIVE_KEYS.has(key) && v != null ? "[REDACTED]" : key === "url" && typeof v === "string" ? redactUrl(v) : redactValue(v, depth + 1);
    }
    return out;
  }
  return value;
}
