// ESLint 9 flat config: typescript-eslint's recommended rules (syntax only, no type information, so `npm run lint`
// stays fast) and the layering of the service as import rules — pure rule files import nothing that needs a server.
const js = require("@eslint/js");
const globals = require("globals");
const tseslint = require("typescript-eslint");

/**
 * The pure files: the law and the rules of each module. They are tested with plain objects, without PostgreSQL,
 * Redis or Koa, so they must not import infra/, http/, the context (context.ts), an ORM entity or a driver —
 * type imports included (a type import still ties the rule to the storage shape). A new rule file goes here; a file
 * here that needs something from the list gets it as a parameter or a plain type from a vocabulary file
 * (e.g. domain/staff-roles.ts, reports/disclosure-values.ts), never from the entity.
 */
const PURE_FILES = [
  "src/domain/**/*.ts",
  // applications: the procedure (state machine), the statutory clock, codes, the intake form, the plain record, the
  // factory of a new application and the decision of every staff action
  "src/modules/applications/action-schemas.ts",
  "src/modules/applications/application-record.ts",
  "src/modules/applications/calendar-status.ts",
  "src/modules/applications/clock.ts",
  "src/modules/applications/codes.ts",
  "src/modules/applications/dispositions.ts",
  "src/modules/applications/intake-schema.ts",
  "src/modules/applications/lifecycle.ts",
  "src/modules/applications/new-application.ts",
  "src/modules/applications/policy.ts",
  "src/modules/applications/query-codes.ts",
  "src/modules/applications/retry-answers.ts",
  "src/modules/applications/transitions.ts",
  // catalogue: document numbers, entry validation, who edits and publishes, XLSX size bounds
  "src/modules/catalogue/doc-number.ts",
  "src/modules/catalogue/entry-schema.ts",
  "src/modules/catalogue/policy.ts",
  "src/modules/catalogue/xlsx-bounds.ts",
  // conversation: the engine step, the form, intents, the knowledge index and answering
  "src/modules/conversation/agency-choice.ts",
  "src/modules/conversation/client-key.ts",
  "src/modules/conversation/engine.ts",
  "src/modules/conversation/form-chatter.ts",
  "src/modules/conversation/form-interruption.ts",
  "src/modules/conversation/form.ts",
  "src/modules/conversation/intents.ts",
  "src/modules/conversation/long-message.ts",
  "src/modules/conversation/phone.ts",
  "src/modules/conversation/policy.ts",
  "src/modules/conversation/refile-grant.ts",
  "src/modules/conversation/understanding.ts",
  "src/modules/conversation/knowledge/answer-memo.ts",
  "src/modules/conversation/knowledge/answer-unit.ts",
  "src/modules/conversation/knowledge/answering.ts",
  "src/modules/conversation/knowledge/bm25.ts",
  "src/modules/conversation/knowledge/knowledge-index.ts",
  "src/modules/conversation/knowledge/fold-question.ts",
  // (mask-miss.ts is not listed: it masks a miss for staff with the log redactor, infra/redact.ts, on purpose, so
  // a miss and a log line hide the same personal data.)
  "src/modules/conversation/knowledge/report-adapter.ts",
  "src/modules/conversation/knowledge/scope.ts",
  "src/modules/conversation/knowledge/units.ts",
  // directory: which agency a citizen's words point to
  "src/modules/directory/agency-match.ts",
  // platform: who manages the agencies and who oversees the district
  "src/modules/platform/policy.ts",
  // reports: formats, the cell grid, the checks of spec §6, the narrative. The renderings (render-*.ts) are the
  // presentation side (docx, exceljs, the HTML templating of http/html.ts) and are not listed.
  "src/modules/reports/case-kinds.ts",
  "src/modules/reports/checks.ts",
  "src/modules/reports/column-widths.ts",
  "src/modules/reports/disclosure-values.ts",
  "src/modules/reports/draft-notice.ts",
  "src/modules/reports/formats.ts",
  "src/modules/reports/layout.ts",
  "src/modules/reports/narrative.ts",
  // reports: the decisions of drafts, cases and publication, and the published figures (the services are report-*.ts)
  "src/modules/reports/published-figures.ts",
  "src/modules/reports/report-rules.ts",
  "src/modules/reports/policy.ts",
  // staff: the password policy, the role groups and who manages accounts (the roles are src/domain/staff-roles.ts)
  "src/modules/staff/password-policy.ts",
  "src/modules/staff/policy.ts",
  // the Chinese text toolkit shared by search and the bot: normalisation, segmentation, synonyms, pinyin
  "src/text/**/*.ts",
];

