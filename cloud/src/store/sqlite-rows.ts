import type { StatusV1, WindowV1 } from '@classroom/protocol';
import type {
  DeadLetterRow,
  DeviceRow,
  LessonMetricsRow,
  LessonRow,
  LessonStatus,
  WindowRow,
} from './types.ts';

/** Column lists and row mappers for the SQLite store; SQL names are snake_case, rows camelCase. */

export const LESSON_COLUMNS = `
  l.id, l.device_id, l.lesson_id, l.epoch, l.school, l.room, l.class_id, l.subject, l.grade, l.teacher_id, l.source,
  l.start_ms, l.end_ms, l.window_s, l.expected_windows, l.end_reason, l.status, l.created_ms, l.updated_ms,
  (SELECT COUNT(DISTINCT w.idx) FROM windows w WHERE w.lesson_ref = l.id) AS received_windows`;

export interface LessonSql {
  id: number;
  device_id: string;
  lesson_id: string;
  epoch: number;
  school: string;
  room: string;
  class_id: string | null;
  subject: string | null;
  grade: number | null;
  teacher_id: string | null;
  source: string | null;
  start_ms: number | null;
  end_ms: number | null;
  window_s: number | null;
  expected_windows: number | null;
  end_reason: string | null;
  status: LessonStatus;
  created_ms: number;
  updated_ms: number;
  received_windows: number;
}

export function toLesson(r: LessonSql): LessonRow {
  return {
    id: r.id,
    deviceId: r.device_id,
    lessonId: r.lesson_id,
    epoch: r.epoch,
    school: r.school,
    room: r.room,
    classId: r.class_id,
    subject: r.subject,
    grade: r.grade,
    teacherId: r.teacher_id,
    source: r.source,
    startMs: r.start_ms,
    endMs: r.end_ms,
    windowS: r.window_s,
    expectedWindows: r.expected_windows,
    endReason: r.end_reason,
    status: r.status,
    receivedWindows: r.received_windows,
    createdMs: r.created_ms,
    updatedMs: r.updated_ms,
  };
}

export const WINDOW_COLUMNS = `
  device_id, epoch, seq, lesson_ref, idx, start_ms, end_ms, duration_s, coverage_s,
  speech_s, silence_s, level_dbfs, received_ms, message_json`;

export interface WindowSql {
  device_id: string;
  epoch: number;
  seq: number;
  lesson_ref: number;
  idx: number;
  start_ms: number;
  end_ms: number;
  duration_s: number;
  coverage_s: number;
  speech_s: number | null;
  silence_s: number | null;
  level_dbfs: number | null;
  received_ms: number;
  message_json: string;
}

export function toWindow(r: WindowSql): WindowRow {
  return {
    deviceId: r.device_id,
    epoch: r.epoch,
    seq: r.seq,
    lessonRef: r.lesson_ref,
    index: r.idx,
    startMs: r.start_ms,
    endMs: r.end_ms,
    durationS: r.duration_s,
    coverageS: r.coverage_s,
    speechS: r.speech_s,
    silenceS: r.silence_s,
    levelDbfs: r.level_dbfs,
    receivedMs: r.received_ms,
    message: JSON.parse(r.message_json) as WindowV1,
  };
}

export interface DeviceSql {
  device_id: string;
  school: string;
  room: string;
  first_seen_ms: number;
  last_seen_ms: number;
  last_status_json: string | null;
}

export function toDevice(r: DeviceSql): DeviceRow {
  return {
    deviceId: r.device_id,
    school: r.school,
    room: r.room,
    firstSeenMs: r.first_seen_ms,
    lastSeenMs: r.last_seen_ms,
    lastStatus: r.last_status_json === null ? null : (JSON.parse(r.last_status_json) as StatusV1),
  };
}

export interface DeadLetterSql {
  id: number;
  received_ms: number;
  topic: string;
  code: string;
  reason: string;
  size_bytes: number;
  sha256: string;
}

export function toDeadLetter(r: DeadLetterSql): DeadLetterRow {
  return {
    id: r.id,
    receivedMs: r.received_ms,
    topic: r.topic,
    code: r.code,
    reason: r.reason,
    sizeBytes: r.size_bytes,
    sha256: r.sha256,
  };
}

/** One row of the per-lesson metrics export query: a lesson joined with one of its metrics. */
export interface LessonMetricsSql {
  id: number;
  device_id: string;
  lesson_id: string;
  school: string;
  room: string;
  class_id: string | null;
  subject: string | null;
  grade: number | null;
  start_ms: number | null;
  end_ms: number | null;
  expected_windows: number | null;
  received_windows: number;
  metric: string | null;
  value: number | null;
}

/** Folds the export query's rows (ordered by lesson) into one entry per lesson with its metrics. */
export function groupLessonMetrics(rows: readonly LessonMetricsSql[]): LessonMetricsRow[] {
  const out: LessonMetricsRow[] = [];
  for (const r of rows) {
    let last = out[out.length - 1];
    if (last?.id !== r.id) {
      last = {
        id: r.id,
        deviceId: r.device_id,
        lessonId: r.lesson_id,
        school: r.school,
        room: r.room,
        classId: r.class_id,
        subject: r.subject,
        grade: r.grade,
        startMs: r.start_ms,
        endMs: r.end_ms,
        expectedWindows: r.expected_windows,
        receivedWindows: r.received_windows,
        metrics: {},
      };
      out.push(last);
    }
    if (r.metric !== null && r.value !== null) last.metrics[r.metric] = r.value;
  }
  return out;
}
