export { Cloud, createCloud, type CloudOptions, type CloudUrls, type LessonProgress } from './cloud.ts';
export { createApi, type ApiOptions } from './api/create-api.ts';
export { EmbeddedBroker, type BrokerHooks, type EmbeddedBrokerOptions } from './broker/embedded-broker.ts';
export { createDeviceHooks, type DeviceAuthOptions } from './broker/device-hooks.ts';
export { hashPassword, verifyPassword } from './broker/credentials.ts';
export {
  mosquittoAcl,
  mosquittoAuthConf,
  mosquittoPasswordLine,
  DEFAULT_INGEST_USER,
} from './broker/mosquitto-files.ts';
export {
  DEFAULT_MAX_PACKET_BYTES,
  DEFAULT_PACKET_TIMEOUT_MS,
  PacketFramer,
  type PacketGuardOptions,
} from './broker/packet-guard.ts';
export { RateLimiter, DEFAULT_RATE_LIMIT, type RateLimitOptions } from './broker/rate-limit.ts';
export { Counters } from './ingest/counters.ts';
export { ingestMessage, type IngestOutcome } from './ingest/handle-message.ts';
export { MqttIngest, type MqttIngestOptions } from './ingest/mqtt-ingest.ts';
export { SqliteStore } from './store/sqlite-store.ts';
export { PgStore, type PgStoreOptions } from './store/pg-store.ts';
export type * from './store/types.ts';
export {
  analyseStoredLesson,
  buildLessonReport,
  PREVIOUS_REPORT_SCHEMAS,
  REPORT_SCHEMA,
  type LessonReport,
  type ReportOptions,
  type TimelineEntry,
} from './diagnostics/lesson-report.ts';
export { metricValues, refreshLessonMetrics } from './diagnostics/lesson-metrics.ts';
export * from './diagnostics/cohort.ts';
export * from './diagnostics/compare.ts';
export * from './diagnostics/export.ts';
export { Auth, type AuthOptions, type Principal } from './api/auth/auth.ts';
export { accessControl } from './api/auth/access-control.ts';
export { POLICY, matchPolicy, type PolicyRow } from './api/auth/policy.ts';
export { addUser, type NewUserInput } from './api/auth/user-routes.ts';
export { runRetention, scheduleRetention } from './retention/retention.ts';