/** What a pure file may not import (module names and path patterns, gitignore syntax). */
const PURE_FORBIDDEN = {
  paths: [
    ...["typeorm", "koa", "ioredis", "pg", "better-sqlite3", "bullmq", "wechaty"].map((name) => ({
      name,
      message: "A pure rule file imports no server library; take what you need as a parameter.",
    })),
  ],
  patterns: [
    {
      group: ["typeorm/*", "@koa/*", "koa-*", "ioredis/*", "pg/*", "wechaty-*", "wechaty/*"],
      message: "A pure rule file imports no server library; take what you need as a parameter.",
    },
    {
      group: ["**/infra/**", "**/infra", "**/http/**", "**/http", "**/channels/**", "**/context"],
      message: "A pure rule file imports nothing from infra/, http/, channels/ or the context.",
    },
    {
      group: ["**/*.entity", "**/entities", "**/*-entities"],
      message: "A pure rule file takes its vocabulary from a plain type file (e.g. domain/staff-roles.ts), not from a TypeORM entity.",
    },
  ],
};

/** Only bots/ drives WeChat through wechaty (ARCHITECTURE.md); the server talks to the bot over the chat API. */
const WECHATY_FORBIDDEN = {
  patterns: [{ group: ["wechaty", "wechaty/*", "wechaty-*"], message: "Only bots/ (and its test) may import wechaty." }],
};

const config = tseslint.config(
  { ignores: ["node_modules/**", "dist/**", "bench/results/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_`-prefixed parameters and destructured rest siblings are the codebase's way to drop a field on purpose; an
      // unused `catch (e)` is how the browser scripts swallow an error they cannot report.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
    },
  },
  {
    files: ["**/*.ts"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module" },
    rules: {
      // TypeScript checks undefined names itself (tsc runs before lint in `npm test`); the core rule does not
      // know Node's and the DOM's globals.
      "no-undef": "off",
      "@typescript-eslint/no-explicit-any": "error",
      // Koa's `ctx.state` and TypeORM's entity `!` fields are declared, not initialised; non-null assertions
      // after a checked lookup are the codebase's idiom.
      "@typescript-eslint/no-non-null-assertion": "off",
      "no-restricted-imports": ["error", WECHATY_FORBIDDEN],
      // Input checks reject NUL and other control characters on purpose (http/reject-nul.ts, the fuzz tests).
      "no-control-regex": "off",
      // Chinese documents indent paragraphs with the ideographic space (U+3000) inside template literals.
      "no-irregular-whitespace": ["error", { skipStrings: true, skipTemplates: true }],
    },
  },
  {
    files: PURE_FILES,
    rules: {
      "no-restricted-imports": ["error", PURE_FORBIDDEN],
      "@typescript-eslint/no-restricted-imports": "off",
    },
  },
  {
    // The bot process and the bot's own test are where wechaty lives.
    files: ["bots/**/*.ts", "test/bot/**/*.ts"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    // Node scripts and configs (CommonJS).
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: globals.node },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // The browser scripts served as static assets (console, portal chat).
    files: ["src/modules/*/assets/**/*.js"],
    languageOptions: { sourceType: "script", globals: globals.browser },
  },
);

module.exports = config;
// For test/unit/foundation/lint-boundaries.test.ts, which checks that every listed file exists (a renamed rule file
// would otherwise drop out of the rule silently). ESLint reads only the array.
module.exports.PURE_FILES = PURE_FILES;
