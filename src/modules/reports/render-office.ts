// The office formats of a report: DOCX (render-docx.ts, official-document layout) and XLSX (render-xlsx.ts).
export { renderDocx } from "./render-docx";
export { renderXlsx } from "./render-xlsx";
