// Pure parts of the official-account channel: signatures, the safe-mode envelope, XML reading rules,
// inbound message mapping and dedupe keys; plus year parsing and figure picking for report questions.
import { createCipheriv, createHash } from "node:crypto";
import { checkSignature, decryptMessage, encryptMessage, msgSignature, WechatCryptoError } from "../../../src/channels/wechat-crypto";
import { dedupeKey, inboundOf } from "../../../src/channels/wechat-webhook";
import { parseWechatXml, textReplyXml, XmlRejected } from "../../../src/channels/wechat-xml";
import { parseCredentials, parseYear } from "../../../src/modules/conversation/intents";
import { pickFigure, type PublishedFigures } from "../../../src/modules/conversation/ports";

const KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

describe("signatures", () => {
  it("is sha1 of the sorted token, timestamp and nonce", () => {
    const sig = createHash("sha1").update(["1409304348", "pamtest", "xxxxxx"].sort().join("")).digest("hex");
    expect(checkSignature("pamtest", "1409304348", "xxxxxx", sig)).toBe(true);
    expect(checkSignature("pamtest", "1409304348", "xxxxxy", sig)).toBe(false);
    expect(checkSignature("pamtest", "1409304348", "xxxxxx", "")).toBe(false);
  });
  it("includes the encrypted text in msg_signature", () => {
    expect(msgSignature("t", "1", "n", "E")).toBe(createHash("sha1").update(["t", "1", "n", "E"].sort().join("")).digest("hex"));
  });
});

describe("safe-mode envelope", () => {
  it("round-trips and carries the appid", () => {
    const xml = "<xml><Content><![CDATA[你好]]></Content></xml>";
    const enc = encryptMessage(KEY, "wxappid", xml);
    expect(Buffer.from(enc, "base64").length % 32).toBe(0);
    expect(decryptMessage(KEY, enc)).toEqual({ xml, appId: "wxappid" });
  });
  it("rejects tampered or foreign ciphertext", () => {
    // Flipping the first ciphertext byte flips the first byte of the length field (CBC): always caught.
    const enc = Buffer.from(encryptMessage(KEY, "wxappid", "<xml/>"), "base64");
    enc[0] ^= 0xff;
    expect(() => decryptMessage(KEY, enc.toString("base64"))).toThrow(WechatCryptoError);
    expect(() => decryptMessage(KEY, "bm90IGNpcGhlcnRleHQ=")).toThrow(WechatCryptoError);
  });
  it("rejects a padding whose bytes are not all the pad length", () => {
    const key = Buffer.from(`${KEY}=`, "base64");
    const len = Buffer.alloc(4);
    len.writeUInt32BE(6, 0);
    const plain = Buffer.concat([Buffer.alloc(16, 1), len, Buffer.from("<xml/>wxappid")]); // 33 bytes
    const padded = Buffer.concat([plain, Buffer.alloc(31, 31)]);
    padded[40] = 5;
    const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16));
    cipher.setAutoPadding(false);
    const enc = Buffer.concat([cipher.update(padded), cipher.final()]).toString("base64");
    expect(() => decryptMessage(KEY, enc)).toThrow(WechatCryptoError);
    padded[40] = 31;
    const good = createCipheriv("aes-256-cbc", key, key.subarray(0, 16));
    good.setAutoPadding(false);
    expect(decryptMessage(KEY, Buffer.concat([good.update(padded), good.final()]).toString("base64"))).toEqual({ xml: "<xml/>", appId: "wxappid" });
  });
});

describe("XML", () => {
  it("reads the flat message with CDATA and keeps long MsgIds as strings", () => {
    const m = parseWechatXml("<xml><FromUserName><![CDATA[o1]]></FromUserName><MsgId>1234567890123456789</MsgId><Content><![CDATA[a & b]]></Content></xml>");
    expect(m).toEqual({ FromUserName: "o1", MsgId: "1234567890123456789", Content: "a & b" });
  });
  it("refuses DOCTYPE, entity declarations, malformed documents and a missing root", () => {
    expect(() => parseWechatXml('<!DOCTYPE x [<!ENTITY a "b">]><xml><C>&a;</C></xml>')).toThrow(XmlRejected);
    expect(() => parseWechatXml("<xml><C>unclosed</xml>")).toThrow(XmlRejected);
    expect(() => parseWechatXml("<other><C>x</C></other>")).toThrow(XmlRejected);
    expect(() => parseWechatXml("")).toThrow(XmlRejected);
  });
  it("does not expand entity references in text", () => {
    expect(parseWechatXml("<xml><C>&lt;b&gt;</C></xml>").C).toBe("&lt;b&gt;");
  });
  it("writes CDATA that cannot be broken out of", () => {
    const xml = textReplyXml("o", "gh", 1, "x]]><evil/>");
    expect(parseWechatXml(xml).Content).toBe("x]]><evil/>");
  });
});

