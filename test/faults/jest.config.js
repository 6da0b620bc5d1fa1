// `npm run test:faults`: the reliability and security fault suite, against the real
// broker, server and SMTP. Same transform and aliases as the integration project, the same
// global setup (starts the shared infrastructure if needed), files in name order, one at a
// time, and a summary table at the end (summary-reporter.js).
const path = require('node:path');
const root = path.resolve(__dirname, '../..');
const base = require('../../jest.config.js');
const integration = base.projects.find((p) => p.displayName === 'integration');

// Rows of the summary: one file per jest process (specs append, the reporter reads).
const localDir = process.env.IW_LOCAL_DIR || path.join(root, '.local');
process.env.IW_FAULTS_RESULTS =
  process.env.IW_FAULTS_RESULTS || path.join(localDir, 'faults', `results-${process.pid}.jsonl`);

// The shared Kafka/FerretDB are never stopped by this suite (other people's runs use them);
// `npm run infra:down` stops them.
process.env.IW_KEEP_INFRA = process.env.IW_KEEP_INFRA || '1';

module.exports = {
  rootDir: root,
  displayName: 'faults',
  testEnvironment: integration.testEnvironment,
  transform: integration.transform,
  moduleNameMapper: integration.moduleNameMapper,
  moduleFileExtensions: integration.moduleFileExtensions,
  testMatch: ['<rootDir>/test/faults/**/*.spec.ts'],
  testSequencer: '<rootDir>/test/faults/sequencer.js',
  globalSetup: integration.globalSetup,
  globalTeardown: integration.globalTeardown,
  // Each scenario bounds its own waits; this is the outer limit of one test.
  testTimeout: 15 * 60_000,
  maxWorkers: 1,
  reporters: ['default', '<rootDir>/test/faults/summary-reporter.js'],
};
