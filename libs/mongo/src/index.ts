export {
  MONGO_CONNECTION,
  MONGO_TIMINGS,
  MONITOR_SILENCE_LIMIT_MS,
  connectMongo,
  pingMongo,
  mongoReadiness,
  closeMongo,
  redactMongoUrl,
  superviseMonitor,
} from './connection';
export type { Connection, MongoConnectOptions } from './connection';
export * from './documents';
export * from './repositories';
export * from './bindings-provider';
export * from './report-inputs';
export * from './providers';
