/** `npm run test:resilience`: the real server as child processes under load, crashes and outages, one file at a time. */
const base = require("./jest.config");
module.exports = {
  ...base,
  roots: ["<rootDir>/test/resilience"],
  testPathIgnorePatterns: ["/node_modules/"],
  testTimeout: 300000,
  maxWorkers: 1,
};
