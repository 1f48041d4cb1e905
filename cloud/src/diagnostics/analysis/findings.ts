import type { WindowV1 } from '@classroom/protocol';
import { isUnavailable, longestRanges, runsOf } from './common.ts';
import { DIP_MARGIN, DIP_MIN_WINDOWS, type EngagementAnalysis } from './engagement.ts';
import type { MetricId, MetricValue } from './metrics.ts';
import { percentileFindings } from './percentile-findings.ts';
import { shortWaits } from './questions.ts';
import type { CohortInput, Finding, Part, TimeRange } from './types.ts';

/**
 * Evidence-backed findings for the teacher's own review. Each names the rule it was judged
 * against (a cited threshold, or a percentile of a cohort of lessons, never a rank among named
 * teachers [PRIV-7]), and points at the moments it is about: no evidence, no finding. An
 * unavailable metric yields none (the report shows the gap instead).
 */
export const TEACHER_TALK_MAX = 0.7;
export const WAIT_3S_MIN_SHARE = 0.5;
export const MONOLOGUE_MAX_S = 600;
export const STUDENT_TURNS_MIN_PER_10_MIN = 4;
/** Evidence for "few student turns": stretches of at least a minute (6 windows) with none. */
const QUIET_RUN_MIN_WINDOWS = 6;
const MAX_EVIDENCE = 3;

export const SOURCES = {
  flanders:
    'Flanders, Analyzing Teaching Behavior (1970): rule of two-thirds, teacher talk is about two-thirds of classroom talk',
  rowe: 'Rowe, "Wait time: slowing down may be a way of speeding up!", Journal of Teacher Education 37(1), 1986',
  bligh:
    "Bligh, What's the Use of Lectures? (2000): attention falls after 10-15 minutes of continuous lecture",
  dips: 'this system: heads-up ratio below the lesson median minus 0.15 for 2 or more windows',
  turns: 'project heuristic, to be calibrated against human-coded lessons',
} as const;

export interface FindingInputs {
  windows: readonly WindowV1[];
  metrics: Partial<Record<MetricId, MetricValue>>;
  engagement: Part<EngagementAnalysis>;
  cohort?: CohortInput | undefined;
}

const pct = (x: number) => Math.round(x * 100);
const oneDecimal = (x: number) => Math.round(x * 10) / 10;

function teacherDominated(w: WindowV1): boolean {
  const r = w.audio?.roles;
  const talk = r ? r.teacherS + r.studentS + r.overlapS : 0;
  return r !== null && r !== undefined && talk > 0 && (r.teacherS + r.overlapS / 2) / talk > TEACHER_TALK_MAX;
}

function teacherTalk(i: FindingInputs): Finding | null {
  const m = i.metrics.teacherShareOfTalk;
  if (!m || m.value <= TEACHER_TALK_MAX) return null;
  const evidence = longestRanges(runsOf(i.windows, teacherDominated), MAX_EVIDENCE);
  return make(
    'teacher-talk-high',
    'teacherShareOfTalk',
    m.value,
    SOURCES.flanders,
    TEACHER_TALK_MAX,
    evidence,
    {
      'zh-CN': `本节课教师讲话约占课堂话语的 ${pct(m.value)}%，高于 ${pct(TEACHER_TALK_MAX)}%。可以在讲解中穿插提问或同伴讨论，让学生多说一些。`,
      en: `Teacher talk was about ${pct(m.value)}% of classroom talk, above ${pct(TEACHER_TALK_MAX)}%. Breaking explanations with questions or pair talk gives students more chances to speak.`,
    },
  );
}

function waitTime(i: FindingInputs): Finding | null {
  const m = i.metrics.waitAtLeast3sShare;
  if (!m || m.value >= WAIT_3S_MIN_SHARE) return null;
  const evidence = longestRanges(
    runsOf(i.windows, (w) => shortWaits(w) > 0),
    MAX_EVIDENCE,
  );
  return make('wait-time-short', 'waitAtLeast3sShare', m.value, SOURCES.rowe, WAIT_3S_MIN_SHARE, evidence, {
    'zh-CN': `提问后等待 3 秒以上的只占 ${pct(m.value)}%。罗威（Rowe, 1986）发现，等待 3 秒以上时，学生的回答更完整，回答的人也更多。`,
    en: `Only ${pct(m.value)}% of your questions were followed by a wait of 3 s or more. Rowe (1986) found that waiting at least 3 s brings fuller answers from more students.`,
  });
}

