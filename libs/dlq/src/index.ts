export * from './redrive';
export * from './filter';
export * from './text';
