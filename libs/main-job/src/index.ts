export { runMainJob, type MainJobDeps } from './run';
export { parseOptions, UsageError, type MainJobOptions } from './options';
export { APPS, NODE_FLAGS, mailSinkPlan, dashboardUrl, formatLiveLine, childEnv, DEFAULT_SMTP_URL } from './plan';
export {
  prepareReplay,
  ReplayRefusedError,
  RUNS_COLLECTION,
  KEPT_COLLECTIONS,
  countMail,
  setAsidePreviousMail,
} from './replay';
export { ensureApiToken, type ApiToken } from './token';