function monologue(i: FindingInputs): Finding | null {
  const m = i.metrics.longestMonologueS;
  if (!m || m.value <= MONOLOGUE_MAX_S) return null;
  const minutes = oneDecimal(m.value / 60);
  return make('long-monologue', 'longestMonologueS', m.value, SOURCES.bligh, MONOLOGUE_MAX_S, [m.span], {
    'zh-CN': `最长一段连续讲授约 ${minutes} 分钟，超过 10 分钟。可以在中途安排一个提问或简短练习。`,
    en: `The longest stretch of uninterrupted teacher talk was about ${minutes} minutes, over 10 minutes. A question or short task midway can help.`,
  });
}

function studentTurns(i: FindingInputs): Finding | null {
  const m = i.metrics.studentTurnsPer10Min;
  if (!m || m.value >= STUDENT_TURNS_MIN_PER_10_MIN) return null;
  const quiet = runsOf(i.windows, (w) => w.audio?.roles?.studentTurns === 0).filter(
    (run) => run.length >= QUIET_RUN_MIN_WINDOWS,
  );
  const evidence = longestRanges(quiet, MAX_EVIDENCE);
  const v = oneDecimal(m.value);
  return make(
    'few-student-turns',
    'studentTurnsPer10Min',
    m.value,
    SOURCES.turns,
    STUDENT_TURNS_MIN_PER_10_MIN,
    evidence,
    {
      'zh-CN': `学生发言约每 10 分钟 ${v} 次，少于 ${STUDENT_TURNS_MIN_PER_10_MIN} 次。标出的时段里超过一分钟没有学生发言。`,
      en: `Students spoke about ${v} times per 10 minutes, fewer than ${STUDENT_TURNS_MIN_PER_10_MIN}. The marked stretches had no student speech for over a minute.`,
    },
  );
}

function headsUpDips(i: FindingInputs): Finding | null {
  if (isUnavailable(i.engagement) || i.engagement.dips.length === 0) return null;
  const dips = i.engagement.dips;
  // Windows are 10 s long on every current device profile.
  const seconds = DIP_MIN_WINDOWS * 10;
  const evidence = dips.map((d) => ({ startMs: d.startMs, endMs: d.endMs }));
  const f = make('heads-up-dips', 'headsUpDips', dips.length, SOURCES.dips, DIP_MARGIN, evidence, {
    'zh-CN': `学生抬头比例有 ${dips.length} 段明显低于本节课的中位水平（低 ${pct(DIP_MARGIN)} 个百分点以上，持续 ${seconds} 秒以上）。如果当时学生在书写或练习，这是正常的；否则可以回看这些时段。`,
    en: `The share of students looking up fell well below this lesson's median ${dips.length === 1 ? 'once' : `${dips.length} times`} (by more than ${pct(DIP_MARGIN)} points for ${seconds} s or longer). That is expected while students write; otherwise these moments may be worth a look.`,
  });
  // Heads down is often writing or practice, so this is for information, not a suggestion.
  return f && { ...f, severity: 'info' };
}

function make(
  id: string,
  metric: string,
  value: number,
  source: string,
  threshold: number,
  evidence: TimeRange[],
  text: Finding['text'],
): Finding | null {
  if (evidence.length === 0) return null;
  return {
    id,
    severity: 'suggestion',
    metric,
    value,
    judgedAgainst: { kind: 'threshold', source, threshold },
    text,
    evidence,
  };
}

const RULES = [teacherTalk, monologue, studentTurns, waitTime, headsUpDips];

export function buildFindings(i: FindingInputs): Finding[] {
  const threshold = RULES.map((rule) => rule(i)).filter((f): f is Finding => f !== null);
  return i.cohort ? [...threshold, ...percentileFindings(i.metrics, i.cohort)] : threshold;
}
