// The queue: applications with their due dates and working days left, overdue and due-within-5-days rows
// highlighted, filters (status, assignee, channel, category) and search by number or applicant name.
import type Router from "@koa/router";
import type { Context } from "koa";
import type { AppContext } from "../../../context";
import type { Services } from "../../services";
import type { ApplicationService } from "../../applications/application-service";
import { CATEGORY_LABELS, CHANNEL_LABELS } from "../../applications/intake-schema";
import { OPEN_STATUSES, STATUS_LABELS, STATUSES } from "../../applications/lifecycle";
import { html, options, qs } from "../../../http/html";
import { page } from "../layout";
import { consoleStaff, takeFlash } from "../session";

const PAGE_SIZE = 50;
export const DUE_SOON_DAYS = 5;

type Row = Awaited<ReturnType<ApplicationService["list"]>>["items"][number];

const str = (v: unknown) => (typeof v === "string" ? v.trim().slice(0, 100) : "");

export function clockBadge(r: { workingDaysLeft: number | null; overdue?: boolean; paused?: boolean; dueDateFlag?: string | null }) {
  if (r.paused) return html`<span class="badge">暂停计时（征求意见中）</span>`;
  if (r.workingDaysLeft === null) return "";
  if (r.workingDaysLeft < 0) return html`<span class="badge overdue">已超期 ${-r.workingDaysLeft} 个工作日</span>`;
  if (r.workingDaysLeft <= DUE_SOON_DAYS) return html`<span class="badge due-soon">剩余 ${r.workingDaysLeft} 个工作日</span>`;
  return html`<span class="badge ok">剩余 ${r.workingDaysLeft} 个工作日</span>`;
}

function rowClass(r: Row): string {
  if (r.paused || r.workingDaysLeft === null) return "";
  if (r.workingDaysLeft < 0) return "overdue";
  if (r.workingDaysLeft <= DUE_SOON_DAYS) return "due-soon";
  return "";
}

