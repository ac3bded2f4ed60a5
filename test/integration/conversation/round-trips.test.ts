// Redis round trips per citizen message (issue 18): at most 3 per FAQ message and per form step, on the
// official-account webhook and on the chat API (anonymous web chat and the bot relay), counted with a wrapper
// around the key-value store's ioredis client that sees every command it sends (a Lua batch is one command).
// What breaks it: a guard, claim, lock, read, write or release going back to its own command
// (src/modules/conversation/session-store.ts open/close, src/channels/wechat-webhook.ts, the chat route).
import request from "supertest";
import type { RedisKeyValueStore } from "../../../src/infra/kv";
import { createTestEnv, type TestEnv } from "../../helpers/test-context";
import { wechatSignature } from "../../helpers/wechat-official";
import { anonymousChat } from "../../helpers/anonymous-chat";

const TOKEN = "roundtriptoken";
const ACCOUNT = "gh_roundtrips01";
const NOW = "2026-03-02T02:00:00Z";
const TS = String(Date.parse(NOW) / 1000);
const BOT = "bot-token-for-round-trips-0123456789";
const ID = "11010519491231002X";

let env: TestEnv;
let sent: string[] = [];

beforeAll(async () => {
  env = await createTestEnv({ db: "postgres", now: NOW, env: { WECHAT_TOKEN: TOKEN, BOT_SERVICE_TOKEN: BOT, WECHAT_REPLY_BUDGET_MS: "3000" } });
  const kv = env.ctx.kv as RedisKeyValueStore;
  expect(kv.mode).toBe("redis");
  const original = kv.client.sendCommand.bind(kv.client);
  kv.client.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
    sent.push(command.name);
    return (original as (...a: unknown[]) => unknown)(command, ...rest);
  }) as typeof kv.client.sendCommand;
});
afterAll(() => env.close());

/** Commands the store's client sent while `fn` ran; NOSCRIPT reloads of a script are not round trips of the path. */
async function counted<T>(fn: () => Promise<T>): Promise<{ value: T; commands: string[] }> {
  sent = [];
  const value = await fn();
  return { value, commands: sent.filter((c) => c !== "script") };
}

let msgSeq = 8100000000000000000n;
let nonceSeq = 0;
function postText(openId: string, content: string) {
  const nonce = `rt${nonceSeq++}`;
  const xml = `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName><CreateTime>${TS}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgSeq++}</MsgId></xml>`;
  return request(env.server)
    .post("/wechat")
    .query({ timestamp: TS, nonce, signature: wechatSignature([TOKEN, TS, nonce]) })
    .set("Content-Type", "text/xml")
    .send(xml);
}

const filing: Array<[string, RegExp]> = [
  ["我要申请", /以什么身份申请/],
  ["1", /姓名/],
  ["张三", /证件/],
  ["1", /证件号码|身份证号/],
  [ID, /联系电话/],
  ["13800138000", /描述/],
  ["2025年本区老旧小区改造项目的资金安排文件", /文号|跳过/],
  ["跳过", /形式/],
  ["2", /方式|途径/],
  ["1", /确认/],
  ["确认", /申请编号：\S+/],
];

describe("official-account webhook", () => {
  it("an FAQ message costs 2 round trips: guard + claim + last-seen + lock + read, then write + unlock + done", async () => {
    await postText("o-rt-warm", "办公时间"); // loads the batch script once (EVALSHA after that)
    for (const q of ["怎么申请政府信息公开", "申请要收费吗", "办公时间"]) {
      const { value: res, commands } = await counted(() => postText("o-rt-faq", q));
      expect(res.status).toBe(200);
      expect(res.text).toContain("<Content>");
      expect(commands).toEqual(["evalsha", "evalsha"]);
    }
  });

  it("every step of a filing dialogue costs at most 3 round trips (the confirmation adds the filing limit)", async () => {
    const perStep: number[] = [];
    for (const [text, expected] of filing) {
      const { value: res, commands } = await counted(() => postText("o-rt-form", text));
      expect(res.text).toMatch(expected);
      perStep.push(commands.length);
    }
    expect(Math.max(...perStep)).toBeLessThanOrEqual(3);
    expect(perStep.slice(0, -1).every((n) => n === 2)).toBe(true);
  });

  it("a duplicate delivery costs one round trip and changes nothing", async () => {
    const nonce = "rt-dup";
    const xml = `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><FromUserName><![CDATA[o-rt-dup]]></FromUserName><CreateTime>${TS}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[办公时间]]></Content><MsgId>8199999999999999999</MsgId></xml>`;
    const post = () =>
      request(env.server)
        .post("/wechat")
        .query({ timestamp: TS, nonce, signature: wechatSignature([TOKEN, TS, nonce]) })
        .set("Content-Type", "text/xml")
        .send(xml);
    expect((await post()).text).toContain("办公时间");
    const { value: again, commands } = await counted(post);
    expect(again.text).toBe("success");
    expect(commands).toEqual(["evalsha"]);
  });
});

describe("chat API", () => {
  it("an anonymous FAQ message in a known session costs 3 round trips: token + lock + read, the message limit, write + unlock", async () => {
    const chat = anonymousChat(env.server);
    await chat.send("rt-anon", "你好"); // the first message opens the session
    for (const q of ["怎么申请政府信息公开", "申请要收费吗"]) {
      const { value: res, commands } = await counted(() => chat.send("rt-anon", q));
      expect(res.status).toBe(200);
      expect(res.body.replies.join("")).not.toBe("");
      expect(commands).toEqual(["evalsha", "evalsha", "evalsha"]);
    }
  });

  it("every step of a filing dialogue through the chat costs at most 3 round trips, the confirmation 4 with the filing limit", async () => {
    const chat = anonymousChat(env.server);
    await chat.send("rt-filer", "你好");
    const perStep: number[] = [];
    for (const [text, expected] of filing) {
      const { value: res, commands } = await counted(() => chat.send("rt-filer", text));
      expect(res.body.replies.join("\n")).toMatch(expected);
      perStep.push(commands.length);
    }
    expect(perStep.slice(0, -1).every((n) => n === 3)).toBe(true);
    expect(perStep[perStep.length - 1]).toBeLessThanOrEqual(4);
  });

  it("the bot relay costs 3 round trips per message", async () => {
    const send = (text: string) => request(env.server).post("/api/chat").set("Authorization", `Bearer ${BOT}`).send({ userId: "wx-rt-contact", text });
    await send("你好");
    const { value: res, commands } = await counted(() => send("办公时间"));
    expect(res.status).toBe(200);
    expect(commands).toEqual(["evalsha", "evalsha", "evalsha"]);
  });
});
