import type { AudioRoles, LessonV1, UnavailableReason, WindowV1 } from '@classroom/protocol';
import type { WindowStats } from './windower.ts';

/** What every message of one lesson shares: the idempotency key's parts and the lesson's facts. */
export interface LessonContext {
  deviceId: string;
  epoch: number;
  lessonId: string;
  /** Lesson start, Unix ms; window k starts at startMs + k·windowS. */
  startMs: number;
  windowS: number;
  classId: string | null;
  subject: LessonV1['subject'];
  grade: number | null;
  /** Pseudonymous staff code from the timetable (lesson/2), never a name [PRIV-2]. */
  teacherId: string | null;
  source: LessonV1['source'];
  hasVideo: boolean;
}

/**
 * A window/1 message with numbers only [PRIV-2]. A section without figures (roles when not
 * attributed; speech and vision until their stages land) is null with a reason, so a report shows
 * "unavailable", not zero.
 */
export function windowMessage(
  ctx: LessonContext,
  stats: WindowStats,
  seq: number,
  roles: AudioRoles | UnavailableReason = 'not-implemented',
): WindowV1 {
  const startMs = ctx.startMs + Math.round(stats.startS * 1000);
  return {
    schema: 'window/1',
    deviceId: ctx.deviceId,
    epoch: ctx.epoch,
    seq,
    startMs,
    endMs: startMs + Math.round(stats.durationS * 1000),
    lessonId: ctx.lessonId,
    index: stats.index,
    durationS: stats.durationS,
    coverageS: stats.coverageS,
    audio: {
      speechS: stats.speechS,
      silenceS: stats.silenceS,
      levelDbfs: stats.levelDbfs,
      levelDba: stats.levelDba,
      roles: typeof roles === 'string' ? null : roles,
    },
    speech: null,
    vision: null,
    unavailable: {
      ...(typeof roles === 'string' ? { roles } : {}),
      speech: 'not-implemented',
      vision: ctx.hasVideo ? 'not-implemented' : 'no-source',
    },
  };
}
