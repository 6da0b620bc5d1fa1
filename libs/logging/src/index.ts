export * from './safe-log';
