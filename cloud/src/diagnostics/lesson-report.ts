import type { WindowV1 } from '@classroom/protocol';
import type { GapRow, LessonRow, LessonStatus, WindowRow } from '../store/types.ts';
import { analyseLesson, type CohortInput, type LessonAnalysis } from './analysis/index.ts';

/**
 * The lesson report, built from stored windows only. Deterministic: the same lesson, windows and
 * cohort give the same JSON (no clock, windows ordered by index then epoch and seq, sums rounded).
 * A window that did not arrive is listed as missing, never counted as zero.
 *
 * Version 2 adds `analysis` (S-T, Flanders, talk, questions and wait time, participation,
 * engagement, movement, phases, metrics, findings) and `cohort` (the group percentile findings
 * were judged against, if any). Version 1's fields are unchanged, so a v1 reader keeps working.
 *
 * Version 3 shows lost time as missing [reliability: full-buffer rule]: `gaps` lists the device's
 * gap/1 records naming the lesson, and the timeline now has an entry for every index up to the
 * expected count, a window that did not arrive flagged `missing` ('dropped' when a gap record
 * covers it, else 'not-received') with null figures, never zeros. That is a major change, not an
 * added field: a /2 reader takes every timeline entry for a received window (the web page drew
 * such an entry as a window without audio), so the version is bumped.
 */
export const REPORT_SCHEMA = 'lesson-report/3';
/** Older report versions a reader may still meet (e.g. saved by a previous release). */
export const PREVIOUS_REPORT_SCHEMAS = ['lesson-report/1', 'lesson-report/2'] as const;

export interface ReportOptions {
  /** Comparable lessons' metric distributions, for percentile findings [PRIV-3: ≥ 10 lessons]. */
  cohort?: CohortInput;
  /** The device's gap/1 records (`listGaps`); the report keeps those naming this lesson. */
  gaps?: readonly GapRow[];
}

/** Why a timeline slot has no figures: a gap record covers it, or it simply never arrived. */
export type MissingReason = 'dropped' | 'not-received';

export interface TimelineEntry {
  index: number;
  /** Unix ms, device clock; for a missing window, where it would have been (lesson start + index · windowS). */
  startMs: number;
  endMs: number;
  /** Null for a received window; why there are no figures for a missing one (figures all null). */
  missing: MissingReason | null;
  coverageS: number | null;
  /** Null when the window's audio section was unavailable, or the window is missing. */
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
  /** One entry per index from 0 to the expected (or highest seen) index, received or missing. */
  timeline: TimelineEntry[];
  /** The device's gap/1 records naming this lesson, by start time: time the device dropped. */
  gaps: ReportGap[];
  analysis: LessonAnalysis;
  /** The cohort given for percentile findings: its name and its largest metric sample. */
  cohort: { name: string; lessons: number } | null;
}

export interface ReportGap {
  /** The gap record's span, Unix ms, device clock (it may run past this lesson). */
  startMs: number;
  endMs: number;
  reason: string;
  /** Windows the device dropped in the record's whole span (all lessons it names). */
  droppedWindows: number;
  /** This lesson's missing window indexes inside the span. */
  indexes: number[];
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
  const gaps = lessonGaps(lesson, options.gaps ?? [], missing, slotTimes(lesson, windows));

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
    timeline: timelineOf(lesson, windows, missing, gaps),
    gaps: gaps.map((g) => ({ ...g.gap, indexes: g.indexes })),
    analysis: analyseStoredLesson(lesson, windows, options.cohort),
    cohort: options.cohort
      ? {
          name: options.cohort.name,
          lessons: Math.max(0, ...Object.values(options.cohort.distributions).map((v) => v.length)),
        }
      : null,
  };
}

/** Where window k sits in time: from the lesson's start (else the first window's) and window length. */
function slotTimes(lesson: LessonRow, windows: readonly WindowRow[]): (index: number) => [number, number] {
  const first = windows[0];
  const windowMs = Math.round((lesson.windowS ?? first?.durationS ?? 0) * 1000);
  const startMs = lesson.startMs ?? (first ? first.startMs - first.index * windowMs : 0);
  const endMs = lesson.endMs !== null && lesson.endMs > startMs ? lesson.endMs : Infinity;
  return (k) => [startMs + k * windowMs, Math.min(startMs + (k + 1) * windowMs, endMs)];
}

interface LessonGap {
  gap: Omit<ReportGap, 'indexes'>;
  indexes: number[];
}

/**
 * The gap records naming this lesson, in a fixed order (start, epoch, seq; a redelivered record
 * once), each with this lesson's missing indexes whose time it covers: deterministic input only.
 */
function lessonGaps(
  lesson: LessonRow,
  rows: readonly GapRow[],
  missing: readonly number[],
  slot: (index: number) => [number, number],
): LessonGap[] {
  const seen = new Set<string>();
  return rows
    .filter((g) => g.deviceId === lesson.deviceId && g.lessonIds.includes(lesson.lessonId))
    .sort((a, b) => a.startMs - b.startMs || a.epoch - b.epoch || a.seq - b.seq)
    .filter((g) => {
      const key = `${g.epoch}/${g.seq}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((g) => ({
      gap: { startMs: g.startMs, endMs: g.endMs, reason: g.reason, droppedWindows: g.droppedWindows },
      indexes: missing.filter((k) => {
        const [s, e] = slot(k);
        // Overlap with the record's span; a zero-length span still covers the window it falls in.
        return s < Math.max(g.endMs, g.startMs + 1) && e > g.startMs;
      }),
    }));
}

function timelineOf(
  lesson: LessonRow,
  windows: readonly WindowRow[],
  missing: readonly number[],
  gaps: readonly LessonGap[],
): TimelineEntry[] {
  const slot = slotTimes(lesson, windows);
  const dropped = new Set(gaps.flatMap((g) => g.indexes));
  const entries: TimelineEntry[] = windows.map((w) => ({
    index: w.index,
    startMs: w.startMs,
    endMs: w.endMs,
    missing: null,
    coverageS: w.coverageS,
    speechS: w.speechS,
    silenceS: w.silenceS,
    levelDbfs: w.levelDbfs,
  }));
  for (const k of missing) {
    const [startMs, endMs] = slot(k);
    entries.push({
      index: k,
      startMs,
      endMs,
      // Missing is shown as missing, never as zero seconds of speech or silence.
      missing: dropped.has(k) ? 'dropped' : 'not-received',
      coverageS: null,
      speechS: null,
      silenceS: null,
      levelDbfs: null,
    });
  }
  return entries.sort((a, b) => a.index - b.index);
}

function compareWindows(a: WindowRow, b: WindowRow): number {
  return a.index - b.index || a.epoch - b.epoch || a.seq - b.seq;
}

/** Rounds away floating-point noise from summing decimals (6.5 + 0.1 ...). */
function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
