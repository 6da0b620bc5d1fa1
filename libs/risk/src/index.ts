export * from './status';
export * from './config';
export type {
  Evaluation,
  EvaluationInput,
  EvaluationSummary,
  RecurringSummary,
  RelativeBase,
  UnitTarget,
} from './evaluation';
export * from './pace-file';
export { readPacePlan } from './pace-file-read';
export { recurrencePeriods, type RecurrencePeriod } from './rules/recurring';
export { relativeBaseOf, relativeGoal } from './rules/relative';
export { evaluate, isCumulative } from './evaluate';
export * from './settle';
export * from './wilson';
export { dayNumber, paceShare } from './time';
