// config/report-formats.json, read once: the official report layouts and the disposition mapping shared by the
// application workflow (codes, legal basis) and the annual report (rows).
import fs from "node:fs";
import path from "node:path";

export interface DispositionMappingRow {
  disposition: string;
  basis: string | null;
  description: string;
  row2019: string;
  row2021: string;
}

export interface ReportFormatsFile {
  formats: Record<string, unknown>;
  dispositionMapping: DispositionMappingRow[];
}

let cache: ReportFormatsFile | null = null;

export function reportFormatsFile(): ReportFormatsFile {
  cache ??= JSON.parse(fs.readFileSync(path.resolve(process.cwd(), "config/report-formats.json"), "utf8")) as ReportFormatsFile;
  return cache;
}
