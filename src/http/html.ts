// The one HTML templating of the service (console, portal, report HTML, error pages): a strict tagged template
// `html` that escapes every interpolated value unless it is already SafeHtml, and `escapeHtml` underneath it.
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };

/** Text safe inside element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | HtmlValue[];

function render(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return "";
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join("");
  return escapeHtml(String(v));
}

/** Tagged template: html`<p>${userText}</p>` escapes userText; nested html`` fragments pass through. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** Marks trusted markup (only for strings built by the service itself, never for user input). */
export const raw = (s: string) => new SafeHtml(s);

/** Fragments joined by a separator (the separator is trusted markup, e.g. "\n"). */
export function joinHtml(parts: HtmlValue[], separator: string): SafeHtml {
  return raw(parts.map(render).join(separator));
}

/** `selected` attribute helper. */
export const sel = (on: boolean) => (on ? raw(" selected") : "");

/** <option> list from [value, label] pairs. */
export function options(pairs: Array<[string, string]>, current: string | undefined | null): SafeHtml {
  return html`${pairs.map(([v, l]) => html`<option value="${v}"${sel(v === current)}>${l}</option>`)}`;
}

/** Query string from an object, skipping empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : "";
}
