// Parses a request part with its zod schema; failures become 400 with each field and a Chinese message.
import type { z } from "zod";
import { ValidationError } from "../domain/errors";

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  throw new ValidationError(r.error.issues.map((i) => ({ field: i.path.join(".") || "(body)", message: i.message })));
}
