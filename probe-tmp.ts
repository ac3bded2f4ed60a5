import { newSession, step } from "./src/modules/conversation/engine";
import { sharedUnderstanding } from "./src/modules/conversation/understanding";
import { knowledgeIndex } from "./test/unit/conversation/knowledge-fixture";
import fs from "node:fs";
const nlu = sharedUnderstanding();
const index = knowledgeIndex();
const now = "2026-03-02T02:00:00.000Z";
for (const text of fs.readFileSync(process.argv[2], "utf8").split("\n").filter(Boolean)) {
  const r = step(nlu, newSession(now), { type: "text", text, now, messageId: "m", channel: "chat", verified: false, currentYear: 2026 }, index);
  console.log(`${text}\n   → [${r.intent}] ${r.replies.join(" ⏎ ").slice(0, 110)}`);
}
