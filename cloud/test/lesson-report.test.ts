import { describe, expect, it } from 'vitest';
import type { WindowV1 } from '@classroom/protocol';
import { buildLessonReport, REPORT_SCHEMA, type LessonRow, type WindowRow } from '../src/index.ts';
import { T0, timeline } from './diagnostics-helpers.ts';
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
  teacherId: null,
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

function rowOf(m: WindowV1): WindowRow {
  return {
    deviceId: m.deviceId,
    epoch: m.epoch,
    seq: m.seq,
    lessonRef: 1,
    index: m.index,
    startMs: m.startMs,
    endMs: m.endMs,
    durationS: m.durationS,
    coverageS: m.coverageS,
    speechS: m.audio?.speechS ?? null,
    silenceS: m.audio?.silenceS ?? null,
    levelDbfs: m.audio?.levelDbfs ?? null,
    receivedMs: 0,
    message: m,
  };
}

/** 12 windows (2 min): teacher lecture, a question with a short wait, student answers, heads-up dip. */
function fullLesson(): WindowRow[] {
  const specs = Array.from({ length: 12 }, (_, i) => ({
    talk:
      i < 6
        ? { teacher: 9, silence: 1, longest: 9 }
        : {
            teacher: 3,
            student: 6,
            silence: 1,
            tToS: 1,
            sToT: 1,
            studentTurns: 1,
            turnBins: [0, 1, 0, 0] as [number, number, number, number],
          },
    speech: {
      teacherQuestions: i === 5 ? 1 : 0,
      questionTypes: { open: i === 5 ? 1 : 0, closed: 0, recall: 0, higherOrder: 0 },
      waitTime1Bins: (i === 5 ? [0, 1, 0, 0, 0] : [0, 0, 0, 0, 0]) as number[],
    },
    vision: { headsUpRatio: i >= 8 && i <= 9 ? 0.4 : 0.85, handsRaisedPeak: i === 6 ? 12 : 0 },
  }));
  return timeline(specs).map(rowOf);
}

describe('lesson-report/3', () => {
  const full = { ...lesson, startMs: T0, status: 'complete' as const, expectedWindows: 12 };

  it('carries the analysis next to the v1 parts', () => {
    const r = buildLessonReport(full, fullLesson());
    expect(r.reportSchema).toBe(REPORT_SCHEMA);
    expect(REPORT_SCHEMA).toBe('lesson-report/3');
    expect(r.windows).toEqual({ expected: 12, received: 12, missing: [] });
    expect(r.analysis.version).toBe('lesson-analysis/2');
    expect(r.analysis.windows).toBe(12);
    // S-T at 30 s: samples at 0, 30, 60, 90 s; the first two spans are teacher-only, the rest student-led.
    expect(r.analysis.st).toMatchObject({ n: 4, nT: 2, rt: 0.5, runs: 2 });
    expect(r.analysis.metrics.teacherQuestionsPer10Min?.value).toBe(5); // 1 question in 120 s
    expect(r.analysis.metrics.waitAtLeast3sShare?.value).toBe(0);
    // teacher 6×9 + 6×3 = 72 s of 6×9 + 6×9 = 108 s of talk
    expect(r.analysis.metrics.teacherShareOfTalk?.value).toBeCloseTo(72 / 108, 4);
    expect(r.cohort).toBeNull();
    for (const f of r.analysis.findings) {
      expect(f.evidence.length).toBeGreaterThan(0);
      expect(f.text['zh-CN'].length).toBeGreaterThan(0);
      expect(f.text.en.length).toBeGreaterThan(0);
    }
  });

  it('is byte-identical whatever order the stored windows arrive in', () => {
    const rows = fullLesson();
    const expected = JSON.stringify(buildLessonReport(full, rows));
    let seed = 7;
    for (let k = 0; k < 20; k += 1) {
      const shuffled = [...rows];
      for (let i = shuffled.length - 1; i > 0; i -= 1) {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        const j = seed % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      expect(JSON.stringify(buildLessonReport(full, shuffled))).toBe(expected);
    }
  });

  it('adds percentile findings when a cohort of at least 10 lessons is given', () => {
    const values = Array.from({ length: 20 }, (_, i) => i / 20);
    const r = buildLessonReport(full, fullLesson(), {
      cohort: { name: 'district, math grade 7', distributions: { teacherShareOfTalk: values } },
    });
    expect(r.cohort).toEqual({ name: 'district, math grade 7', lessons: 20 });
    const p = r.analysis.findings.find((f) => f.id === 'percentile-teacherShareOfTalk');
    // 0.6667 is above 14 of the 20 values (0 .. 0.65): the 70th percentile.
    expect(p?.judgedAgainst).toEqual({
      kind: 'percentile',
      cohort: 'district, math grade 7',
      percentile: 70,
    });
  });
});
