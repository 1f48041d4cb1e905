import { describe, expect, it } from 'vitest';
import { buildLessonReport, type LessonRow, type WindowRow } from '../src/index.ts';
import { windowMsg } from './helpers.ts';

const lesson: LessonRow = {
  id: 1,
  deviceId: 'dev-a',
  lessonId: 'L1',
  epoch: 1,
  school: 's',
  room: 'r',
  classId: null,
  subject: 'math',
  grade: 7,
  source: 'file',
  startMs: null,
  endMs: null,
  windowS: null,
  expectedWindows: null,
  endReason: null,
  status: 'open',
  receivedWindows: 0,
  createdMs: 0,
  updatedMs: 0,
};

function row(index: number, seq: number, speechS: number | null = 0.1): WindowRow {
  const m = windowMsg(index, { seq });
  return {
    deviceId: 'dev-a',
    epoch: m.epoch,
    seq,
    lessonRef: 1,
    index,
    startMs: m.startMs,
    endMs: m.endMs,
    durationS: 10,
    coverageS: 10,
    speechS,
    silenceS: speechS === null ? null : 10 - speechS,
    levelDbfs: null,
    receivedMs: 0,
    message: m,
  };
}

describe('buildLessonReport', () => {
  it('is deterministic whatever order the windows come in, and rounds sums', () => {
    const rows = [row(2, 3), row(0, 1), row(1, 2), row(1, 9, 5)];
    const a = buildLessonReport(lesson, rows);
    const b = buildLessonReport(lesson, [...rows].reverse());
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.totals).toEqual({
      durationS: 30,
      coverageS: 30,
      speechS: 0.3,
      silenceS: 29.7,
      speechRatio: 0.01,
    });
    expect(a.timeline.map((w) => [w.index, w.speechS])).toEqual([
      [0, 0.1],
      [1, 0.1], // the first seq for index 1 wins over the later duplicate index
      [2, 0.1],
    ]);
  });

  it('lists gaps as missing while open, and up to the expected count once complete', () => {
    const open = buildLessonReport(lesson, [row(0, 1), row(3, 4)]);
    expect(open.windows).toEqual({ expected: null, received: 2, missing: [1, 2] });
    expect(open.lesson.startMs).toBe(row(0, 1).startMs); // from the first window until the start arrives
    const done = buildLessonReport({ ...lesson, status: 'complete', expectedWindows: 6 }, [
      row(0, 1),
      row(3, 4),
    ]);
    expect(done.windows).toEqual({ expected: 6, received: 2, missing: [1, 2, 4, 5] });
  });

  it('gives a null speech ratio when no audio was analysed, never a zero', () => {
    const r = buildLessonReport(lesson, [row(0, 1, null)]);
    expect(r.totals.speechRatio).toBeNull();
    expect(r.timeline[0]).toMatchObject({ speechS: null, silenceS: null });
    expect(buildLessonReport(lesson, []).windows).toEqual({ expected: null, received: 0, missing: [] });
  });
});
