/** Jest runs TypeScript through ts-jest in transpile-only mode; `npm test` type-checks with tsc first. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // test/resilience runs the real server under crashes and outages: `npm run test:resilience` (.ci/run runs both).
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/resilience/"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  setupFiles: ["<rootDir>/test/helpers/setup-env.ts"],
  testTimeout: 60000,
  maxWorkers: 2,
};
