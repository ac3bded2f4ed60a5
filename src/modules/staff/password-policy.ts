// Staff password policy: a minimum length and a zxcvbn-ts strength score, which rejects common passwords
// (its maintained frequency lists: 12345678, password1, qwertyuiop…), dictionary words, keyboard walks,
// repeats and the account's own username or agency code.
import { zxcvbn, zxcvbnOptions } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";
import { DomainError } from "../../domain/errors";

let configured = false;
function ensureOptions(): void {
  if (configured) return;
  zxcvbnOptions.setOptions({ dictionary, graphs: adjacencyGraphs });
  configured = true;
}

export interface PasswordRules {
  minLength: number;
  minScore: number;
}

/** Throws STAFF.WEAK_PASSWORD (400) with a Chinese reason when the password breaks the policy. */
export function assertPasswordAllowed(password: string, rules: PasswordRules, personal: string[] = []): void {
  if (password.length < rules.minLength) throw new DomainError("STAFF.INVALID_PASSWORD", `密码至少${rules.minLength}位`);
  if (password.length > 200) throw new DomainError("STAFF.INVALID_PASSWORD", "密码不能超过200位");
  ensureOptions();
  // zxcvbn's cost grows with length; the first 100 characters decide (a longer password is long enough anyway).
  const result = zxcvbn(password.slice(0, 100), personal.filter(Boolean));
  if (result.score < rules.minScore) {
    throw new DomainError("STAFF.INVALID_PASSWORD", "密码过于简单或常见（如 12345678、password、键盘连续字符或用户名），请使用更长、更难猜的密码");
  }
}