export function queueRoutes(app: AppContext, r: Router, deps: Pick<Services, "applications" | "staff">): void {
  const apps = () => deps.applications;

  const handler = async (ctx: Context) => {
    const staff = consoleStaff(ctx);
    const q = ctx.query;
    const status = str(q.status) || "open";
    const assignee = str(q.assignee);
    const channel = str(q.channel);
    const category = str(q.category);
    const search = str(q.q);
    const due = str(q.due);
    // Capped so a hand-edited ?offset= cannot become an offset the database rejects.
    const offset = Math.min(10_000_000, Math.max(0, Number.parseInt(str(q.offset) || "0", 10) || 0));
    const statusFilter =
      status === "open" ? OPEN_STATUSES : status === "all" ? undefined : (STATUSES as readonly string[]).includes(status) ? [status] : OPEN_STATUSES;
    const { total, items } = await apps().list(staff, {
      status: statusFilter as string[] | undefined,
      assignee: assignee || undefined,
      channel: channel || undefined,
      category: category || undefined,
      q: search || undefined,
      overdue: due === "overdue" || undefined,
      dueWithin: due === "soon" ? DUE_SOON_DAYS : undefined,
      limit: PAGE_SIZE,
      offset,
    });
    const users = await deps.staff.listUsers(staff.agencyId);
    // Two counts for the top of the page, whatever the filters (two COUNT queries through the service).
    const [overdueCount, soonCount] = await Promise.all([
      apps()
        .list(staff, { status: OPEN_STATUSES, overdue: true, limit: 1 })
        .then((x) => x.total),
      apps()
        .list(staff, { status: OPEN_STATUSES, dueWithin: DUE_SOON_DAYS, limit: 1 })
        .then((x) => x.total),
    ]);
    const current = { status, assignee, channel, category, q: search, due };
    const statusOpts: Array<[string, string]> = [["open", "全部未办结"], ["all", "全部"], ...STATUSES.map((s) => [s, STATUS_LABELS[s]] as [string, string])];
    const body = html`
<form method="get" action="/console" class="card filters" role="search" aria-label="筛选申请">
  <div class="field"><label for="f-q">编号或申请人</label><input id="f-q" name="q" type="search" value="${search}" placeholder="如 ZD-2026-0001 或 姓名"></div>
  <div class="field"><label for="f-status">状态</label><select id="f-status" name="status">${options(statusOpts, status)}</select></div>
  <div class="field"><label for="f-due">期限</label><select id="f-due" name="due">${options(
    [
      ["", "不限"],
      ["overdue", "已超期"],
      ["soon", `${DUE_SOON_DAYS}个工作日内到期`],
    ],
    due,
  )}</select></div>
  <div class="field"><label for="f-assignee">承办人</label><select id="f-assignee" name="assignee">${options(
    [["", "不限"], ["me", "我承办的"], ["none", "未分配"], ...users.map((u) => [u.id, u.displayName ?? u.username] as [string, string])],
    assignee,
  )}</select></div>
  <div class="field"><label for="f-channel">渠道</label><select id="f-channel" name="channel">${options([["", "不限"], ...Object.entries(CHANNEL_LABELS)], channel)}</select></div>
  <div class="field"><label for="f-category">申请人类别</label><select id="f-category" name="category">${options([["", "不限"], ...Object.entries(CATEGORY_LABELS)], category)}</select></div>
  <div class="field"><button type="submit" class="primary">筛选</button></div>
  <div class="field"><a href="/console" class="button">清除</a></div>
</form>
<p class="actions" id="queue-summary"><a class="button primary" href="/console/applications/new">登记申请（当面、邮寄、传真、口头）</a>
  <a class="badge overdue" href="/console?due=overdue">已超期 ${overdueCount} 件</a>
  <a class="badge due-soon" href="/console?due=soon">${DUE_SOON_DAYS}个工作日内到期（含已超期）${soonCount} 件</a></p>
<p class="muted" aria-live="polite">共 ${total} 件${total > PAGE_SIZE ? html`，显示第 ${offset + 1}–${Math.min(offset + PAGE_SIZE, total)} 件` : ""}。<span class="badge overdue">红色</span> 已超期，<span class="badge due-soon">黄色</span> ${DUE_SOON_DAYS}个工作日内到期。</p>
<div class="table-wrap"><table id="queue">
<caption class="sr-only">申请队列</caption>
<thead><tr><th scope="col">申请编号</th><th scope="col">状态</th><th scope="col">申请人</th><th scope="col">渠道</th><th scope="col">申请内容</th><th scope="col">收到日期</th><th scope="col">答复期限</th><th scope="col">剩余工作日</th><th scope="col">承办人</th></tr></thead>
<tbody>
${items.length ? "" : html`<tr><td colspan="9" class="muted">没有符合条件的申请</td></tr>`}
${items.map(
  (it) => html`<tr class="${rowClass(it)}" data-no="${it.applicationNo}">
  <td class="nowrap"><a href="/console/applications/${encodeURIComponent(it.applicationNo)}">${it.applicationNo}</a>${it.possibleRepeat ? html` <span class="badge">疑似重复</span>` : ""}</td>
  <td class="nowrap">${it.statusLabel}${it.dispositionLabel ? html`<br><span class="muted">${it.dispositionLabel}</span>` : ""}</td>
  <td>${it.applicantName}<br><span class="muted">${CATEGORY_LABELS[it.applicantCategory as keyof typeof CATEGORY_LABELS] ?? it.applicantCategory}</span></td>
  <td class="nowrap">${CHANNEL_LABELS[it.channel as keyof typeof CHANNEL_LABELS] ?? it.channel}</td>
  <td>${it.description}</td>
  <td class="nowrap">${it.receivedAt ?? html`<span class="muted">待确认</span>`}</td>
  <td class="nowrap">${it.dueDate ?? "—"}${it.dueDateFlag ? html` <span class="badge due-soon" title="节假日安排未公布，期限为暂定">暂定</span>` : ""}</td>
  <td>${clockBadge(it)}</td>
  <td class="nowrap">${it.assignee ? (it.assignee.displayName ?? it.assignee.username) : html`<span class="muted">未分配</span>`}</td>
</tr>`,
)}
</tbody></table></div>
<nav class="pager" aria-label="分页">
  ${offset > 0 ? html`<a href="/console${qs({ ...current, offset: Math.max(0, offset - PAGE_SIZE) })}">上一页</a>` : ""}
  ${offset + PAGE_SIZE < total ? html`<a href="/console${qs({ ...current, offset: offset + PAGE_SIZE })}">下一页</a>` : ""}
</nav>`;
    ctx.type = "html";
    ctx.body = page(ctx, { title: "申请队列", active: "queue", body, flash: takeFlash(ctx) }).value;
  };

  r.get("/", handler);
  r.get("/applications", handler);
}
