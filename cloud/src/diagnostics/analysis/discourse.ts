import {
  INSTRUCTION_TYPES,
  TALK_MOVES,
  type InstructionType,
  type TalkMove,
  type WindowV1,
} from '@classroom/protocol';
import { gap, per10Min, round, sum } from './common.ts';
import type { Part } from './types.ts';

/**
 * What kind of talk the teacher's utterances were, from the device's per-window category counts:
 * DialogID instruction types for Chinese utterances (commending, guidance, summarising ...) and
 * TalkMoves teacher talk moves for English ones (keeping everyone together, pressing for
 * accuracy or reasoning, revoicing ...). Teaching researchers code lessons in these schemes;
 * the device's agreement with human coders is in docs/accuracy.md (DialogID accuracy 0.80,
 * TalkMoves macro-F1 0.65), so read the shares as estimates.
 */
export interface CategoryTally<K extends string> {
  /** Teacher utterances counted in this scheme. */
  utterances: number;
  /** Categories in the scheme's own order, each with its count and share of `utterances`. */
  categories: { category: K; count: number; share: number; per10Min: number | null }[];
}

export interface DiscourseAnalysis {
  /** Seconds covered by windows with a speech section. */
  analysedS: number;
  /** Chinese teacher utterances; null when the lesson had none. */
  instructionTypes: CategoryTally<InstructionType> | null;
  /** English teacher utterances; null when the lesson had none. */
  talkMoves: CategoryTally<TalkMove> | null;
  /** Utterances under a category name neither scheme knows (a newer device): counted, not shown. */
  unknownCategoryUtterances: number;
}

function tally<K extends string>(
  names: readonly K[],
  counts: ReadonlyMap<string, number>,
  analysedS: number,
): CategoryTally<K> | null {
  const utterances = sum(names.map((n) => counts.get(n) ?? 0));
  if (utterances === 0) return null;
  return {
    utterances,
    categories: names.map((category) => {
      const count = counts.get(category) ?? 0;
      return { category, count, share: round(count / utterances), per10Min: per10Min(count, analysedS) };
    }),
  };
}

export function analyseDiscourse(windows: readonly WindowV1[]): Part<DiscourseAnalysis> {
  const sw = windows.filter((w) => w.speech);
  if (sw.length === 0) return gap('no-speech', windows, 'speech');
  const counts = new Map<string, number>();
  for (const w of sw) {
    for (const [k, n] of Object.entries(w.speech!.categoryCounts)) counts.set(k, (counts.get(k) ?? 0) + n);
  }
  const known = new Set<string>([...INSTRUCTION_TYPES, ...TALK_MOVES]);
  const analysedS = round(sum(sw.map((w) => w.coverageS)));
  return {
    analysedS,
    instructionTypes: tally(INSTRUCTION_TYPES, counts, analysedS),
    talkMoves: tally(TALK_MOVES, counts, analysedS),
    unknownCategoryUtterances: sum([...counts].filter(([k]) => !known.has(k)).map(([, n]) => n)),
  };
}
