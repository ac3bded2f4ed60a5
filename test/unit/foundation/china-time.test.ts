// China-local dates do not depend on the host time zone.
import { addDays, isIsoDate, localDate } from "../../../src/domain/china-time";

describe("localDate", () => {
  const original = process.env.TZ;
  afterEach(() => {
    process.env.TZ = original;
  });

  it.each(["UTC", "America/Los_Angeles", "Asia/Shanghai", "Pacific/Kiritimati"])("gives the same date with host TZ %s", (tz) => {
    process.env.TZ = tz;
    // 2019-12-31 17:30 UTC is already 1 January 2020 in China.
    expect(localDate(new Date("2019-12-31T17:30:00Z"))).toBe("2020-01-01");
    expect(localDate(new Date("2019-12-31T15:59:59Z"))).toBe("2019-12-31");
  });

  it("validates and adds calendar dates", () => {
    expect(isIsoDate("2024-02-29")).toBe(true);
    expect(isIsoDate("2023-02-29")).toBe(false);
    expect(isIsoDate("2023-2-1")).toBe(false);
    expect(addDays("2019-12-31", 1)).toBe("2020-01-01");
  });
});
