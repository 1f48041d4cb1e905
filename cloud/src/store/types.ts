import type { ConfigV1, DeviceAddress, GapV1, LessonMessage, StatusV1, WindowV1 } from '@classroom/protocol';

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
  /** lesson/2's pseudonymous staff code (never a name [PRIV-2]); null for lesson/1 or none given. */
  teacherId: string | null;
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
  /** A teacher's own lessons (lesson/2 teacherId): for that teacher's trend only, never a ranking [PRIV-7]. */
  teacherId?: string;
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

/** One stored heartbeat or last will. */
export interface StatusHistoryRow {
  /** Cloud clock, Unix ms. */
  receivedMs: number;
  status: StatusV1;
}

/** A one-time enrolment token as stored: its sha256 (hex), never the token. */
export interface EnrolmentTokenInput {
  tokenHash: string;
  school: string;
  room: string;
  createdMs: number;
  expiresMs: number;
}

/** What consuming a token found: ok (now used), or why not. */
export type TokenUse =
  { result: 'ok'; school: string; room: string } | { result: 'unknown' | 'used' | 'expired' };

export interface DeviceConfigRow {
  deviceId: string;
  config: ConfigV1;
  updatedMs: number;
}

/**
 * The storage seam. Every method is async so a PostgreSQL implementation can follow; each
 * write resolves only after its transaction has committed, because the ingest acknowledges the
 * MQTT message on that resolution (reliability fault test 7: a crash before the commit loses nothing).
 */
export interface Store extends SecurityStore {
  /** Opens the database and applies pending migrations; safe to call on an existing file. */
  open(): Promise<void>;
  close(): Promise<void>;
  /** True when a trivial query succeeds. */
  ping(): Promise<boolean>;

  saveWindow(address: DeviceAddress, message: WindowV1, receivedMs: number): Promise<SaveResult>;
  saveLessonEvent(address: DeviceAddress, message: LessonMessage, receivedMs: number): Promise<SaveResult>;
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

  // Fleet (migration 4): status history, enrolment tokens, pushed config. saveStatus also appends
  // to the history and ignores a redelivered (deviceId, epoch, seq).
  getDevice(deviceId: string): Promise<DeviceRow | undefined>;
  /** Newest first. */
  listStatusHistory(deviceId: string, limit: number): Promise<StatusHistoryRow[]>;
  putEnrolmentToken(token: EnrolmentTokenInput): Promise<void>;
  /** Atomically marks an unused, unexpired token used by deviceId. */
  consumeEnrolmentToken(tokenHash: string, deviceId: string, nowMs: number): Promise<TokenUse>;
  putDeviceConfig(deviceId: string, config: ConfigV1, nowMs: number): Promise<void>;
  listDeviceConfigs(): Promise<DeviceConfigRow[]>;
}

// ---- Security (migration 5): users, assignments, settings, audit, research log, retention [issue 8].

export type Role = 'teacher' | 'school_leader' | 'researcher' | 'district' | 'admin';
export const ROLES: readonly Role[] = ['teacher', 'school_leader', 'researcher', 'district', 'admin'];

export interface UserRow {
  id: number;
  username: string;
  /** `scrypt$N$r$p$salt$key`: per-user salt and parameters travel with the hash. */
  passwordHash: string;
  role: Role;
  /** The school a teacher or school leader belongs to; null for cross-school roles. */
  school: string | null;
  /** A teacher's pseudonymous staff code, matched against lessons' teacherId (lesson/2). */
  teacherCode: string | null;
  disabled: boolean;
  /** Bumped by logout, role change and disabling: tokens carrying an older one fail [fault 16]. */
  tokenVersion: number;
  createdMs: number;
  updatedMs: number;
}

export interface NewUser {
  username: string;
  passwordHash: string;
  role: Role;
  school: string | null;
  teacherCode: string | null;
}

export interface UserUpdate {
  role?: Role;
  school?: string | null;
  disabled?: boolean;
  passwordHash?: string;
}

