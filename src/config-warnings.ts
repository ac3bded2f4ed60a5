// Settings that are valid but weak: the service starts, and says at start what should be changed.
// (WeChat accepts a Token of 3–32 characters, so a short one cannot be refused outright, issue 13 item 18.)
import type { Config } from "./config";

export interface ConfigWarning {
  variable: string;
  message: string;
}

/** Below this a WECHAT_TOKEN is guessable enough to forge plain-mode signatures offline from one signed URL. */
export const WECHAT_TOKEN_RECOMMENDED_LENGTH = 16;

export function configWarnings(c: Config): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  if (c.WECHAT_TOKEN && c.WECHAT_TOKEN.length < WECHAT_TOKEN_RECOMMENDED_LENGTH) {
    out.push({
      variable: "WECHAT_TOKEN",
      message: `WECHAT_TOKEN has ${c.WECHAT_TOKEN.length} characters; use ${WECHAT_TOKEN_RECOMMENDED_LENGTH}–32 random letters and digits (WeChat allows 3–32), and set the same value in 微信公众平台 → 服务器配置`,
    });
  }
  if (!c.QUERY_CODE_SECRET && c.REDIS_URL) {
    out.push({
      variable: "QUERY_CODE_SECRET",
      message: `QUERY_CODE_SECRET is unset: query codes are keyed with the secret in ${c.SERVER_SECRET_FILE} on this host; several instances on different hosts must share one QUERY_CODE_SECRET`,
    });
  }
  return out;
}
