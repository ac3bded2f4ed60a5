// The webhook's one-pass reader of the usual flat message (issue 18) against the full path (validator and
// fast-xml-parser): the same fields for every document it accepts, and every other document left to the full
// path, which keeps its refusals (declarations, malformed XML, the parser's own errors).
import { parseFlatWechatXml, parseWechatXml, parseWechatXmlWithParser, XmlRejected } from "../../../src/channels/wechat-xml";

const text = (content: string, extra = "") =>
  `<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o_user]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>1234567890123456</MsgId>${extra}</xml>`;

const accepted = [
  text("办公时间"),
  text(""),
  text("含 <标签> & 符号 ]] > 和 <!DOCTYPE x> 的文字"),
  text("多行\n文字\t"),
  `\n<xml>\n  <ToUserName><![CDATA[gh_1]]></ToUserName>\n  <FromUserName><![CDATA[o_user]]></FromUserName>\n  <MsgType><![CDATA[event]]></MsgType>\n  <Event><![CDATA[subscribe]]></Event>\n  <EventKey></EventKey>\n</xml>\n`,
  `<xml><Encrypt><![CDATA[abc+/=]]></Encrypt><ToUserName>gh_1</ToUserName></xml>`,
  `<xml><A>plain text > with a bracket</A><B_2>x</B_2></xml>`,
];

const leftToParser = [
  `<?xml version="1.0"?>${text("x")}`,
  text("x", "<!-- comment -->"),
  text("x", "<MsgId>2</MsgId>"),
  `<xml><A a="1">x</A></xml>`,
  `<xml><A>&amp;</A></xml>`,
  `<xml><A>x<![CDATA[y]]></A></xml>`,
  `<xml><A><![CDATA[x]]>y</A></xml>`,
  `<xml><A> <![CDATA[x]]></A></xml>`,
  `<xml><A><![CDATA[x]]><![CDATA[y]]></A></xml>`,
  `<xml><SubscribeMsgPopupEvent><List><TemplateId><![CDATA[t1]]></TemplateId><SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString></List></SubscribeMsgPopupEvent><MsgType>event</MsgType></xml>`,
  `<xml><__proto__>x</__proto__></xml>`,
  `<xml><constructor>x</constructor></xml>`,
  `<xml><A>x</B></xml>`,
  `<xml><A>x</A>`,
  `<xml><A><![CDATA[x</A></xml>`,
  `<xml><A>x]]>y</A></xml>`,
  `<xml><A>x</A></xml>trailing`,
  `<xml><A>x</A></xml><xml></xml>`,
  `<!DOCTYPE xml [<!ENTITY e "x">]><xml><A>&e;</A></xml>`,
  `<xml><!DOCTYPE x><A>x</A></xml>`,
  `<XML><A>x</A></XML>`,
  `<xml></xml>`,
  text("多行\r\n文字\r"),
  `<xml><1A>x</1A></xml>`,
];

describe("the flat WeChat XML reader", () => {
  it.each(accepted)("reads %j as the full parser does", (doc) => {
    const flat = parseFlatWechatXml(doc);
    expect(flat).not.toBeNull();
    // The full parser also keeps the line breaks between elements as "#text", which nothing reads.
    const { "#text": _between, ...full } = parseWechatXmlWithParser(doc);
    expect(flat).toEqual(full);
    expect(parseWechatXml(doc)).toEqual(flat);
  });

  it("keeps the text of a message exactly, markup-looking characters included", () => {
    expect(parseFlatWechatXml(text("含 <标签> & 符号 ]] > 的文字"))?.Content).toBe("含 <标签> & 符号 ]] > 的文字");
    expect(parseFlatWechatXml(text("办公时间"))).toEqual({
      ToUserName: "gh_1",
      FromUserName: "o_user",
      CreateTime: "1700000000",
      MsgType: "text",
      Content: "办公时间",
      MsgId: "1234567890123456",
    });
  });

  it.each(leftToParser)("leaves %j to the full path", (doc) => {
    expect(parseFlatWechatXml(doc)).toBeNull();
  });

  it("still refuses declarations, entities and malformed documents (through the full path)", () => {
    for (const doc of [
      `<!DOCTYPE xml [<!ENTITY e "x">]><xml><A>&e;</A></xml>`,
      `<xml><!DOCTYPE x><A>x</A></xml>`,
      `<xml><A>x</B></xml>`,
      `<xml><A>x</A>`,
      `<xml><A><![CDATA[x</A></xml>`,
    ]) {
      expect(() => parseWechatXml(doc)).toThrow(XmlRejected);
    }
  });

  it("gives a repeated element, a nested list or an entity the full parser's answer", () => {
    for (const doc of leftToParser) {
      let full: unknown;
      try {
        full = parseWechatXmlWithParser(doc);
      } catch (e) {
        full = e instanceof XmlRejected ? "rejected" : e;
      }
      let viaEntry: unknown;
      try {
        viaEntry = parseWechatXml(doc);
      } catch (e) {
        viaEntry = e instanceof XmlRejected ? "rejected" : e;
      }
      expect(viaEntry).toEqual(full);
    }
  });
});
