// fast-check generators of hostile input for the public endpoints: strings that break parsers, databases
// and templates (NUL, lone surrogates, SQL, script, path tricks, huge), mutations of a valid JSON body
// (wrong types, nulls, missing and extra fields, prototype keys), and WeChat messages valid and mangled.
import fc from "fast-check";
import { outerXml, plainQuery, safeQuery, seal, sha1, WX } from "./fuzz-wechat";

export const PAYLOADS = [
  "' OR '1'='1",
  "'; DROP TABLE applications; --",
  "1; SELECT pg_sleep(5)--",
  '" OR 1=1 --',
  "admin'--",
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "javascript:alert(1)",
  "{{7*7}}${7*7}<%= 7*7 %>",
  "../../../../etc/passwd",
  "..%2F..%2Fetc%2Fpasswd",
  "%00",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff\ud800",
  "\u202e\u0644\u0627",
  "\ufeff",
  "𠮷𠮷𠮷👨‍👩‍👧‍👦",
  "ｓｅｌｅｃｔ",
  "null",
  "undefined",
  "NaN",
  "-1",
  "1e309",
  "__proto__",
  "constructor",
  "${jndi:ldap://127.0.0.1/a}",
  "\r\nSet-Cookie: x=1",
  "ZDRMT-2026-00001",
  "11010519491231002X",
  "13800138000",
  "%E4%B8",
  "]]><!--",
  "<![CDATA[",
  "&lt;&amp;&#0;&#x0;",
];

/** Citizen-ish phrases, so that generated chat and webhook text also reaches the engine's real paths. */
export const PHRASES = [
  "我要申请",
  "查询申请",
  "人工",
  "帮助",
  "公开目录",
  "怎么申请政府信息公开",
  "申请要收费吗",
  "2025年报告",
  "1",
  "2",
  "是",
  "否",
  "取消",
  "张三",
  "退出",
];

export const hostileString = (maxLength = 300): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...PAYLOADS) },
    { weight: 2, arbitrary: fc.constantFrom(...PHRASES) },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength }) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength }) },
    { weight: 1, arbitrary: fc.string({ maxLength }) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...PHRASES), fc.constantFrom(...PAYLOADS)).map(([a, b]) => `${a}${b}`) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom("x", "字", "\u0000", "𠮷"), fc.integer({ min: 200, max: 20_000 })).map(([c, n]) => c.repeat(n)) },
  );

/** Any JSON value, small, with hostile strings at the leaves. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 1e308),
    hostileString(50),
    fc.array(tie("v"), { maxLength: 4 }),
    fc.dictionary(hostileString(20), tie("v"), { maxKeys: 4 }),
  ),
})).v;

type Json = Record<string, unknown>;

/** Sets a dotted path in a copy of `body` (creating objects on the way; replacing a non-object parent). */
function setPath(body: Json, path: string[], value: unknown): Json {
  const copy = structuredClone(body) as Json;
  let node = copy;
  for (const k of path.slice(0, -1)) {
    if (!node[k] || typeof node[k] !== "object") node[k] = {};
    node = node[k] as Json;
  }
  node[path[path.length - 1]] = value;
  return copy;
}

function deletePath(body: Json, path: string[]): Json {
  const copy = structuredClone(body) as Json;
  let node: Json | undefined = copy;
  for (const k of path.slice(0, -1)) node = node?.[k] && typeof node[k] === "object" ? (node[k] as Json) : undefined;
  if (node) delete node[path[path.length - 1]];
  return copy;
}

function pathsOf(body: Json, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [k, v] of Object.entries(body)) {
    out.push([...prefix, k]);
    if (v && typeof v === "object" && !Array.isArray(v)) out.push(...pathsOf(v as Json, [...prefix, k]));
  }
  return out;
}

export interface RawBody {
  /** The text sent (JSON or deliberately not). */
  text: string;
  type: string;
  label: string;
}

const json = (v: unknown, label: string): RawBody => ({ text: JSON.stringify(v) ?? "null", type: "application/json", label });

