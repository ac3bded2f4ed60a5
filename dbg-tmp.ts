import { clauses, answerMessage } from "./src/modules/conversation/knowledge/answering";
import { sharedUnderstanding } from "./src/modules/conversation/understanding";
import { knowledgeIndex } from "./test/unit/conversation/knowledge-fixture";
const idx = knowledgeIndex(); const nlu = sharedUnderstanding();
for (const t of process.argv.slice(2)) {
  console.log(clauses(nlu.normalize(t)));
  for (const c of clauses(nlu.normalize(t))) console.log(c, JSON.stringify(idx.search(c, 3).map(h => [h.unit.id, h.score.toFixed(2), h.confidence.toFixed(2)])), idx.terms(c));
  console.log(JSON.stringify(answerMessage(idx, nlu, t, 2026).answers.map(a => a.kind === "answer" || a.kind==="clarify" ? a.text.slice(0, 60) : a.kind)));
}
