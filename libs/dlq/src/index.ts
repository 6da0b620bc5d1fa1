export * from './redrive';
export * from './filter';
export * from './text';
export * from './log';