/** Mutations of a valid JSON body: each case changes one to three things, or replaces it wholesale. */
export function mutatedBody(valid: Json): fc.Arbitrary<RawBody> {
  const paths = pathsOf(valid);
  const mutation = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.tuple(fc.constantFrom(...paths), anyJson).map(
        ([p, v]) =>
          (b: Json) =>
            setPath(b, p, v),
      ),
    },
    { weight: 2, arbitrary: fc.constantFrom(...paths).map((p) => (b: Json) => deletePath(b, p)) },
    { weight: 1, arbitrary: fc.constantFrom(...paths).map((p) => (b: Json) => setPath(b, p, null)) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(...paths), hostileString(2000)).map(
        ([p, v]) =>
          (b: Json) =>
            setPath(b, p, v),
      ),
    },
    { weight: 1, arbitrary: fc.tuple(hostileString(30), anyJson).map(([k, v]) => (b: Json) => ({ ...b, [k]: v })) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(...paths), hostileString(30), anyJson).map(
        ([p, k, v]) =>
          (b: Json) =>
            setPath(b, [...p.slice(0, -1), k], v),
      ),
    },
  );
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(json(valid, "valid")) },
    {
      weight: 12,
      arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) =>
        json(
          ms.reduce((b, m) => m(b), valid),
          "mutated",
        ),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constant(null).map(() => ({
        text: `{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},${JSON.stringify(valid).slice(1)}`,
        type: "application/json",
        label: "proto",
      })),
    },
    { weight: 2, arbitrary: anyJson.map((v) => json(v, "any json")) },
    { weight: 1, arbitrary: hostileString(500).map((t) => ({ text: t, type: "application/json", label: "not json" })) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 1, max: JSON.stringify(valid).length - 1 })
        .map((n) => ({ text: JSON.stringify(valid).slice(0, n), type: "application/json", label: "truncated" })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "text/xml", "multipart/form-data; boundary=x", "application/octet-stream", ""),
          hostileString(200),
        )
        .map(([type, text]) => ({ text, type, label: `as ${type || "no type"}` })),
    },
    { weight: 1, arbitrary: fc.constantFrom(300_000, 70_000).map((n) => json({ ...valid, description: "长".repeat(n) }, "huge")) },
  );
}

// ---------------------------------------------------------------- WeChat webhook

export interface WechatCase {
  query: Record<string, string>;
  body: string;
  type: string;
  label: string;
}

const msgTypes = fc.constantFrom("text", "event", "voice", "image", "location", "link", "video", "shortvideo", "", "TEXT", "<b>");
const events = fc.constantFrom("subscribe", "unsubscribe", "CLICK", "VIEW", "SCAN", "LOCATION", "", "click");
const menuKeys = fc.constantFrom("GUIDE", "CATALOGUE", "APPLY", "STATUS", "", "__proto__", "NOPE");

const cdata = (s: string) => `<![CDATA[${s.replace(/]]>/g, "]]]]><![CDATA[>")}]]>`;
/** Text as XML content: CDATA, or escaped, or raw (which may break the document: that is the point). */
const xmlText = fc
  .tuple(hostileString(200), fc.constantFrom("cdata", "escaped", "raw"))
  .map(([s, how]) => (how === "cdata" ? cdata(s) : how === "escaped" ? s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;") : s));

export function wechatMessage(ts: string): fc.Arbitrary<string> {
  return fc
    .record({
      from: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 30 }).map((n) => `o-fuzz-${n}`) }, { weight: 1, arbitrary: hostileString(60) }),
      type: msgTypes,
      content: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...PHRASES).map(cdata) }, { weight: 2, arbitrary: xmlText }),
      event: events,
      key: menuKeys,
      msgId: fc.oneof(
        { weight: 6, arbitrary: fc.bigInt({ min: 1n, max: 2n ** 63n }).map(String) },
        { weight: 1, arbitrary: hostileString(30) },
        { weight: 1, arbitrary: fc.constant("") },
      ),
      createTime: fc.oneof({ weight: 4, arbitrary: fc.constant(ts) }, { weight: 1, arbitrary: hostileString(20) }),
      drop: fc.oneof(
        { weight: 4, arbitrary: fc.constant([] as string[]) },
        { weight: 1, arbitrary: fc.subarray(["ToUserName", "FromUserName", "MsgType", "Content", "MsgId", "CreateTime"], { minLength: 1, maxLength: 2 }) },
      ),
      extra: fc.oneof(
        { weight: 3, arbitrary: fc.constant([] as Array<[string, string]>) },
        {
          weight: 1,
          arbitrary: fc.array(
            fc.tuple(fc.constantFrom("Recognition", "Event", "EventKey", "PicUrl", "MediaId", "__proto__", "constructor", "Encrypt", "a:b", "x"), xmlText),
            { minLength: 1, maxLength: 3 },
          ),
        },
      ),
    })
    .map((m) => {
      const fields: Array<[string, string]> = [
        ["ToUserName", cdata(WX.ACCOUNT)],
        ["FromUserName", cdata(m.from)],
        ["CreateTime", m.createTime],
        ["MsgType", cdata(m.type)],
        ["Content", m.content],
        ["MsgId", m.msgId],
      ];
      if (m.type === "event") fields.push(["Event", cdata(m.event)], ["EventKey", cdata(m.key)]);
      if (m.type === "voice") fields.push(["Recognition", m.content]);
      fields.push(...m.extra);
      return `<xml>${fields
        .filter(([k]) => !m.drop.includes(k))
        .map(([k, v]) => `<${k}>${v}</${k}>`)
        .join("")}</xml>`;
    });
}

