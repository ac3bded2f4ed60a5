// What the bot did not understand (未答问题), most frequent first, with what it answered; approvers and
// admins attach a question to an existing answer or write a new answer, which the bot uses from the next
// message on. Clerks see the list only. Texts were masked of personal data when recorded.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../../context";
import type { Services } from "../../services";
import { DomainError } from "../../../domain/errors";
import type { MissView } from "../../conversation/knowledge/learned-store";
import { unitCandidates, type UnitCandidate } from "../../conversation/knowledge/learned-routes";
import { html, options } from "../../../http/html";
import { localTime, page } from "../layout";
import { consoleStaff, requireRole, setFlash, takeFlash } from "../session";
import { mayCurateAnswers } from "../../conversation/policy";

const CHANNEL: Record<string, string> = { oa: "公众号", mp: "小程序", wx: "微信", chat: "网页咨询" };
const STATUS: Record<string, string> = { open: "待处理", attached: "已关联答案", answered: "已写答案" };

function field(ctx: Context, name: string): string {
  const v = (ctx.request.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === "string" ? v.trim() : "";
}

function card(app: AppContext, m: MissView, canWrite: boolean, units: UnitCandidate[]) {
  const unit = m.unitId ? units.find((u) => u.id === m.unitId) : undefined;
  return html`<section class="card" id="m-${m.id}" aria-labelledby="mq-${m.id}">
<h2 id="mq-${m.id}" class="pre">${m.text}</h2>
<p class="muted">出现 <strong class="count">${m.count}</strong> 次 · 最近 ${localTime(app, m.lastSeenAt)} · 首次 ${localTime(app, m.firstSeenAt)} · ${CHANNEL[m.channel] ?? m.channel} · ${STATUS[m.status] ?? m.status}${m.score === null ? "" : ` · 匹配分 ${m.score.toFixed(2)}`}</p>
${m.unitId ? html`<p>答案：<code>${m.unitId}</code>${unit ? html`（${unit.title}）` : ""}</p>` : ""}
${m.lastReply ? html`<details><summary>机器人当时的回答</summary><p class="pre">${m.lastReply}</p></details>` : ""}
${
  canWrite
    ? html`<details${m.status === "open" ? html` open` : ""}><summary>处理</summary>
<form method="post" action="/console/misses/${m.id}/attach" class="stack">
  <label for="unit-${m.id}">关联到已有答案</label>
  <select id="unit-${m.id}" name="unitId"><option value="">（请选择）</option>${options(
    units.map((u) => [u.id, `${u.title}（${u.id}）`]),
    m.unitId,
  )}</select>
  <label for="unit-text-${m.id}">或填写答案编号（如 faq:fees、guide:…、custom:…）</label>
  <input id="unit-text-${m.id}" name="unitIdText" maxlength="200">
  <button type="submit">关联</button>
</form>
<form method="post" action="/console/misses/${m.id}/answer" class="stack">
  <label for="q-${m.id}">新答案的问题</label>
  <input id="q-${m.id}" name="question" required maxlength="500" value="${m.text}">
  <label for="a-${m.id}">答案（机器人将原样回复，并注明“工作人员解答”）</label>
  <textarea id="a-${m.id}" name="answer" required maxlength="2000" rows="3"></textarea>
  <button type="submit" class="primary">保存答案</button>
</form>
</details>`
    : ""
}
</section>`;
}

export function missesRoutes(app: AppContext, r: Router, deps: Pick<Services, "learned" | "knowledge">): void {
  const store = () => deps.learned;

  r.get("/misses", async (ctx) => {
    const staff = consoleStaff(ctx);
    const showAll = ctx.query.all === "1";
    const canWrite = mayCurateAnswers(staff);
    const [list, units, custom] = await Promise.all([
      store().listMisses(staff.agencyId, { status: showAll ? "all" : "open" }),
      unitCandidates(deps, staff.agencyId),
      store().customUnits(staff.agencyId),
    ]);
    const body = html`<p>机器人没能回答的问题，按出现次数排列（个人信息已遮盖）。${canWrite ? "关联或写好答案后，机器人从下一条消息起就会使用。" : "审批人和管理员可以为它们关联或编写答案。"}</p>
<p>${showAll ? html`<a href="/console/misses">只看待处理</a>` : html`<a href="/console/misses?all=1">查看全部（含已处理）</a>`}</p>
${list.length ? "" : html`<p class="muted">没有待处理的未答问题。</p>`}
${list.map((m) => card(app, m, canWrite, units))}
<h2>工作人员编写的答案</h2>
${
  custom.length
    ? html`<table><thead><tr><th scope="col">编号</th><th scope="col">问题</th><th scope="col">答案</th></tr></thead><tbody>${custom.map(
        (u) => html`<tr><td><code>${u.id}</code></td><td>${u.questions[0] ?? ""}</td><td class="pre">${u.answer}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="muted">还没有工作人员编写的答案。</p>`
}`;
    ctx.type = "html";
    ctx.body = page(ctx, { title: "未答问题", active: "misses", body, flash: takeFlash(ctx) }).value;
  });

  r.post("/misses/:id/attach", async (ctx) => {
    const staff = requireRole(ctx, mayCurateAnswers);
    const unitId = field(ctx, "unitIdText") || field(ctx, "unitId");
    if (!unitId) throw new DomainError("VALIDATION.INVALID_INPUT", "请选择或填写要关联的答案");
    await store().attach(staff, ctx.params.id, unitId);
    setFlash(ctx, { kind: "ok", text: `已关联到 ${unitId}` });
    ctx.redirect("/console/misses");
  });

  r.post("/misses/:id/answer", async (ctx) => {
    const staff = requireRole(ctx, mayCurateAnswers);
    const question = field(ctx, "question");
    const answer = field(ctx, "answer");
    if (!question || !answer) throw new DomainError("VALIDATION.INVALID_INPUT", "请填写问题和答案");
    if ([...question].length > 500 || [...answer].length > 2000) throw new DomainError("VALIDATION.INVALID_INPUT", "问题不能超过500个字，答案不能超过2000个字");
    await store().writeAnswer(staff, { missId: ctx.params.id, question, answer });
    setFlash(ctx, { kind: "ok", text: "答案已保存，机器人已开始使用" });
    ctx.redirect("/console/misses");
  });
}
