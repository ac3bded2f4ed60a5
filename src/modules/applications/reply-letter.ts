// The reply notice (答复告知书) of an answered application, from config/reply-templates/: one frame with
// the legal basis and the appeal rights (行政复议 60 days, 行政诉讼 6 months) and one body per disposition.
import fs from "node:fs";
import path from "node:path";
import { AlignmentType, Document, Packer, Paragraph, TextRun } from "docx";
import { agencyContactLine } from "../../infra/agencies";
import type { Agency } from "../../infra/entities/agency.entity";
import type { Application } from "./application.entity";
import { dispositionBasis } from "./dispositions";

const DIR = path.resolve(process.cwd(), "config/reply-templates");
let cache: { frame: string; bodies: Record<string, string> } | null = null;

function templates() {
  if (!cache) {
    cache = {
      frame: fs.readFileSync(path.join(DIR, "letter.txt"), "utf8"),
      bodies: JSON.parse(fs.readFileSync(path.join(DIR, "bodies.json"), "utf8")) as Record<string, string>,
    };
  }
  return cache;
}

/** 2026-03-02 → 2026年3月2日 */
export function chineseDate(d: string | null): string {
  if (!d) return "（日期待定）";
  const [y, m, day] = d.split("-").map(Number);
  return `${y}年${m}月${day}日`;
}

/** `competent`: the agency named under Art. 36(5) (其名称及联系方式), shown after the body. */
export function renderReplyLetter(app: Application, agency: Agency, competent?: Agency | null): string {
  const t = templates();
  const code = app.disposition ?? "other.misc";
  // An agency may word its own bodies (profile.replyTemplates, set with `agency update`); the shipped ones otherwise.
  const own = agency.profile?.replyTemplates;
  const body = own?.[code] ?? t.bodies[code] ?? own?.["other.misc"] ?? t.bodies["other.misc"];
  const contact =
    Object.values(agency.profile?.contact ?? {})
      .filter(Boolean)
      .join("，") || "待机关补充";
  const values: Record<string, string> = {
    agencyName: agency.name,
    letterNo: `依申请公开答复〔${(app.dispositionDate ?? "").slice(0, 4)}〕${app.applicationNo}号`,
    applicantName: app.applicantName,
    receivedDate: chineseDate(app.receivedAt),
    applicationNo: app.applicationNo,
    description: app.description.length > 200 ? `${app.description.slice(0, 200)}…` : app.description,
    body,
    note:
      (competent
        ? `负责公开该政府信息的行政机关：${competent.name}，联系方式：${agencyContactLine(competent)}。您可以通过本平台一步转交申请（无需重新填写）。\n`
        : "") + (app.dispositionNote ? `说明：${app.dispositionNote}\n` : ""),
    basis: `《中华人民共和国政府信息公开条例》${(dispositionBasis(code) ?? "").replace(/^条例/, "") || "相关规定"}`,
    date: chineseDate(app.dispositionDate),
    contact,
  };
  return t.frame.replace(/\{\{(\w+)\}\}/g, (_, k: string) => values[k] ?? "");
}

export async function renderReplyLetterDocx(text: string): Promise<Buffer> {
  const lines = text.split("\n");
  const children = lines.map((line, i) => {
    const title = i <= 1;
    return new Paragraph({
      alignment: title ? AlignmentType.CENTER : undefined,
      spacing: { after: 120 },
      children: [new TextRun({ text: line, bold: title, size: title ? 32 : 24, font: "FangSong" })],
    });
  });
  const doc = new Document({ creator: "ogi", title: "政府信息公开申请答复告知书", sections: [{ children }] });
  return Packer.toBuffer(doc);
}
