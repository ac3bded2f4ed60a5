// Runs before every test file: Chinese validation messages, quiet logs, China-local dates regardless of host TZ.
import { z } from "zod";

z.config(z.locales.zhCN());
process.env.LOG_LEVEL ??= "silent";