describe("inbound messages", () => {
  it("maps text, voice recognition, images, subscribe and menu clicks", () => {
    expect(inboundOf({ MsgType: "text", Content: "你好" })).toEqual({ kind: "text", text: "你好" });
    expect(inboundOf({ MsgType: "voice", Recognition: "怎么申请" })).toEqual({ kind: "text", text: "怎么申请" });
    expect(inboundOf({ MsgType: "voice", Recognition: "" }).kind).toBe("reply");
    expect(inboundOf({ MsgType: "image" }).kind).toBe("reply");
    expect(inboundOf({ MsgType: "event", Event: "subscribe" })).toEqual({ kind: "text", text: "帮助" });
    expect(inboundOf({ MsgType: "event", Event: "CLICK", EventKey: "STATUS" })).toEqual({ kind: "text", text: "查询申请" });
    expect(inboundOf({ MsgType: "event", Event: "unsubscribe" }).kind).toBe("ignore");
  });
  it("dedupes by MsgId, events by sender + CreateTime + event", () => {
    expect(dedupeKey({ MsgId: "42", FromUserName: "o" })).toBe("wechat:dedupe:msg:42");
    const a = dedupeKey({ FromUserName: "o", CreateTime: "1", Event: "CLICK", EventKey: "APPLY" });
    expect(a).not.toBe(dedupeKey({ FromUserName: "o", CreateTime: "2", Event: "CLICK", EventKey: "APPLY" }));
    expect(a).not.toBe(dedupeKey({ FromUserName: "p", CreateTime: "1", Event: "CLICK", EventKey: "APPLY" }));
  });
});

describe("years and credentials in messages", () => {
  it.each([
    ["2019年收到多少申请", 2019],
    ["二〇一九年的年报", 2019],
    ["二零二一年", 2021],
    ["去年", 2025],
    ["前年复议", 2024],
    ["大前年", 2023],
    ["今年", 2026],
    ["19年", 2019],
  ])("%s → %i", (text, year) => expect(parseYear(text, 2026)?.year).toBe(year));
  it("finds no year where there is none", () => expect(parseYear("收到多少申请", 2026)).toBeNull());
  it("reads application number and query code", () => {
    expect(parseCredentials("查询 ZDRMT-2026-00012 查询码 12345678")).toEqual({ applicationNo: "ZDRMT-2026-00012", queryCode: "12345678" });
    expect(parseCredentials("ＺＤＲＭＴ－２０２６－０００１２　ab12cd")).toEqual({ applicationNo: "ZDRMT-2026-00012", queryCode: "ab12cd" });
  });
});

describe("picking a figure from published report figures", () => {
  const f: PublishedFigures = {
    agency: { name: "张店区融媒体中心" },
    year: 2019,
    applications: [
      { code: "received.new", label: "一、本年新收政府信息公开申请数量", total: 4 },
      { code: "result.withheld", label: "三、本年度办理结果（三）不予公开", total: 0 },
      { code: "result.withheld.state_secret", label: "三、本年度办理结果（三）不予公开1.属于国家秘密", total: 1 },
      { code: "result.withheld.third_party", label: "三、本年度办理结果（三）不予公开4.保护第三方合法权益", total: 2 },
    ],
    reviewLitigation: [
      { code: "review.total", label: "行政复议总计", count: 3 },
      { code: "litigation.direct.total", label: "未经复议直接起诉总计", count: 1 },
      { code: "litigation.after_review.total", label: "复议后起诉总计", count: 2 },
    ],
  };
  it("takes a data row", () => expect(pickFigure("received", f)).toMatchObject({ value: 4, label: "一、本年新收政府信息公开申请数量" }));
  it("sums a group and lists its reasons", () => {
    const w = pickFigure("withheld", f)!;
    expect(w.value).toBe(3);
    expect(w.breakdown).toEqual([
      { label: "属于国家秘密", value: 1 },
      { label: "保护第三方合法权益", value: 2 },
    ]);
  });
  it("adds both kinds of litigation", () => {
    expect(pickFigure("review", f)!.value).toBe(3);
    expect(pickFigure("litigation", f)!.value).toBe(3);
  });
});
