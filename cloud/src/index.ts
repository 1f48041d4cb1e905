export { Cloud, createCloud, type CloudOptions, type CloudUrls, type LessonProgress } from './cloud.ts';
export { createApi, type ApiOptions } from './api/create-api.ts';
export { EmbeddedBroker, type BrokerHooks, type EmbeddedBrokerOptions } from './broker/embedded-broker.ts';
export { Counters } from './ingest/counters.ts';
export { ingestMessage, type IngestOutcome } from './ingest/handle-message.ts';
export { MqttIngest, type MqttIngestOptions } from './ingest/mqtt-ingest.ts';
export { SqliteStore } from './store/sqlite-store.ts';
export type * from './store/types.ts';
export {
  buildLessonReport,
  REPORT_SCHEMA,
  type LessonReport,
  type TimelineEntry,
} from './diagnostics/lesson-report.ts';
