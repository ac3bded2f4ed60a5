// assertExpectedVersion(): the one check of the version an editor saw before a versioned write (catalogue, report drafts).
import { assertExpectedVersion, DomainError } from "../../../src/domain/errors";

const check = (current: number, expected: number | undefined) => () => assertExpectedVersion(current, expected, "X.CONFLICT", "已被他人修改");

test("the version the editor saw, or none named, lets the write go on", () => {
  expect(check(3, 3)).not.toThrow();
  expect(check(3, undefined)).not.toThrow();
});

test("another version is a conflict with the caller's code and message, naming the current version", () => {
  let err: unknown;
  try {
    check(4, 3)();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DomainError);
  expect(err).toMatchObject({ code: "X.CONFLICT", message: "已被他人修改", details: { currentVersion: 4 } });
});
