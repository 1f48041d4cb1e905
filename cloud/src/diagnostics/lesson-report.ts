import type { LessonRow, LessonStatus, WindowRow } from '../store/types.ts';

/**
 * The first lesson report, built from stored windows only. Deterministic: the same lesson and
 * windows give the same JSON (no clock, windows ordered by index then epoch and seq, sums rounded).
 * A window that did not arrive is listed as missing, never counted as zero.
 */
export const REPORT_SCHEMA = 'lesson-report/1';

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
}

export function buildLessonReport(lesson: LessonRow, rows: readonly WindowRow[]): LessonReport {
  const byIndex = new Map<number, WindowRow>();
  for (const w of [...rows].sort(compareWindows)) {
    // A second window with the same index (a device bug) does not count twice: first seq wins.
    if (!byIndex.has(w.index)) byIndex.set(w.index, w);
  }
  const windows = [...byIndex.values()];
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
