export * from './person';
export * from './people-file';
export * from './links';
export * from './tokens';
export * from './access';
export * from './agency';
export * from './directory';
export * from './report';
