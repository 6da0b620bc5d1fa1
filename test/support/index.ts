export { uniqueId } from './ids';
export { waitFor } from './wait';
export type { WaitOptions } from './wait';
export { testMongoUrl, dropTestDatabase, withDatabase } from './mongo';
export {
  testKafkaConfig,
  testTopicPrefix,
  prefixedTopics,
  createTestTopics,
  createTopics,
  deleteTestTopics,
} from './kafka';
export { spawnApp } from './spawn';
export type { AppProcess, SpawnAppOptions } from './spawn';
export { ensureBuilt } from './build';
export { freePort } from './ports';
