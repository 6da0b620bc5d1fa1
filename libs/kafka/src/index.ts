export { KafkaClient, createKafkaClient, formatKafkaLog, kafkaLogCreator, kafkaOptions } from './client';
export { KafkaProducer } from './producer';
export type { TopicMessages } from './producer';
export { BatchConsumer, toInboundBatch } from './consumer';
export { TopicTail } from './tail';
export type { TopicTailOptions } from './tail';
export type { BatchConsumerOptions } from './consumer';
export { KafkaAdmin } from './admin';
export { topicReplication } from './replication';
export type { Replication } from './replication';
export { computeLag, nextOffset } from './offsets';
export type { PartitionOffsets } from './offsets';
export {
  KafkaBatchServer,
  KafkaBatchContext,
  contractSubscriptions,
  awaitHandlerResult,
  splitByHandler,
} from './batch-server';
export type { KafkaBatchServerOptions, Subscription } from './batch-server';
export type {
  BatchControl,
  BatchHandler,
  InboundBatch,
  InboundMessage,
  KafkaClientConfig,
  OutboundMessage,
  PartitionLag,
  TopicSpec,
} from './types';
export { KafkaModule } from './kafka.module';
export type { KafkaModuleOptions } from './kafka.module';