/** A class a teacher teaches; subject '' means every subject of that class. */
export interface TeacherAssignment {
  school: string;
  classId: string;
  subject: string;
}

/** A teacher as lesson scoping sees them: their lessons by teacherId, else by assigned class. */
export interface TeacherRef {
  userId: number;
  teacherCode: string | null;
}

/** Which lessons a request may see: all (undefined fields), one school, or one teacher's. */
export interface LessonScope {
  school?: string;
  teacher?: TeacherRef;
}

export type AuditOutcome = 'allowed' | 'denied' | 'error' | 'system';

export interface AuditInput {
  atMs: number;
  userId: number | null;
  username: string | null;
  role: string | null;
  method: string;
  /** The policy row's route pattern, e.g. GET /api/lessons/:id. */
  route: string;
  /** The path actually asked for (trimmed), or what a system job touched. */
  resource: string;
  outcome: AuditOutcome;
  status: number;
  detail: string | null;
}

export interface AuditRow extends AuditInput {
  id: number;
}

export interface AuditQuery {
  limit: number;
  offset: number;
  username?: string;
  outcome?: AuditOutcome;
}

/** A complete lesson in a cohort, with who taught it (assigned teacher, else its class). */
export interface CohortMember {
  id: number;
  teacherKey: string;
  school: string;
  subject: string | null;
  grade: number | null;
}

export interface RetentionPolicy {
  school: string;
  /** Window rows (per-window aggregates) are kept this long after the lesson, days. */
  windowsDays: number;
  /** Lessons and their metrics (the report's figures) are kept this long, days. */
  reportsDays: number;
}

export interface DeletionCounts {
  lessons: number;
  windows: number;
  lessonEvents: number;
  gaps: number;
}

/** What the security features need from a store (SQLite here; PostgreSQL to follow). */
export interface SecurityStore {
  createUser(user: NewUser, nowMs: number): Promise<UserRow>;
  getUser(id: number): Promise<UserRow | undefined>;
  getUserByName(username: string): Promise<UserRow | undefined>;
  listUsers(): Promise<UserRow[]>;
  /** Applies the update and bumps the token version (every change invalidates old tokens). */
  updateUser(id: number, update: UserUpdate, nowMs: number): Promise<UserRow | undefined>;
  bumpTokenVersion(id: number, nowMs: number): Promise<void>;
  addTeacherAssignment(userId: number, a: TeacherAssignment): Promise<void>;
  listTeacherAssignments(userId: number): Promise<TeacherAssignment[]>;
  /** The value under key, inserting `value` first when the key is new (first start). */
  getOrPutSetting(key: string, value: string, nowMs: number): Promise<string>;

  appendAudit(entry: AuditInput): Promise<void>;
  listAudit(query: AuditQuery): Promise<AuditRow[]>;
  logResearchQuery(
    userId: number,
    route: string,
    lessonRefs: readonly number[],
    nowMs: number,
  ): Promise<void>;
  recentResearchQueries(userId: number, sinceMs: number, limit: number): Promise<number[][]>;

  listLessonsScoped(scope: LessonScope, options: ListOptions): Promise<LessonRow[]>;
  cohortMembers(filter: CohortFilter): Promise<CohortMember[]>;
  listSchools(): Promise<string[]>;

  getRetentionPolicy(school: string): Promise<RetentionPolicy | undefined>;
  putRetentionPolicy(policy: RetentionPolicy, nowMs: number): Promise<void>;
  /** Deletes windows (and gaps) of lessons started before windowsBeforeMs, and whole lessons before reportsBeforeMs. */
  deleteExpired(school: string, windowsBeforeMs: number, reportsBeforeMs: number): Promise<DeletionCounts>;
  /** Deletes every lesson of a class (school + classId), or of the classes a teacher is assigned. */
  deleteLessonsOf(
    target: { school: string; classId: string } | { teacher: TeacherRef },
  ): Promise<DeletionCounts>;
}
