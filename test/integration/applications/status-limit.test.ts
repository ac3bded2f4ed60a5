// The wrong-code limit stops one client quickly, but other clients' failures cannot lock the citizen out
// (there is no per-number lock: issue 13 item 5; guessing is hopeless through the code's length instead).
import request from "supertest";
import { createTestEnv, type TestEnv } from "../../helpers/test-context";
import { personBody } from "./fixtures";

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({ db: "postgres", env: { STATUS_QUERY_MAX_FAILURES: "3" } });
});
afterAll(() => env.close());

it("limits a guessing client after 3 wrong codes while the owner on another client still gets the status", async () => {
  const filed = (await request(env.server).post("/api/applications").send(personBody()).expect(201)).body;
  const svc = env.services.applications;
  for (const code of ["00000000", "00000001", "00000002"]) {
    await expect(svc.citizenStatus(filed.applicationNo, code, "guesser")).rejects.toMatchObject({ code: "APPLICATION.NOT_FOUND" });
  }
  await expect(svc.citizenStatus(filed.applicationNo, filed.queryCode, "guesser")).rejects.toMatchObject({ code: "RATE_LIMITED" });
  const owner = await svc.citizenStatus(filed.applicationNo, filed.queryCode, "owner-phone");
  expect(owner.applicationNo).toBe(filed.applicationNo);
});

it("wrong codes spread over many clients never lock the owner out", async () => {
  const filed = (
    await request(env.server)
      .post("/api/applications")
      .send(personBody({ description: "张店区融媒体中心2024年度部门决算公开" }))
      .expect(201)
  ).body;
  const svc = env.services.applications;
  for (let i = 0; i < 30; i++) {
    await expect(svc.citizenStatus(filed.applicationNo, String(100000000000 + i), `client-${i}`)).rejects.toMatchObject({ code: "APPLICATION.NOT_FOUND" });
  }
  expect((await svc.citizenStatus(filed.applicationNo, filed.queryCode, "owner")).applicationNo).toBe(filed.applicationNo);
});
