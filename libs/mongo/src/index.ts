export { MONGO_CONNECTION, connectMongo, pingMongo, closeMongo, redactMongoUrl } from './connection';
export type { Connection, MongoConnectOptions } from './connection';
export * from './documents';
export * from './repositories';
export * from './bindings-provider';
