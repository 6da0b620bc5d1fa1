export * from './config';
export * from './duration';
export * from './yaml-file';
export * from './heap';
