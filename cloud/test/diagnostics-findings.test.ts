import { describe, expect, it } from 'vitest';
import { ANALYSIS_VERSION, analyseLesson, percentileOf } from '../src/diagnostics/analysis/index.ts';
import { T0, repeat, timeline, type WindowSpec } from './diagnostics-helpers.ts';

/**
 * A 12-minute lesson (72 windows): 65 windows of uninterrupted lecture (the teacher's run reaches
 * 650 s in window 64), then 7 windows of questioning. Heads-up ratio 0.9, except 0.4 in windows
 * 30-32.
 */
function lessonSpecs(): WindowSpec[] {
  const specs: WindowSpec[] = [];
  for (let i = 0; i < 65; i += 1) {
    specs.push({ talk: { teacher: 10, silence: 0, longest: i === 64 ? 650 : 0 } });
  }
  const waits: Record<number, [number, number, number, number, number]> = {
    65: [1, 0, 0, 0, 0],
    66: [0, 1, 0, 0, 0],
    67: [0, 0, 1, 0, 0],
    68: [1, 0, 0, 0, 0],
  };
  for (let i = 65; i < 72; i += 1) {
    const asked = waits[i];
    specs.push({
      talk: {
        teacher: 3,
        student: 4,
        silence: 3,
        tToS: 1,
        sToT: 1,
        studentTurns: i === 66 || i === 69 ? 1 : 0,
      },
      speech: asked ? { teacherQuestions: 1, waitTime1Bins: asked } : {},
    });
  }
  return specs.map((s, i) => ({ ...s, vision: { headsUpRatio: i >= 30 && i <= 32 ? 0.4 : 0.9 } }));
}

const at = (fromS: number, toS: number) => ({ startMs: T0 + fromS * 1000, endMs: T0 + toS * 1000 });

