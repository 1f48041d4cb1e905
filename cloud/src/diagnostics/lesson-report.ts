import type { WindowV1 } from '@classroom/protocol';
import type { LessonRow, LessonStatus, WindowRow } from '../store/types.ts';
import { analyseLesson, type CohortInput, type LessonAnalysis } from './analysis/index.ts';

/**
 * The lesson report, built from stored windows only. Deterministic: the same lesson, windows and
 * cohort give the same JSON (no clock, windows ordered by index then epoch and seq, sums rounded).
 * A window that did not arrive is listed as missing, never counted as zero.
 *
 * Version 2 adds `analysis` (S-T, Flanders, talk, questions and wait time, participation,
 * engagement, movement, phases, metrics, findings) and `cohort` (the group percentile findings
 * were judged against, if any). Version 1's fields are unchanged, so a v1 reader keeps working.
 */
export const REPORT_SCHEMA = 'lesson-report/2';
/** Older report versions a reader may still meet (e.g. saved by a previous release). */
export const PREVIOUS_REPORT_SCHEMAS = ['lesson-report/1'] as const;

export interface ReportOptions {
  /** Comparable lessons' metric distributions, for percentile findings [PRIV-3: ≥ 10 lessons]. */
  cohort?: CohortInput;
}

export interface TimelineEntry {
  index: number;
  /** Unix ms, device clock. */
  startMs: number;
  endMs: number;
  coverageS: number;
  /** Null when the window's audio section was unavailable. */
  speechS: number | null;
  silenceS: number | null;
  levelDbfs: number | null;
}

export interface LessonReport {
  reportSchema: typeof REPORT_SCHEMA;
  lesson: {
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
    windowS: number | null;
    status: LessonStatus;
  };
  windows: {
    /** From the lesson's end event; null while the lesson is open. */
    expected: number | null;
    received: number;
    /** Indexes not received: below `expected`, or gaps below the highest index seen while open. */
    missing: number[];
  };
  totals: {
    durationS: number;
    coverageS: number;
    speechS: number;
    silenceS: number;
    /** speechS / (speechS + silenceS); null when no audio was analysed. */
    speechRatio: number | null;
  };
  timeline: TimelineEntry[];
  analysis: LessonAnalysis;
  /** The cohort given for percentile findings: its name and its largest metric sample. */
  cohort: { name: string; lessons: number } | null;
}

/** The stored windows a report counts: one per index, the first seq winning, in index order. */
export function reportWindows(rows: readonly WindowRow[]): WindowRow[] {
  const byIndex = new Map<number, WindowRow>();
  for (const w of [...rows].sort(compareWindows)) {
    // A second window with the same index (a device bug) does not count twice: first seq wins.
    if (!byIndex.has(w.index)) byIndex.set(w.index, w);
  }
  return [...byIndex.values()];
}

/** The lesson's start for S-T sampling: the start event's time, else the first window's. */
export function lessonStartOf(lesson: LessonRow, windows: readonly { startMs: number }[]): number {
  return lesson.startMs ?? windows[0]?.startMs ?? 0;
}

/** The analysis alone (no timeline), as the metrics refresh and comparisons need it. */
export function analyseStoredLesson(
  lesson: LessonRow,
  rows: readonly WindowRow[],
  cohort?: CohortInput,
): LessonAnalysis {
  const windows = reportWindows(rows);
  const messages: WindowV1[] = windows.map((w) => w.message);
  return analyseLesson(messages, {
    lessonStartMs: lessonStartOf(lesson, windows),
    ...(cohort ? { cohort } : {}),
  });
}

export function buildLessonReport(
  lesson: LessonRow,
  rows: readonly WindowRow[],
  options: ReportOptions = {},
): LessonReport {
  const windows = reportWindows(rows);
  const byIndex = new Map(windows.map((w) => [w.index, w]));
  const expected = lesson.expectedWindows;
  const highest = windows.length === 0 ? -1 : windows[windows.length - 1]!.index;
  const span = expected ?? highest + 1;
  const missing: number[] = [];
  for (let i = 0; i < span; i += 1) if (!byIndex.has(i)) missing.push(i);

  const sum = (pick: (w: WindowRow) => number | null) =>
    round(windows.reduce((t, w) => t + (pick(w) ?? 0), 0));
  const speechS = sum((w) => w.speechS);
  const silenceS = sum((w) => w.silenceS);
  const heard = speechS + silenceS;

  return {
    reportSchema: REPORT_SCHEMA,
    lesson: {
      id: lesson.id,
      deviceId: lesson.deviceId,
      lessonId: lesson.lessonId,
      school: lesson.school,
      room: lesson.room,
      classId: lesson.classId,
      subject: lesson.subject,
      grade: lesson.grade,
      startMs: lesson.startMs ?? windows[0]?.startMs ?? null,
      endMs: lesson.endMs ?? windows[windows.length - 1]?.endMs ?? null,
      windowS: lesson.windowS ?? windows[0]?.durationS ?? null,
      status: lesson.status,
    },
    windows: { expected, received: windows.length, missing },
    totals: {
      durationS: sum((w) => w.durationS),
      coverageS: sum((w) => w.coverageS),
      speechS,
      silenceS,
      speechRatio: heard > 0 ? round(speechS / heard, 4) : null,
    },
    timeline: windows.map((w) => ({
      index: w.index,
      startMs: w.startMs,
      endMs: w.endMs,
      coverageS: w.coverageS,
      speechS: w.speechS,
      silenceS: w.silenceS,
      levelDbfs: w.levelDbfs,
    })),
    analysis: analyseStoredLesson(lesson, windows, options.cohort),
    cohort: options.cohort
      ? {
          name: options.cohort.name,
          lessons: Math.max(0, ...Object.values(options.cohort.distributions).map((v) => v.length)),
        }
      : null,
  };
}

function compareWindows(a: WindowRow, b: WindowRow): number {
  return a.index - b.index || a.epoch - b.epoch || a.seq - b.seq;
}

/** Rounds away floating-point noise from summing decimals (6.5 + 0.1 ...). */
function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
