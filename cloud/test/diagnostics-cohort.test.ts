import { describe, expect, it } from 'vitest';
import {
  classTrend,
  cohortInput,
  compareLessons,
  csvField,
  describe as describeValues,
  EXPORT_COLUMNS,
  lessonPercentiles,
  quantile,
  summariseCohort,
  toCsv,
  toJsonExport,
  type LessonMetricsRow,
  type LessonRow,
} from '../src/index.ts';

const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

describe('cohort distributions', () => {
  it('computes quantiles by linear interpolation (hand-computed)', () => {
    // h = (n − 1)q: p10 of 1..10 → h = 0.9 → 1 + 0.9 = 1.9; p25 → h = 2.25 → 3.25; p50 → 5.5
    expect(quantile(ten, 0.1)).toBeCloseTo(1.9, 10);
    expect(quantile(ten, 0.25)).toBeCloseTo(3.25, 10);
    expect(quantile(ten, 0.5)).toBe(5.5);
    expect(quantile(ten, 0.9)).toBeCloseTo(9.1, 10);
    expect(quantile([4], 0.75)).toBe(4);
  });

  it('describes 10 or more lessons and suppresses fewer [PRIV-3]', () => {
    expect(describeValues(ten)).toEqual({
      n: 10,
      mean: 5.5,
      p10: 1.9,
      p25: 3.25,
      p50: 5.5,
      p75: 7.75,
      p90: 9.1,
    });
    expect(describeValues(ten.slice(0, 9))).toEqual({
      suppressed: true,
      reason: 'fewer-than-min-lessons',
      minLessons: 10,
    });
  });

  it('suppresses every figure, the lesson count included, for a cohort under 10 lessons', () => {
    const small = summariseCohort({ lessons: 9, values: { stRt: ten.slice(0, 9) } });
    expect(small.lessons).toMatchObject({ suppressed: true });
    expect(Object.values(small.metrics).every((m) => 'suppressed' in m)).toBe(true);
    const big = summariseCohort({ lessons: 12, values: { stRt: ten, stCh: [0.1, 0.2] } });
    expect(big.lessons).toBe(12);
    expect(big.metrics.stRt).toMatchObject({ n: 10, p50: 5.5 });
    expect(big.metrics.stCh).toMatchObject({ suppressed: true }); // only 2 lessons measured it
    expect(big.metrics.teacherShareOfTalk).toMatchObject({ suppressed: true });
  });

  it('places a lesson at a mid-rank percentile, none against a suppressed metric', () => {
    const p = lessonPercentiles({ stRt: 5, stCh: 0.3 }, { lessons: 10, values: { stRt: ten, stCh: [0.1] } });
    expect(p.stRt).toMatchObject({ value: 5, percentile: 45 }); // 4 below, 1 equal: (4 + 0.5) / 10
    expect(p.stCh).toMatchObject({ value: 0.3, percentile: null, cohort: { suppressed: true } });
    expect(p.teacherShareOfTalk).toMatchObject({ value: null, percentile: null });
  });

  it('gives the analysis only metrics with at least 10 lessons', () => {
    expect(cohortInput('c', { lessons: 9, values: { stRt: ten } })).toBeUndefined();
    expect(cohortInput('c', { lessons: 10, values: { stRt: ten, stCh: [1] } })).toEqual({
      name: 'c',
      distributions: { stRt: ten },
    });
  });
});

const lesson = (id: number): LessonRow => ({
  id,
  deviceId: 'dev-a',
  lessonId: `L${id}`,
  epoch: 1,
  school: 'sch-001',
  room: 'r101',
  classId: 'c7-2',
  subject: 'math',
  grade: 7,
  teacherId: null,
  source: 'file',
  startMs: 1_767_229_200_000 + id,
  endMs: null,
  windowS: 10,
  expectedWindows: 270,
  endReason: 'complete',
  status: 'complete',
  receivedWindows: 270,
  createdMs: 0,
  updatedMs: 0,
});

describe('lesson comparison and class trend', () => {
  it('puts values side by side in the order asked, differences against the first', () => {
    const c = compareLessons([
      { lesson: lesson(2), metrics: { stRt: 0.8, teacherShareOfTalk: 0.75 } },
      { lesson: lesson(1), metrics: { stRt: 0.5 } },
      { lesson: lesson(3), metrics: { stRt: 0.65, teacherShareOfTalk: 0.5 } },
    ]);
    expect(c.lessons.map((l) => l.id)).toEqual([2, 1, 3]);
    const rt = c.metrics.find((m) => m.metric === 'stRt')!;
    expect(rt.values).toEqual([0.8, 0.5, 0.65]);
    expect(rt.differences).toEqual([null, -0.3, -0.15]);
    const share = c.metrics.find((m) => m.metric === 'teacherShareOfTalk')!;
    expect(share.values).toEqual([0.75, null, 0.5]);
    expect(share.differences).toEqual([null, null, -0.25]);
    expect(share.label['zh-CN']).toContain('教师');
  });

  it('gives one series per metric for a class, oldest lesson first, nulls for gaps', () => {
    const rows: LessonMetricsRow[] = [1, 2].map((id) => ({
      ...lesson(id),
      receivedWindows: 270,
      metrics: id === 1 ? { stRt: 0.9 } : { stRt: 0.7, stCh: 0.2 },
    }));
    const t = classTrend('c7-2', rows);
    expect(t.lessons.map((l) => l.id)).toEqual([1, 2]);
    expect(t.series.stRt).toEqual([0.9, 0.7]);
    expect(t.series.stCh).toEqual([null, 0.2]);
    expect(t.note).toMatch(/timetable/);
  });
});

describe('export format', () => {
  it('quotes CSV fields per RFC 4180 and defuses spreadsheet formulas', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(0.25)).toBe('0.25');
    expect(csvField(-1)).toBe('-1');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=1+2')).toBe("'=1+2");
    expect(csvField('@x,y')).toBe('"\'@x,y"');
  });

  it('writes a header, one CRLF-terminated row per lesson, empty cells for missing metrics', () => {
    const row: LessonMetricsRow = {
      ...lesson(5),
      startMs: Date.UTC(2026, 0, 5, 1, 0, 0),
      endMs: Date.UTC(2026, 0, 5, 1, 45, 0),
      receivedWindows: 268,
      metrics: { teacherShareOfTalk: 0.7123, stRt: 0.8 },
    };
    const csv = toCsv([row]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(EXPORT_COLUMNS.join(','));
    expect(lines[0]).toBe(
      'lessonRef,deviceId,lessonId,school,room,classId,subject,grade,startIso,endIso,windowsExpected,windowsReceived,' +
        'teacherShareOfTalk,studentTurnsPer10Min,longestMonologueS,teacherQuestionsPer10Min,waitAtLeast3sShare,stRt,stCh,openQuestionShare,higherOrderQuestionShare',
    );
    expect(lines[1]).toBe(
      '5,dev-a,L5,sch-001,r101,c7-2,math,7,2026-01-05T01:00:00.000Z,2026-01-05T01:45:00.000Z,270,268,0.7123,,,,,0.8,,,',
    );
    expect(lines[2]).toBe('');
    expect(lines).toHaveLength(3);
    const json = toJsonExport([row], false);
    expect(json.lessons[0]).toMatchObject({
      lessonRef: 5,
      stRt: 0.8,
      stCh: null,
      startIso: '2026-01-05T01:00:00.000Z',
    });
  });
});
