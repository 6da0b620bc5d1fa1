export * from './backoff';
export * from './mail-error';
export * from './smtp-url';
export * from './smtp-sender';
export * from './smtp-sink';
export * from './local-catcher';
export * from './mail-date';
export * from './mime';
