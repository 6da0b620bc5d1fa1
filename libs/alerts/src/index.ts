export type * from './types';
export { FIRING_KINDS } from './types';
export * from './state-machine';
export * from './route';
export * from './dedup';
export * from './mute';
export * from './group';
export * from './render';
export * from './pipeline';
