export * from './limits';
export * from './safety';
export { SCHEMA_VERSION, envelopeShape } from './fields';
export * from './actuals';
export * from './dlq';
export * from './progress-message';
export * from './decode';
export * from './keys';
export * from './message';
