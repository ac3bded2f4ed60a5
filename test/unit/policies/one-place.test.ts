// The role rules are written once, in the modules' policy.ts: no API router, console page or HTTP helper compares a
// role itself or names roles to admit (a rule written there as well would drift from the policy).
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../../..");

function tsFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = `${dir}/${d.name}`;
    if (d.isDirectory()) return tsFiles(rel);
    return d.name.endsWith(".ts") ? [rel] : [];
  });
}

// A role compared, a role named to requireStaff(whatever supplies the staff, …) or requireRole(ctx, …), a roles list.
const ROLE_CHECK = /\.role\s*[!=]==?\s*"|requireStaff\([^,()]*,\s*"|requireRole\([^,()]*,\s*"|\broles\s*:\s*\[|\.includes\(\s*\w+\.role\s*\)/;

test("routers, console pages and http/ ask the policy instead of naming roles", () => {
  const files = [...tsFiles("src/modules").filter((f) => /\/routes\.ts$|-routes\.ts$/.test(f)), ...tsFiles("src/modules/console"), ...tsFiles("src/http")];
  expect(files.length).toBeGreaterThan(10);
  const offenders = files.flatMap((f) =>
    fs
      .readFileSync(path.join(ROOT, f), "utf8")
      .split("\n")
      .map((line, i) => ({ where: `${f}:${i + 1}`, line }))
      .filter(({ line }) => ROLE_CHECK.test(line)),
  );
  expect(offenders).toEqual([]);
});

test("the check recognises the role comparisons it forbids", () => {
  for (const line of [
    'if (staff.role === "admin")',
    'requireStaff(app, "approver", "admin")',
    'requireStaff(deps.staff, "admin")',
    'requireRole(ctx, "admin")',
    '{ roles: ["admin"] }',
  ])
    expect(ROLE_CHECK.test(line)).toBe(true);
  expect(ROLE_CHECK.test("requireStaff(app, mayPublishReport)")).toBe(false);
  expect(ROLE_CHECK.test("requireStaff(deps.staff, mayPublishReport)")).toBe(false);
});
