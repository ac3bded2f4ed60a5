// Personal data is masked in every log line, whatever field it travels in.
import { Writable } from "node:stream";
import { createLogger } from "../../../src/infra/logger";
import { redactString } from "../../../src/infra/redact";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, stream };
}

describe("redaction", () => {
  it("masks resident ID numbers, mobile phones and bearer tokens in strings", () => {
    const s = redactString("id 11010519491231002X phone 13812345678 Bearer abc.def-ghi");
    expect(s).not.toContain("11010519491231002X");
    expect(s).not.toContain("13812345678");
    expect(s).not.toContain("abc.def-ghi");
    expect(s).toContain("110105********");
    expect(s).toContain("138****5678");
  });

  it("cuts query codes and tokens out of logged URLs", () => {
    const s = redactString("/api/applications/ZDRMT-2026-00001?queryCode=84395357&x=1 and /wechat?access_token=abc123");
    expect(s).toBe("/api/applications/ZDRMT-2026-00001?queryCode=[REDACTED]&x=1 and /wechat?access_token=[REDACTED]");
  });

  it("masks sensitive keys and nested strings in log objects and messages", () => {
    const { lines, stream } = capture();
    const log = createLogger("info", stream);
    log.info({ applicant: { idNumber: "110101199003074514", phone: "13912345678", name: "张三" }, note: "call 13912345678" }, "for 110101199003074514");
    const line = lines.join("");
    expect(line).not.toContain("110101199003074514");
    expect(line).not.toContain("13912345678");
    expect(line).toContain("张三");
    expect(JSON.parse(line).applicant.idNumber).toBe("[REDACTED]");
  });
});
