import { createHash } from 'node:crypto';
import type { LessonV1, WindowV1 } from '@classroom/protocol';

/**
 * The messages of a fault-test lesson as a pure function of seq: seq 0 is the lesson start,
 * 1..windows the windows (index = seq − 1), windows + 1 (or later, when a gap record took that
 * number) the end. The agent child and the checker
 * build the same bytes, so "what the agent produced" needs no log that a SIGKILL could tear.
 */
export interface LessonPlan {
  deviceId: string;
  epoch: number;
  lessonId: string;
  windows: number;
  /** Device-clock start of the lesson, Unix ms. */
  startMs: number;
}

export const SCHOOL = 'fault-school';
export const ROOM = 'r1';

export function lastSeq(plan: LessonPlan): number {
  return plan.windows + 1;
}

export function messageFor(
  plan: LessonPlan,
  seq: number,
): { kind: 'lesson'; message: LessonV1 } | { kind: 'metrics'; message: WindowV1 } {
  const base = { deviceId: plan.deviceId, epoch: plan.epoch, seq, lessonId: plan.lessonId };
  if (seq === 0 || seq >= lastSeq(plan)) {
    const end = seq !== 0;
    return {
      kind: 'lesson',
      message: {
        schema: 'lesson/1',
        ...base,
        startMs: plan.startMs,
        endMs: end ? plan.startMs + plan.windows * 10_000 : plan.startMs,
        event: end ? 'end' : 'start',
        classId: 'c1',
        subject: 'math',
        grade: 5,
        source: 'live',
        windowS: 10,
        windowCount: end ? plan.windows : null,
        endReason: end ? 'complete' : null,
      },
    };
  }
  const index = seq - 1;
  const startMs = plan.startMs + index * 10_000;
  return {
    kind: 'metrics',
    message: {
      schema: 'window/1',
      ...base,
      startMs,
      endMs: startMs + 10_000,
      index,
      durationS: 10,
      coverageS: 10,
      audio: {
        speechS: (index * 7) % 10,
        silenceS: 10 - ((index * 7) % 10),
        levelDbfs: -30 - (index % 20),
        levelDba: null,
        roles: null,
      },
      speech: null,
      vision: null,
      unavailable: { roles: 'not-implemented', speech: 'not-implemented', vision: 'no-source' },
    },
  };
}

/** Count and sha256 over the JSON of each window, in seq order: the agent side of the comparison. */
export function expectedWindows(
  plan: LessonPlan,
  skip: ReadonlySet<number> = new Set(),
): { count: number; sha256: string } {
  const hash = createHash('sha256');
  let count = 0;
  for (let seq = 1; seq <= plan.windows; seq++) {
    if (skip.has(seq)) continue;
    hash.update(JSON.stringify(messageFor(plan, seq).message)).update('\n');
    count += 1;
  }
  return { count, sha256: hash.digest('hex') };
}
