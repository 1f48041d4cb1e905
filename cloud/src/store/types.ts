import type { DeviceAddress, GapV1, LessonV1, StatusV1, WindowV1 } from '@classroom/protocol';

/** What happened to one valid message: a new row, or a redelivery of one already stored. */
export type SaveResult = 'stored' | 'duplicate';

export type LessonStatus = 'open' | 'complete';

/** One lesson as stored; metadata is null until the lesson's start (or end) message arrives. */
export interface LessonRow {
  id: number;
  deviceId: string;
  lessonId: string;
  epoch: number;
  school: string;
  room: string;
  classId: string | null;
  subject: string | null;
  grade: number | null;
  source: string | null;
  /** Unix ms, device clock. */
  startMs: number | null;
  endMs: number | null;
  /** Window length, s. */
  windowS: number | null;
  /** Windows the device says it produced (from the end event); null while open. */
  expectedWindows: number | null;
  endReason: string | null;
  status: LessonStatus;
  /** Distinct window rows stored for this lesson. */
  receivedWindows: number;
  createdMs: number;
  updatedMs: number;
}

export interface WindowRow {
  deviceId: string;
  epoch: number;
  seq: number;
  lessonRef: number;
  index: number;
  startMs: number;
  endMs: number;
  durationS: number;
  coverageS: number;
  /** Null when the window's audio section is unavailable. */
  speechS: number | null;
  silenceS: number | null;
  levelDbfs: number | null;
  receivedMs: number;
  /** The full validated message, kept for metrics that later reports will use. */
  message: WindowV1;
}

/**
 * A rejected message. It holds no payload content, only its size and hash [PRIV-1]:
 * an invalid payload may be exactly the text or pixels that must never be kept.
 */
export interface DeadLetterInput {
  topic: string;
  code: string;
  reason: string;
  sizeBytes: number;
  sha256: string;
  receivedMs: number;
}

export interface DeadLetterRow extends DeadLetterInput {
  id: number;
}

export interface DeviceRow {
  deviceId: string;
  school: string;
  room: string;
  firstSeenMs: number;
  lastSeenMs: number;
  lastStatus: StatusV1 | null;
}

export interface StoreCounts {
  devices: number;
  lessons: number;
  windows: number;
  lessonEvents: number;
  deadLetters: number;
}

export interface ListOptions {
  limit: number;
  offset: number;
}

/**
 * Which complete lessons a cohort query or an export covers. Every field is optional; a missing
 * field does not filter. Only complete lessons count: an open lesson's figures are still moving.
 */
export interface CohortFilter {
  school?: string;
  subject?: string;
  grade?: number;
  classId?: string;
  /** Lesson start, Unix ms, inclusive. */
  fromMs?: number;
  /** Lesson start, Unix ms, exclusive. */
  toMs?: number;
  /** Leave this lesson out (a lesson is not compared against itself). */
  excludeLessonRef?: number;
}

/** A lesson whose stored metrics are missing or older than its windows. */
export interface StaleLesson {
  id: number;
  revision: number;
}

/** Metric values of one lesson, computed from the windows at `revision`. */
export interface LessonMetricsEntry {
  lessonRef: number;
  revision: number;
  /** Metric id → value; a metric the lesson could not measure is absent, never zero. */
  metrics: Readonly<Record<string, number>>;
}

/** Metric values of each metric id over a cohort, each list sorted ascending. */
export interface CohortValues {
  /** Complete lessons matching the filter (with or without metrics). */
  lessons: number;
  values: Record<string, number[]>;
}

/** One lesson's identifying fields (identifiers only, no free text) and stored metrics. */
export interface LessonMetricsRow {
  id: number;
  deviceId: string;
  lessonId: string;
  school: string;
  room: string;
  classId: string | null;
  subject: string | null;
  grade: number | null;
  startMs: number | null;
  endMs: number | null;
  expectedWindows: number | null;
  receivedWindows: number;
  metrics: Record<string, number>;
}

/** A device's broker credential (embedded broker); the hash is `scrypt$N$r$p$salt$hash`. */
export interface DeviceCredential {
  deviceId: string;
  passwordHash: string;
  revokedMs: number | null;
}

/** Windows a device dropped (gap/1), so reports show the span as missing, not zero. */
export interface GapRow {
  deviceId: string;
  epoch: number;
  seq: number;
  startMs: number;
  endMs: number;
  reason: string;
  droppedWindows: number;
  firstSeq: number;
  lastSeq: number;
  lessonIds: string[];
  receivedMs: number;
}

/**
 * The storage seam. Every method is async so a PostgreSQL implementation can follow; each
 * write resolves only after its transaction has committed, because the ingest acknowledges the
 * MQTT message on that resolution (reliability fault test 7: a crash before the commit loses nothing).
 */
export interface Store {
  /** Opens the database and applies pending migrations; safe to call on an existing file. */
  open(): Promise<void>;
  close(): Promise<void>;
  /** True when a trivial query succeeds. */
  ping(): Promise<boolean>;

  saveWindow(address: DeviceAddress, message: WindowV1, receivedMs: number): Promise<SaveResult>;
  saveLessonEvent(address: DeviceAddress, message: LessonV1, receivedMs: number): Promise<SaveResult>;
  saveStatus(address: DeviceAddress, message: StatusV1, receivedMs: number): Promise<SaveResult>;
  saveDeadLetter(entry: DeadLetterInput): Promise<void>;

  listLessons(options: ListOptions): Promise<LessonRow[]>;
  getLesson(id: number): Promise<LessonRow | undefined>;
  findLesson(deviceId: string, lessonId: string): Promise<LessonRow | undefined>;
  /** Windows of one lesson ordered by index, then epoch and seq. */
  getWindows(lessonRef: number): Promise<WindowRow[]>;
  listDevices(): Promise<DeviceRow[]>;
  listDeadLetters(options: ListOptions): Promise<DeadLetterRow[]>;
  counts(): Promise<StoreCounts>;

  /** Complete lessons whose metrics are missing, older than their windows, or of another version. */
  staleMetricLessons(analysisVersion: string, limit: number): Promise<StaleLesson[]>;
  /** Replaces the metrics of each lesson in one transaction (batched: one commit for many lessons). */
  saveLessonMetrics(
    entries: readonly LessonMetricsEntry[],
    analysisVersion: string,
    computedMs: number,
  ): Promise<void>;
  getLessonMetrics(lessonRef: number): Promise<Record<string, number> | undefined>;
  /** Per-metric values over the complete lessons matching the filter. */
  cohortValues(filter: CohortFilter): Promise<CohortValues>;
  /** Complete lessons matching the filter with their metrics, by start time then id (never by value [PRIV-7]). */
  listLessonMetrics(filter: CohortFilter, limit: number): Promise<LessonMetricsRow[]>;

  // Reliability (migration 3): credentials, gaps, device clock.
  getDeviceCredential(deviceId: string): Promise<DeviceCredential | undefined>;
  putDeviceCredential(deviceId: string, passwordHash: string, nowMs: number): Promise<void>;
  revokeDeviceCredential(deviceId: string, nowMs: number): Promise<void>;
  saveGap(address: DeviceAddress, message: GapV1, receivedMs: number): Promise<SaveResult>;
  listGaps(deviceId: string): Promise<GapRow[]>;
  saveClockOffset(deviceId: string, offsetMs: number, skewed: boolean, nowMs: number): Promise<void>;
  getClockOffset(deviceId: string): Promise<{ offsetMs: number | null; skewed: boolean } | undefined>;
}
