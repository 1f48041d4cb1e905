import type { WindowV1 } from '@classroom/protocol';
import { isUnavailable, rangeOf } from './common.ts';
import type { QuestionAnalysis } from './questions.ts';
import type { TalkAnalysis } from './talk.ts';
import type { Part, StAnalysis, TimeRange } from './types.ts';

/**
 * Lesson-level metrics that findings judge and cohorts compare, each with the time span it was
 * measured over (a finding's evidence). An unavailable part yields no metric, so no finding.
 */
export const METRIC_IDS = [
  'teacherShareOfTalk',
  'studentTurnsPer10Min',
  'longestMonologueS',
  'teacherQuestionsPer10Min',
  'waitAtLeast3sShare',
  'stRt',
  'stCh',
  'openQuestionShare',
  'higherOrderQuestionShare',
] as const;
export type MetricId = (typeof METRIC_IDS)[number];

export interface MetricValue {
  value: number;
  span: TimeRange;
}

export interface MetricInputs {
  windows: readonly WindowV1[];
  st: Part<StAnalysis>;
  talk: Part<TalkAnalysis>;
  questions: Part<QuestionAnalysis>;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const num = (x: number) => `${Math.round(x * 10) / 10}`;
const min = (s: number) => `${Math.round(s / 60)}`;

/** How each metric is named and printed in findings. */
export const METRIC_LABELS: Record<MetricId, { zh: string; en: string; show: (v: number) => string }> = {
  teacherShareOfTalk: { zh: '教师讲话占课堂话语比例', en: 'teacher share of classroom talk', show: pct },
  studentTurnsPer10Min: { zh: '每 10 分钟学生发言次数', en: 'student turns per 10 minutes', show: num },
  longestMonologueS: { zh: '最长连续讲授（分钟）', en: 'longest teacher monologue (minutes)', show: min },
  teacherQuestionsPer10Min: { zh: '每 10 分钟教师提问数', en: 'teacher questions per 10 minutes', show: num },
  waitAtLeast3sShare: {
    zh: '提问后等待 3 秒以上的比例',
    en: 'share of questions with a wait of 3 s or more',
    show: pct,
  },
  stRt: { zh: 'S-T 分析教师行为占有率 Rt', en: 'S-T teacher-behaviour share Rt', show: (v) => v.toFixed(2) },
  stCh: { zh: 'S-T 分析师生行为转换率 Ch', en: 'S-T conversion ratio Ch', show: (v) => v.toFixed(2) },
  openQuestionShare: { zh: '开放性提问占比', en: 'share of open questions', show: pct },
  higherOrderQuestionShare: { zh: '高阶思维提问占比', en: 'share of higher-order questions', show: pct },
};

function spanOf(windows: readonly WindowV1[], keep: (w: WindowV1) => boolean): TimeRange | null {
  const ws = windows.filter(keep);
  return ws.length > 0 ? rangeOf(ws) : null;
}

export function lessonMetrics(p: MetricInputs): Partial<Record<MetricId, MetricValue>> {
  const out: Partial<Record<MetricId, MetricValue>> = {};
  const put = (id: MetricId, value: number | null | undefined, span: TimeRange | null) => {
    if (value !== null && value !== undefined && span !== null) out[id] = { value, span };
  };
  const roleSpan = spanOf(p.windows, (w) => Boolean(w.audio?.roles));
  if (!isUnavailable(p.talk) && p.talk.roles) {
    const r = p.talk.roles;
    put('teacherShareOfTalk', r.teacherShareOfTalk, roleSpan);
    put('studentTurnsPer10Min', r.turns.studentTurnsPer10Min, roleSpan);
    put('longestMonologueS', r.longestMonologue?.seconds, r.longestMonologue?.evidence ?? null);
  }
  if (!isUnavailable(p.questions)) {
    const speechSpan = spanOf(p.windows, (w) => Boolean(w.speech));
    put('teacherQuestionsPer10Min', p.questions.per10Min.teacher, speechSpan);
    put('waitAtLeast3sShare', p.questions.waitAtLeast3sShare, speechSpan);
    put('openQuestionShare', p.questions.typeShares.open, speechSpan);
    put('higherOrderQuestionShare', p.questions.typeShares.higherOrder, speechSpan);
  }
  if (!isUnavailable(p.st)) {
    put('stRt', p.st.rt, roleSpan);
    put('stCh', p.st.ch, roleSpan);
  }
  return out;
}
