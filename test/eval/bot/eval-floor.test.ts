// The bot evaluation as a CI gate (issue 14): every case of dev.jsonl and held-out.jsonl through the real
// conversation service on one embedded database (a fresh conversation per case); fails when the accuracy
// of a set is below its floor in floors.json. `npm run eval:bot` prints the per-category table and misses.
import { evaluate, loadFloors, overallAccuracy, type CaseResult } from "./eval-lib";

const misses = (rs: CaseResult[]) =>
  rs
    .filter((r) => !r.ok)
    .slice(0, 15)
    .map((r) => `${r.id}: ${r.failures[0]}`)
    .join("\n");

describe("bot evaluation (test/eval/bot)", () => {
  it("meets the floors of floors.json on the development and held-out sets", async () => {
    const floors = loadFloors();
    const { results, scores } = await evaluate(["dev", "held-out"]);
    expect(scores.dev?.total ?? 0).toBeGreaterThanOrEqual(240);
    const dev = scores.dev!;
    if (dev.accuracy < floors.dev)
      throw new Error(`dev accuracy ${(dev.accuracy * 100).toFixed(1)}% < floor ${(floors.dev * 100).toFixed(1)}%; first misses:\n${misses(results.dev)}`);
    const held = scores["held-out"];
    if (held && held.accuracy < floors.heldOut)
      throw new Error(`held-out accuracy ${(held.accuracy * 100).toFixed(1)}% < floor ${(floors.heldOut * 100).toFixed(1)}%`);
    const overall = overallAccuracy(scores);
    if (floors.overall !== undefined && overall !== null && overall < floors.overall)
      throw new Error(`overall accuracy ${(overall * 100).toFixed(1)}% < floor ${(floors.overall * 100).toFixed(1)}%`);
  }, 120_000);
});
