import type { WindowV1 } from '@classroom/protocol';
import { round } from './common.ts';
import { segment } from './segmentation.ts';
import type { Part, TimeRange } from './types.ts';

/**
 * Lesson phases: change points over per-window feature vectors, then a label per phase.
 * Features (each on a 0-1-ish scale so one L2 cost weighs them alike): teacher, student, overlap
 * and silence shares of analysed seconds; T↔S speaker changes per minute / TURN_RATE_SCALE; and
 * hands raised per visible student when every used window has it. Windows without speaker roles
 * are left out (a gap is not a phase). Fixed scales, not z-scores, so a homogeneous lecture is
 * not split on amplified noise.
 */
export const MIN_PHASE_WINDOWS = 3;
/** Speaker changes per minute that count as 1.0 in the feature vector (one change per 5 s). */
export const TURN_RATE_SCALE = 12;
/** Penalty per phase = PENALTY_PER_DIM × dimensions × ln(windows): BIC-like for noise σ ≈ 0.16. */
export const PENALTY_PER_DIM = 0.05;

/** Label thresholds, checked in this order (see `labelPhase`). */
export const PRACTICE_MIN_SILENCE = 0.6;
export const QUESTIONING_MIN_CHANGES_PER_MIN = 3;
/** Student (+ overlap) talk at least 1.5× the teacher's: students hold the floor, even with many changes. */
export const DISCUSSION_MIN_STUDENT_TO_TEACHER = 1.5;
export const DISCUSSION_MIN_OVERLAP = 0.2;
export const LECTURE_MIN_TEACHER = 0.4;

export type PhaseLabel = 'lecture' | 'questioning' | 'discussion' | 'practice' | 'mixed';

export interface PhaseMeans {
  teacherShare: number;
  studentShare: number;
  overlapShare: number;
  silenceShare: number;
  turnChangesPerMin: number;
  handsRaisedShare: number | null;
}

export interface Phase extends TimeRange {
  label: PhaseLabel;
  firstIndex: number;
  lastIndex: number;
  windows: number;
  means: PhaseMeans;
}

export interface PhaseAnalysis {
  features: string[];
  penalty: number;
  minWindows: number;
  windowsUsed: number;
  phases: Phase[];
}

/**
 * Practice first (silence dominates whatever else happens), then discussion (students hold the
 * floor: group work also brings T↔S changes when the teacher visits groups), then questioning
 * (frequent T↔S changes with the teacher still talking as much), then lecture.
 */
export function labelPhase(m: PhaseMeans): PhaseLabel {
  if (m.silenceShare >= PRACTICE_MIN_SILENCE) return 'practice';
  const studentFloor = m.studentShare + m.overlapShare;
  if (
    studentFloor >= DISCUSSION_MIN_STUDENT_TO_TEACHER * m.teacherShare ||
    m.overlapShare >= DISCUSSION_MIN_OVERLAP
  ) {
    return 'discussion';
  }
  if (m.turnChangesPerMin >= QUESTIONING_MIN_CHANGES_PER_MIN) return 'questioning';
  if (m.teacherShare >= LECTURE_MIN_TEACHER) return 'lecture';
  return 'mixed';
}

function means(ws: readonly WindowV1[]): PhaseMeans {
  const w = ws.map(raw);
  const avg = (f: (r: ReturnType<typeof raw>) => number) => round(w.reduce((t, r) => t + f(r), 0) / w.length);
  const hands = w.every((r) => r.hands !== null) ? avg((r) => r.hands!) : null;
  return {
    teacherShare: avg((r) => r.teacher),
    studentShare: avg((r) => r.student),
    overlapShare: avg((r) => r.overlap),
    silenceShare: avg((r) => r.silence),
    turnChangesPerMin: avg((r) => r.turnRate),
    handsRaisedShare: hands,
  };
}

/** Features of one window with roles and some analysed audio, in natural units. */
function raw(w: WindowV1) {
  const a = w.audio!;
  const r = a.roles!;
  const analysed = a.speechS + a.silenceS;
  const v = w.vision;
  const hands =
    v && v.handsRaisedPeak !== null && v.personsVisibleMean > 0
      ? Math.min(1, v.handsRaisedPeak / v.personsVisibleMean)
      : null;
  return {
    teacher: r.teacherS / analysed,
    student: r.studentS / analysed,
    overlap: r.overlapS / analysed,
    silence: a.silenceS / analysed,
    turnRate: (r.teacherToStudent + r.studentToTeacher) / (analysed / 60),
    hands,
  };
}

export function analysePhases(
  windows: readonly WindowV1[],
  minWindows = MIN_PHASE_WINDOWS,
): Part<PhaseAnalysis> {
  const used = windows.filter((w) => w.audio?.roles && w.audio.speechS + w.audio.silenceS > 0);
  if (used.length === 0) return { unavailable: 'no-roles' };
  const rows = used.map(raw);
  const withHands = rows.every((r) => r.hands !== null);
  const features = ['teacherShare', 'studentShare', 'overlapShare', 'silenceShare', 'turnRate'];
  if (withHands) features.push('handsRaisedShare');
  const vectors = rows.map((r) => {
    const v = [r.teacher, r.student, r.overlap, r.silence, r.turnRate / TURN_RATE_SCALE];
    return withHands ? [...v, r.hands!] : v;
  });
  const penalty = round(PENALTY_PER_DIM * features.length * Math.log(Math.max(used.length, 2)));
  const bounds = segment(vectors, penalty, minWindows);
  const phases = bounds.map(([from, to]) => {
    const ws = used.slice(from, to);
    const m = means(ws);
    return {
      label: labelPhase(m),
      startMs: ws[0]!.startMs,
      endMs: ws[ws.length - 1]!.endMs,
      firstIndex: ws[0]!.index,
      lastIndex: ws[ws.length - 1]!.index,
      windows: ws.length,
      means: m,
    };
  });
  return { features, penalty, minWindows, windowsUsed: used.length, phases };
}
