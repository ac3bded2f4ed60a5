// The CLI: one entry, --help lists commands, same configuration and database preparation as the server.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCli } from "../../../src/cli";

function output() {
  const info: string[] = [];
  const error: string[] = [];
  return { info, error, out: { info: (l: string) => info.push(l), error: (l: string) => error.push(l) } };
}

describe("npm run cli", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ogi-cli-"));
  const env = { DATABASE_URL: `sqlite:${path.join(dir, "cli.sqlite")}`, LOG_LEVEL: "silent" };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("lists its commands with --help", async () => {
    const o = output();
    expect(await runCli(["--help"], o.out, env)).toBe(0);
    const text = o.info.join("\n");
    for (const name of ["migrate", "migrate-down", "create-user"]) expect(text).toContain(name);
  });

  it("creates a user on a fresh database and refuses a duplicate", async () => {
    const o = output();
    expect(await runCli(["create-user", "--username", "clerk1", "--password", "long-enough-1", "--role", "clerk"], o.out, env)).toBe(0);
    expect(o.info.join("")).toMatch(/created clerk clerk1/);
    const again = output();
    expect(await runCli(["create-user", "--username", "clerk1", "--password", "long-enough-1", "--role", "clerk"], again.out, env)).toBe(1);
    expect(again.error.join("")).toContain("STAFF.ALREADY_EXISTS");
  });

  it("reports a bad configuration with every problem and exit code 78", async () => {
    const o = output();
    expect(await runCli(["migrate"], o.out, { DATABASE_URL: "mysql://x", PORT: "x" })).toBe(78);
    expect(o.error.join("")).toMatch(/DATABASE_URL[\s\S]*PORT|PORT[\s\S]*DATABASE_URL/);
  });

  it("answers an unknown command with the help text and exit code 2", async () => {
    const o = output();
    expect(await runCli(["frobnicate"], o.out, env)).toBe(2);
    expect(o.error.join("")).toContain("unknown command: frobnicate");
  });
});
