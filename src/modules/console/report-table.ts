// The official tables on console pages, drawn from the reports module's one cell model (the same grids its
// HTML, DOCX and XLSX renderings use), escaped by the one HTML templating (http/html.ts) and given header scopes.
import type { Grid } from "../reports/layout";
import { html, type SafeHtml } from "../../http/html";

export function gridHtml(g: Grid, opts: { id: string; caption: string; className?: string }): SafeHtml {
  const rows = g.rows.map(
    (cells, i) =>
      html`<tr>${cells.map((c) => {
        const span = html`${c.rowSpan && c.rowSpan > 1 ? html` rowspan="${c.rowSpan}"` : ""}${c.colSpan && c.colSpan > 1 ? html` colspan="${c.colSpan}"` : ""}`;
        if (c.kind === "number") return html`<td class="num"${span}>${c.text}</td>`;
        if (c.kind === "caption") return html`<th scope="colgroup" class="group"${span}>${c.text}</th>`;
        if (c.kind === "header" || i < g.headerRows) return html`<th scope="col"${span}>${c.text}</th>`;
        return html`<th scope="row"${span}>${c.text}</th>`;
      })}</tr>`,
  );
  return html`<div class="table-wrap"><table class="report-table ${opts.className ?? ""}" id="${opts.id}">
<caption>${opts.caption}</caption>
${rows}
</table></div>`;
}
