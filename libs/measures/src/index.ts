export type * from './progress';
export * from './period';
export * from './units';
export * from './apply';
export * from './bindings';
export * from './route';
export * from './park';
export * from './rebuild-scan';
export * from './correct';
