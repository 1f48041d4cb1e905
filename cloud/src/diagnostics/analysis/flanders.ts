import { FLANDERS_CATEGORIES, type FlandersCategory, type WindowV1 } from '@classroom/protocol';
import { gap, round } from './common.ts';
import type { Part } from './types.ts';

export { FLANDERS_CATEGORIES, type FlandersCategory };

export const INDIRECT: readonly FlandersCategory[] = ['acceptFeeling', 'praise', 'usesIdeas', 'question'];
export const DIRECT: readonly FlandersCategory[] = ['lecture', 'directions', 'criticism'];
export const TEACHER_TALK: readonly FlandersCategory[] = [...INDIRECT, ...DIRECT];
export const STUDENT_TALK: readonly FlandersCategory[] = ['studentResponse', 'studentInitiation'];

export interface FlandersAnalysis {
  categories: readonly FlandersCategory[];
  /** matrix[from][to] in FLANDERS_CATEGORIES order: row = preceding code, column = following. */
  matrix: number[][];
  /** Tallies per category: column totals (each transition's "to" is one observed code). */
  totals: Record<FlandersCategory, number>;
  total: number;
  /** Transitions with a category outside FLANDERS_CATEGORIES: left out of the matrix, counted. */
  unknownTransitions: number;
  teacherTalkRatio: number;
  studentTalkRatio: number;
  silenceRatio: number;
  /** Indirect (1-4) over direct (5-7) teacher talk; null when there was no direct talk. */
  indirectDirectRatio: number | null;
  /** Initiation (9) over all student talk (8-9); null when students did not talk. */
  studentInitiationRatio: number | null;
}

const POSITION = new Map<string, number>(FLANDERS_CATEGORIES.map((c, i) => [c, i]));

export function analyseFlanders(windows: readonly WindowV1[]): Part<FlandersAnalysis> {
  const withSpeech = windows.filter((w) => w.speech);
  if (withSpeech.length === 0) return gap('no-speech', windows, 'speech');
  const size = FLANDERS_CATEGORIES.length;
  const matrix = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  let unknownTransitions = 0;
  for (const w of withSpeech) {
    // Sorted keys: the sum is the same whatever order the device wrote them in.
    for (const key of Object.keys(w.speech!.transitions).sort()) {
      const count = w.speech!.transitions[key] ?? 0;
      const [from, to] = key.split('>');
      const i = POSITION.get(from ?? '');
      const j = POSITION.get(to ?? '');
      if (i === undefined || j === undefined) unknownTransitions += count;
      else matrix[i]![j]! += count;
    }
  }
  const totals = Object.fromEntries(
    FLANDERS_CATEGORIES.map((c, j) => [c, matrix.reduce((t, row) => t + row[j]!, 0)]),
  ) as Record<FlandersCategory, number>;
  const of = (cats: readonly FlandersCategory[]) => cats.reduce((t, c) => t + totals[c], 0);
  const total = of(FLANDERS_CATEGORIES);
  if (total === 0) return { unavailable: 'no-transitions' };
  const direct = of(DIRECT);
  const student = of(STUDENT_TALK);
  return {
    categories: FLANDERS_CATEGORIES,
    matrix,
    totals,
    total,
    unknownTransitions,
    teacherTalkRatio: round(of(TEACHER_TALK) / total),
    studentTalkRatio: round(student / total),
    silenceRatio: round(totals.silence / total),
    indirectDirectRatio: direct > 0 ? round(of(INDIRECT) / direct) : null,
    studentInitiationRatio: student > 0 ? round(totals.studentInitiation / student) : null,
  };
}
