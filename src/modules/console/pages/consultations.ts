// Consultations handed over by the bot (转人工): the list with a reply form, and the ones of one applicant
// shown on the application page (matched by the verified channel identity the application was filed from).
import type Router from "@koa/router";
import type { AppContext } from "../../../context";
import type { Services } from "../../services";
import { DomainError } from "../../../domain/errors";
import { Application } from "../../applications/application.entity";
import type { StaffPrincipal } from "../../staff/staff-service";
import { Consultation } from "../../conversation/entities";
import { html } from "../../../http/html";
import { localTime, page } from "../layout";
import { consoleStaff, setFlash, takeFlash } from "../session";

export interface ConsultationView {
  id: string;
  channelLabel: string;
  question: string;
  reply: string | null;
  createdAt: string;
  status: string;
}

const CHANNEL: Record<string, string> = { oa: "公众号", mp: "小程序", wx: "微信", chat: "网页咨询" };

const view = (c: Consultation): ConsultationView => ({
  id: c.id,
  channelLabel: CHANNEL[c.channel] ?? c.channel,
  question: c.question,
  reply: c.answer,
  createdAt: c.createdAt,
  status: c.status,
});

function available(app: AppContext): boolean {
  return app.db.hasMetadata(Consultation);
}

/** Consultations from the same channel identity as the application, or null when the feature is absent. */
export async function consultationsFor(app: AppContext, staff: StaffPrincipal, applicationNo: string): Promise<ConsultationView[] | null> {
  if (!available(app)) return null;
  const stored = await app.db
    .getRepository(Application)
    .findOne({ select: { id: true, citizenKey: true }, where: { agencyId: staff.agencyId, applicationNo } });
  const key = stored?.citizenKey;
  if (!key) return [];
  const list = await app.db
    .getRepository(Consultation)
    .find({ where: { agencyId: staff.agencyId, recipient: key, verified: "yes" }, order: { createdAt: "DESC" }, take: 20 });
  return list.map(view);
}

export function consultationRoutes(app: AppContext, r: Router, deps: Pick<Services, "conversation">): void {
  r.get("/consultations", async (ctx) => {
    const staff = consoleStaff(ctx);
    const showAll = ctx.query.all === "1";
    const list = await deps.conversation.listConsultations(staff, showAll ? undefined : "open");
    const body = html`<p>${showAll ? html`<a href="/console/consultations">只看待回复</a>` : html`<a href="/console/consultations?all=1">查看全部（含已回复）</a>`}</p>
${list.length ? "" : html`<p class="muted">没有待回复的咨询。</p>`}
${list.map(
  (c) => html`<section class="card" id="c-${c.id}" aria-labelledby="q-${c.id}">
<h2 id="q-${c.id}" class="pre">${c.question}</h2>
<p class="muted">${localTime(app, c.createdAt)} · ${CHANNEL[c.channel] ?? c.channel} · ${c.reason === "misunderstood" ? "机器人未能理解" : "咨询人要求转人工"}${c.verified ? "" : " · 身份未验证"}</p>
${c.transcript?.length ? html`<details><summary>对话记录</summary><ol>${c.transcript.map((t) => html`<li><strong>${t.from === "bot" ? "机器人" : "咨询人"}：</strong><span class="pre">${t.text}</span></li>`)}</ol></details>` : ""}
${
  c.status === "answered"
    ? html`<p><strong>已回复：</strong><span class="pre">${c.answer ?? ""}</span></p>`
    : html`<form method="post" action="/console/consultations/${c.id}/reply" class="stack">
  <label for="reply-${c.id}">回复内容（将通过原渠道发送给咨询人）</label>
  <textarea id="reply-${c.id}" name="text" required maxlength="2000" rows="3"></textarea>
  <button type="submit" class="primary">发送回复</button>
</form>`
}
</section>`,
)}`;
    ctx.type = "html";
    ctx.body = page(ctx, { title: "咨询留言", active: "consultations", body, flash: takeFlash(ctx) }).value;
  });

  r.post("/consultations/:id/reply", async (ctx) => {
    const staff = consoleStaff(ctx);
    const text = typeof (ctx.request.body as Record<string, unknown>)?.text === "string" ? (ctx.request.body as Record<string, string>).text.trim() : "";
    if (!text) throw new DomainError("VALIDATION.INVALID_INPUT", "请填写回复内容");
    await deps.conversation.replyConsultation(staff, ctx.params.id, text.slice(0, 2000));
    setFlash(ctx, { kind: "ok", text: "回复已发送" });
    ctx.redirect("/console/consultations");
  });
}

export const consultationsAvailable = available;
