// Strict HTML templating for the console: every interpolated value is escaped unless it is already SafeHtml.
import { escapeHtml } from "../../http/html";

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

/** Marks trusted markup (only for strings built by this module, never for user input). */
export const raw = (s: string) => new SafeHtml(s);

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
