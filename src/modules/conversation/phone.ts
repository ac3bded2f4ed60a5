// Phone numbers as citizens type them — full-width digits (１３９…), spaces, dashes, brackets around the area
// code, a +86/0086 prefix — turned into the one form the intake validator accepts. Anything that is not
// recognisably a phone number is returned as typed (minus spaces), so the validator's message is shown.

const DASHES = /[‐‑‒–—―－﹣]/g;

export function normalizePhone(text: string): string {
  // NFKC folds full-width digits, "＋" and "－"; the other dash look-alikes are folded by hand.
  const t = text.normalize("NFKC").replace(DASHES, "-").trim();
  const digits = t.replace(/[\s\-().（）]/g, "");
  // Mobile: 11 digits starting 1[3-9], with an optional country code (+86, 0086, 86).
  const mobile = /^(?:\+?86|0086)?(1[3-9]\d{9})$/.exec(digits);
  if (mobile) return mobile[1];
  // Landline: area code (0 + 2–3 digits) and a 7–8 digit number, separated by a dash, a space or brackets.
  const parts = /^[(（]?(0\d{2,3})[)）]?[\s-]*(\d{7,8})$/.exec(t.replace(/\s+/g, " "));
  if (parts) return `${parts[1]}-${parts[2]}`;
  return t.replace(/\s/g, "");
}
