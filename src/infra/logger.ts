// Structured JSON logs (pino) with personal data redacted in every line.
import pino, { type DestinationStream, type Logger } from "pino";
import { redactString, redactValue } from "./redact";

export type { Logger };

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => redactValue(obj) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          // Messages are strings too: mask them the same way as the object fields.
          const masked = args.map((a) => (typeof a === "string" ? redactString(a) : a)) as Parameters<typeof method>;
          return method.apply(this, masked);
        },
      },
    },
    destination,
  );
}