describe('findings', () => {
  const analysis = analyseLesson(timeline(lessonSpecs()), { lessonStartMs: T0 });

  it('reports each threshold rule with its source and evidence time ranges', () => {
    const byId = Object.fromEntries(analysis.findings.map((f) => [f.id, f]));
    expect(analysis.findings.map((f) => f.id)).toEqual([
      'teacher-talk-high',
      'long-monologue',
      'few-student-turns',
      'wait-time-short',
      'heads-up-dips',
    ]);
    // Teacher share of talk = (65 × 10 + 7 × 3) / (650 + 21 + 28) = 671/699 ≈ 0.96 > 0.7.
    // Evidence: the run of windows where the teacher held > 70 % of talk, 0 .. 650 s.
    expect(byId['teacher-talk-high']).toMatchObject({
      severity: 'suggestion',
      metric: 'teacherShareOfTalk',
      value: 0.9599,
      judgedAgainst: { kind: 'threshold', threshold: 0.7 },
      evidence: [at(0, 650)],
    });
    expect(byId['teacher-talk-high']!.text['zh-CN']).toContain('96%');
    expect(byId['teacher-talk-high']!.text.en).toContain('96%');
    // Longest run 650 s ending in window 64 (at 650 s) → 0 .. 650 s.
    expect(byId['long-monologue']).toMatchObject({ value: 650, evidence: [at(0, 650)] });
    expect(byId['long-monologue']!.text.en).toContain('10.8 minutes');
    // 2 student turns in 720 s → 2 × 600/720 ≈ 1.67 per 10 min < 4. Evidence: the longest quiet
    // stretches of ≥ 6 windows: windows 0-65 (0 .. 660 s) only.
    expect(byId['few-student-turns']).toMatchObject({ evidence: [at(0, 660)] });
    expect(byId['few-student-turns']!.value).toBeCloseTo(1.6667, 4);
    // Waits measured: <1 s, 1-3 s, 3-5 s, <1 s → 1 of 4 ≥ 3 s = 0.25 < 0.5 (Rowe 1986).
    // Evidence: windows with a short wait: 65-66 and 68.
    expect(byId['wait-time-short']).toMatchObject({ value: 0.25, evidence: [at(650, 670), at(680, 690)] });
    expect(byId['wait-time-short']!.judgedAgainst).toMatchObject({ source: expect.stringContaining('Rowe') });
    expect(byId['wait-time-short']!.text['zh-CN']).toContain('25%');
    // Heads-up median 0.9, threshold 0.75: windows 30-32 at 0.4 → one dip, 300 .. 330 s.
    expect(byId['heads-up-dips']).toMatchObject({ severity: 'info', value: 1, evidence: [at(300, 330)] });
    for (const f of analysis.findings) expect(f.evidence.length).toBeGreaterThan(0);
  });

  it('gives no finding for unavailable metrics', () => {
    const bare = analyseLesson(timeline(repeat(72, { talk: null })), { lessonStartMs: T0 });
    expect(bare.findings).toEqual([]);
    expect(bare.metrics).toEqual({});
    expect(bare.st).toEqual({ unavailable: 'no-roles' });
    expect(bare.questions).toEqual({ unavailable: 'no-speech', deviceReason: 'disabled' });
    expect(bare.engagement).toEqual({ unavailable: 'no-vision', deviceReason: 'no-source' });
  });

  it('places the lesson in a cohort by percentile, only for cohorts of 10 or more', () => {
    const cohort = {
      name: 'district grade-7 maths',
      distributions: {
        teacherShareOfTalk: [0.99, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9], // unsorted on purpose
        stRt: [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99], // 9 lessons: too few [PRIV-3]
      },
    };
    const r = analyseLesson(timeline(lessonSpecs()), { lessonStartMs: T0, cohort });
    const p = r.findings.filter((f) => f.judgedAgainst.kind === 'percentile');
    // 9 of 10 cohort values are below 0.9599 → 90th percentile.
    expect(p).toEqual([
      {
        id: 'percentile-teacherShareOfTalk',
        severity: 'info',
        metric: 'teacherShareOfTalk',
        value: 0.9599,
        judgedAgainst: { kind: 'percentile', cohort: 'district grade-7 maths', percentile: 90 },
        text: {
          'zh-CN':
            '教师讲话占课堂话语比例为 96%，在对照组（district grade-7 maths，10 节课）中位于第 90 百分位。',
          en: 'The teacher share of classroom talk was 96%, at the 90th percentile of the cohort (district grade-7 maths, 10 lessons).',
        },
        evidence: [at(0, 720)],
      },
    ]);
  });

  it('percentileOf uses mid-ranks', () => {
    expect(percentileOf([1, 2, 3, 4], 3)).toBe(63); // (2 below + 1/2 equal) / 4 = 62.5 %
    expect(percentileOf([1, 2, 3, 4], 0)).toBe(0);
    expect(percentileOf([1, 2, 3, 4], 5)).toBe(100);
  });
});

describe('analyseLesson', () => {
  it('returns every part and the schema version', () => {
    const r = analyseLesson(timeline(lessonSpecs()), { lessonStartMs: T0 });
    expect(r.version).toBe(ANALYSIS_VERSION);
    expect(r.version).toBe('lesson-analysis/2');
    expect(Object.keys(r)).toEqual([
      'version',
      'lessonStartMs',
      'windows',
      'st',
      'flanders',
      'talk',
      'questions',
      'discourse',
      'participation',
      'engagement',
      'movement',
      'phases',
      'metrics',
      'findings',
    ]);
    // S-T: 24 samples; spans 0-21 are teacher-led, 22 (windows 66-68: teacher 9 < student 12) and 23 are S.
    expect(r.st).toMatchObject({ n: 24, nT: 22, runs: 2, mode: 'lecture' });
    expect(r.flanders).toEqual({ unavailable: 'no-transitions' });
  });

  it('is deterministic: same input, deep-equal output, whatever the input order', () => {
    const ws = timeline(lessonSpecs());
    const cohort = { name: 'c', distributions: { stCh: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] } };
    const a = analyseLesson(ws, { lessonStartMs: T0, cohort });
    const b = analyseLesson(structuredClone(ws), { lessonStartMs: T0, cohort });
    const c = analyseLesson([...ws].reverse(), { lessonStartMs: T0, cohort });
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    // Serialises without loss: no NaN, Infinity or undefined hiding in the output.
    expect(JSON.parse(JSON.stringify(a))).toStrictEqual(a);
  });
});
