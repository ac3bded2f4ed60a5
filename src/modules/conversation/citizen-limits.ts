// Per-client limits of the conversation module (issue 13 item 9): consultations opened (“人工”) and new
// anonymous chat sessions. One set of limiters per application context, on the shared Redis (several
// instances count together) or in-process on the embedded default; the numbers come from src/config.ts.
import type { AppContext } from "../../context";
import { createLimiter, type Limiter } from "../../infra/rate-limiter";

export interface CitizenLimits {
  consultation: Limiter;
  newChatSession: Limiter;
}

const byContext = new WeakMap<AppContext, CitizenLimits>();

export function citizenLimits(ctx: AppContext): CitizenLimits {
  let l = byContext.get(ctx);
  if (!l) {
    l = {
      consultation: createLimiter(ctx.kv, {
        name: "consultation",
        points: ctx.config.CONSULTATION_LIMIT_PER_HOUR,
        durationSeconds: 3600,
        message: "转人工请求过于频繁，请稍后再试，或拨打受理机关电话咨询",
      }),
      newChatSession: createLimiter(ctx.kv, {
        name: "chat-session",
        points: ctx.config.CHAT_NEW_SESSIONS_PER_HOUR,
        durationSeconds: 3600,
        message: "新建会话过于频繁，请稍后再试；继续原会话请带上 session",
      }),
    };
    byContext.set(ctx, l);
  }
  return l;
}
