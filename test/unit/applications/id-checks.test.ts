import { creditCodeCheckChar, isValidCreditCode, isValidResidentId, maskIdNumber } from "../../../src/domain/id-checks";

describe("resident ID (GB 11643)", () => {
  it("accepts correct check characters, including X and lower-case x", () => {
    expect(isValidResidentId("11010519491231002X")).toBe(true);
    expect(isValidResidentId("11010519491231002x")).toBe(true);
    expect(isValidResidentId("370303198001010012")).toBe(true);
  });
  it("rejects a wrong check digit, a wrong length and an impossible birth date", () => {
    expect(isValidResidentId("110105194912310021")).toBe(false);
    expect(isValidResidentId("11010519491231002")).toBe(false);
    expect(isValidResidentId("110105194902300027")).toBe(false);
  });
});

describe("unified social credit code (GB 32100)", () => {
  it("accepts real codes and rejects a changed check character", () => {
    expect(isValidCreditCode("91350100M000100Y43")).toBe(true);
    expect(isValidCreditCode("91110000600037341L")).toBe(true);
    expect(isValidCreditCode("91350100M000100Y44")).toBe(false);
    expect(creditCodeCheckChar("91350100M000100Y4")).toBe("3");
  });
  it("rejects characters outside its alphabet (I, O, S, V, Z)", () => {
    expect(isValidCreditCode("91350100M000100I43")).toBe(false);
  });
});

it("masks identity numbers", () => {
  expect(maskIdNumber("11010519491231002X")).toBe("110***********002X");
  expect(maskIdNumber(undefined)).toBeNull();
});
