export * from './status';
export * from './config';
export type { Evaluation, EvaluationInput, UnitTarget } from './evaluation';
export { evaluate, isCumulative } from './evaluate';
export * from './settle';
export * from './compound';
export * from './wilson';
export { dayNumber, paceShare } from './time';
