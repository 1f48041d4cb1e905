import type { LessonV2 } from '@classroom/protocol';
import type { LessonContext } from './messages.ts';

function lessonBase(ctx: LessonContext, seq: number) {
  return {
    schema: 'lesson/2' as const,
    deviceId: ctx.deviceId,
    epoch: ctx.epoch,
    seq,
    lessonId: ctx.lessonId,
    classId: ctx.classId,
    subject: ctx.subject,
    grade: ctx.grade,
    // The timetable's pseudonymous staff code, never a name [PRIV-2]; null when the period has none.
    teacherId: ctx.teacherId,
    source: ctx.source,
    windowS: ctx.windowS,
  };
}

/** Sent before the first window, so the cloud knows a lesson is open. */
export function lessonStart(ctx: LessonContext, seq: number): LessonV2 {
  return {
    ...lessonBase(ctx, seq),
    startMs: ctx.startMs,
    endMs: ctx.startMs,
    event: 'start',
    windowCount: null,
    endReason: null,
  };
}

/** Sent after the last window; windowCount lets the cloud tell a complete lesson from a gap. */
export function lessonEnd(
  ctx: LessonContext,
  seq: number,
  end: { durationS: number; windowCount: number; reason: NonNullable<LessonV2['endReason']> },
): LessonV2 {
  return {
    ...lessonBase(ctx, seq),
    startMs: ctx.startMs,
    endMs: ctx.startMs + Math.round(end.durationS * 1000),
    event: 'end',
    windowCount: end.windowCount,
    endReason: end.reason,
  };
}
