export * from './clock';
export * from './local-date';
export * from './readings';
