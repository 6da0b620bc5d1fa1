export * from './clock';
export * from './local-date';