/** Byte-level damage to a document: truncate, insert, delete, or wrap it in something hostile. */
const damage = (xml: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 12, arbitrary: xml },
    { weight: 1, arbitrary: fc.tuple(xml, fc.nat()).map(([s, n]) => s.slice(0, n % (s.length + 1))) },
    {
      weight: 1,
      arbitrary: fc.tuple(xml, fc.nat(), hostileString(20)).map(([s, n, ins]) => s.slice(0, n % (s.length + 1)) + ins + s.slice(n % (s.length + 1))),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(xml, fc.nat(), fc.integer({ min: 1, max: 20 }))
        .map(([s, n, k]) => s.slice(0, n % (s.length + 1)) + s.slice((n % (s.length + 1)) + k)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          xml,
          fc.constantFrom(
            '<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
            '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
            "<!doctype xml>",
            '<?xml version="1.0" encoding="UTF-8"?>',
            "<!-- c -->",
            "<?php echo 1; ?>",
            "\ufeff",
          ),
        )
        .map(([s, pre]) => pre + s),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(xml, fc.integer({ min: 1, max: 3000 })).map(([s, n]) => s.replace("</xml>", `${"<a>".repeat(n)}${"</a>".repeat(n)}</xml>`)),
    },
    { weight: 1, arbitrary: fc.tuple(xml, xml).map(([a, b]) => a + b) },
    { weight: 1, arbitrary: hostileString(400) },
  );

/** A POST /wechat delivery: plain or safe mode, signed or not, valid or damaged XML, sometimes the wrong type. */
export function wechatCase(ts: string): fc.Arbitrary<WechatCase> {
  const doc = damage(wechatMessage(ts));
  const sigDamage = fc.oneof(
    { weight: 6, arbitrary: fc.constant("none") },
    { weight: 1, arbitrary: fc.constantFrom("forged", "missing", "stale", "future", "badts", "openid") },
  );
  const type = fc.oneof(
    { weight: 8, arbitrary: fc.constant("text/xml") },
    { weight: 1, arbitrary: fc.constantFrom("application/xml", "text/plain", "application/json", "application/x-www-form-urlencoded", "") },
  );
  const plain = fc
    .tuple(doc, sigDamage, type)
    .map(([body, how, t]): WechatCase => ({ query: signedQuery((at) => plainQuery(at), how, ts), body, type: t, label: `plain/${how}` }));
  const safe = fc
    .tuple(
      doc,
      sigDamage,
      type,
      fc.constantFrom("sealed", "sealed", "sealed", "sealed", "sealed", "other-appid", "garbage", "empty"),
      fc.base64String({ maxLength: 200 }),
    )
    .map(([inner, how, t, envelope, garbage]): WechatCase => {
      const encrypted = envelope === "sealed" ? seal(inner) : envelope === "other-appid" ? seal(inner, "wxsomeoneelse") : envelope === "garbage" ? garbage : "";
      const query = signedQuery((at) => safeQuery(at, encrypted), how, ts);
      return { query, body: outerXml(encrypted), type: t, label: `safe/${envelope}/${how}` };
    });
  return fc.oneof(plain, safe);
}

/** The signed query, then damaged: forged or missing signatures, a correctly signed stale or future timestamp, a malformed one. */
function signedQuery(sign: (ts: string) => Record<string, string>, how: string, ts: string): Record<string, string> {
  const q = sign(ts);
  switch (how) {
    case "forged":
      return { ...q, signature: sha1(["forged", q.timestamp, q.nonce]), ...(q.msg_signature ? { msg_signature: sha1(["forged", q.timestamp, q.nonce]) } : {}) };
    case "missing": {
      const { signature: _s, msg_signature: _m, ...rest } = q;
      return rest;
    }
    case "stale":
      return sign(String(Number(ts) - 3600));
    case "future":
      return sign(String(Number(ts) + 3600));
    case "badts":
      return sign("12a");
    case "openid":
      return { ...q, openid: "o-someone-else" };
    default:
      return q;
  }
}
