import { QUESTION_TYPES, WAIT_TIME_BIN_EDGES_S, type WindowV1 } from '@classroom/protocol';
import { addBins, gap, per10Min, round, sum } from './common.ts';
import type { Histogram, Part } from './types.ts';

/**
 * Teacher questions and wait time. Wait time 1 is the pause after a teacher question, wait time
 * 2 the pause after a student answer (Rowe, "Wait time: slowing down may be a way of speeding
 * up!", Journal of Teacher Education 37(1), 1986: at 3 s or more, answers get longer and more
 * students answer). Rates are per 10 minutes of analysed time in windows with a speech section.
 */
export const ROWE_WAIT_S = 3;

/** First wait bin whose lower edge is ≥ 3 s; the protocol keeps 3 s as an edge for this reason. */
const FIRST_LONG_WAIT_BIN = WAIT_TIME_BIN_EDGES_S.findIndex((e) => e >= ROWE_WAIT_S) + 1;

export type QuestionType = (typeof QUESTION_TYPES)[number];

export interface QuestionAnalysis {
  analysedS: number;
  teacherQuestions: number;
  studentQuestions: number;
  byType: Record<QuestionType, number>;
  per10Min: { teacher: number | null; student: number | null; byType: Record<QuestionType, number | null> };
  waitTime1: Histogram;
  waitTime2: Histogram;
  /** Share of measured teacher-question waits of 3 s or more; null when no wait was measured. */
  waitAtLeast3sShare: number | null;
  /**
   * Of the teacher's typed questions, the share that are open (open / (open + closed)) and
   * higher-order (higherOrder / (higherOrder + recall)); null when no question was typed.
   */
  typeShares: { open: number | null; higherOrder: number | null };
}

const shareOf = (yes: number, no: number) => (yes + no > 0 ? round(yes / (yes + no)) : null);

function waitHistogram(windows: readonly WindowV1[], pick: (w: WindowV1) => readonly number[]): Histogram {
  const counts = new Array<number>(WAIT_TIME_BIN_EDGES_S.length + 1).fill(0);
  for (const w of windows) addBins(counts, pick(w));
  return { edgesS: WAIT_TIME_BIN_EDGES_S, counts, total: sum(counts) };
}

/** Number of short waits (< 3 s) in one window: used as evidence for the wait-time finding. */
export function shortWaits(w: WindowV1): number {
  return sum((w.speech?.waitTime1Bins ?? []).slice(0, FIRST_LONG_WAIT_BIN));
}

export function analyseQuestions(windows: readonly WindowV1[]): Part<QuestionAnalysis> {
  const sw = windows.filter((w) => w.speech);
  if (sw.length === 0) return gap('no-speech', windows, 'speech');
  const analysedS = sum(sw.map((w) => w.coverageS));
  const teacherQuestions = sum(sw.map((w) => w.speech!.teacherQuestions));
  const studentQuestions = sum(sw.map((w) => w.speech!.studentQuestions));
  const byType = Object.fromEntries(
    QUESTION_TYPES.map((t) => [t, sum(sw.map((w) => w.speech!.questionTypes[t] ?? 0))]),
  ) as Record<QuestionType, number>;
  const waitTime1 = waitHistogram(sw, (w) => w.speech!.waitTime1Bins);
  const long = sum(waitTime1.counts.slice(FIRST_LONG_WAIT_BIN));
  return {
    analysedS: round(analysedS),
    teacherQuestions,
    studentQuestions,
    byType,
    per10Min: {
      teacher: per10Min(teacherQuestions, analysedS),
      student: per10Min(studentQuestions, analysedS),
      byType: Object.fromEntries(QUESTION_TYPES.map((t) => [t, per10Min(byType[t], analysedS)])) as Record<
        QuestionType,
        number | null
      >,
    },
    waitTime1,
    waitTime2: waitHistogram(sw, (w) => w.speech!.waitTime2Bins),
    waitAtLeast3sShare: waitTime1.total > 0 ? round(long / waitTime1.total) : null,
    typeShares: {
      open: shareOf(byType.open, byType.closed),
      higherOrder: shareOf(byType.higherOrder, byType.recall),
    },
  };
}
