import { WAIT_TIME_BIN_EDGES_S } from '@classroom/protocol';

/** Bin index for a wait in seconds against WAIT_TIME_BIN_EDGES_S (<1, 1-3, 3-5, 5-10, >=10). */
export function waitBin(waitS: number): number {
  const w = Math.max(0, waitS); // overlapping speech is a zero wait
  let i = 0;
  while (i < WAIT_TIME_BIN_EDGES_S.length && w >= WAIT_TIME_BIN_EDGES_S[i]!) i++;
  return i;
}

export function emptyBins(): number[] {
  return new Array<number>(WAIT_TIME_BIN_EDGES_S.length + 1).fill(0);
}

/** What is remembered of the previous utterance to time the next wait: no text [PRIV-1]. */
export interface LastTurn {
  role: 'teacher' | 'student';
  endS: number;
  /** A teacher utterance ending in a question, or a student answer (not a question). */
  awaits: 'wait1' | 'wait2' | null;
}

/**
 * Wait time 1 (Rowe): end of a teacher question to the next speech by anyone. Wait time 2: end of
 * a student answer to the teacher's next speech; another student speaking first ends it without
 * a wait-time-2 event. The event is counted in the window where the next speech starts.
 */
export function waitEvent(last: LastTurn | null, next: { role: 'teacher' | 'student'; startS: number }) {
  if (!last || last.awaits === null) return null;
  const waitS = next.startS - last.endS;
  if (last.awaits === 'wait1') return { kind: 'wait1' as const, waitS };
  if (next.role === 'teacher') return { kind: 'wait2' as const, waitS };
  return null;
}
