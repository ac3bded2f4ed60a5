// `npm run cli -- <command>`: one entry for every command, with the same configuration and database
// preparation as the server (migrations, then the default agency's data).
import { z } from "zod";
import { ConfigError, loadConfig } from "./config";
import { closeContext, createContext, prepare } from "./bootstrap";
import type { CliCommand, CliOutput } from "./modules/module";
import { moduleCommands } from "./modules";
import { compose } from "./composition";
import { DomainError } from "./domain/errors";

z.config(z.locales.zhCN());

const builtin: CliCommand[] = [
  {
    name: "migrate",
    summary: "run pending migrations and load the default agency (also done by every command)",
    usage: "migrate",
    async run(_ctx, _argv, out) {
      out.info("database is up to date");
      return 0;
    },
  },
  {
    name: "migrate-down",
    summary: "revert the most recent migration",
    usage: "migrate-down",
    async run(ctx, _argv, out) {
      await ctx.db.undoLastMigration({ transaction: "each" });
      out.info("reverted the last migration");
      return 0;
    },
  },
];

export function allCommands(): CliCommand[] {
  return [...builtin, ...moduleCommands];
}

function help(commands: CliCommand[]): string {
  const lines = ["Usage: npm run cli -- <command> [options]", "", "Commands:"];
  for (const c of commands) lines.push(`  ${c.name.padEnd(22)} ${c.summary}`, `  ${"".padEnd(22)} ${c.usage}`);
  lines.push("", "Configuration comes from the environment (see config/.env.example).");
  return lines.join("\n");
}

export async function runCli(argv: string[], out: CliOutput, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const commands = allCommands();
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    out.info(help(commands));
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    out.error(`unknown command: ${name}\n\n${help(commands)}`);
    return 2;
  }
  if (rest.includes("--help")) {
    out.info(`Usage: npm run cli -- ${command.usage}\n${command.summary}`);
    return 0;
  }
  let config;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      out.error(e.message);
      return 78;
    }
    throw e;
  }
  const ctx = await createContext({ ...config, LOG_LEVEL: config.LOG_LEVEL === "info" ? "warn" : config.LOG_LEVEL });
  try {
    const app = compose(ctx);
    await prepare(app);
    return await command.run(ctx, rest, out, app.services);
  } catch (e) {
    if (e instanceof DomainError) {
      out.error(`${e.code}: ${e.message}`);
      // Field problems (a ValidationError's details) say what to fix, one line each.
      for (const p of Array.isArray(e.details) ? e.details : [])
        if (typeof p.message === "string") out.error(`  ${typeof p.field === "string" ? `${p.field}：` : ""}${p.message}`);
      return 1;
    }
    throw e;
  } finally {
    await closeContext(ctx);
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), { info: (l) => console.log(l), error: (l) => console.error(l) }).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
