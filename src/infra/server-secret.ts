// The server secret that keys the query-code hash (and seals stored retry answers): QUERY_CODE_SECRET when
// set, otherwise a random secret created once in SERVER_SECRET_FILE. A file, not a database row, so that a
// copy of the database alone does not carry the key that makes its hashes guessable; it survives restarts
// because it is only ever created when absent.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Config } from "../config";

const cache = new Map<string, Buffer>();

/** The secret bytes for this configuration (created on first use when neither variable supplies one). */
export function serverSecret(config: Pick<Config, "QUERY_CODE_SECRET" | "SERVER_SECRET_FILE">): Buffer {
  if (config.QUERY_CODE_SECRET) return Buffer.from(config.QUERY_CODE_SECRET, "utf8");
  const file = path.resolve(config.SERVER_SECRET_FILE);
  const known = cache.get(file);
  if (known) return known;
  const secret = readOrCreate(file);
  cache.set(file, secret);
  return secret;
}

function readOrCreate(file: string): Buffer {
  try {
    return parse(fs.readFileSync(file, "utf8"), file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Written to a temporary name and linked into place: link fails when another process (a second instance,
  // a parallel test) created the file first, and nobody ever reads a half-written secret.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(tmp, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return parse(fs.readFileSync(file, "utf8"), file);
}

function parse(text: string, file: string): Buffer {
  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new Error(`${file}: not a server secret (64 hex characters expected); remove it to create a new one (existing query codes then stop working)`);
  return Buffer.from(hex, "hex");
}
