import type { WindowV1 } from '@classroom/protocol';
import { analyseDiscourse, type DiscourseAnalysis } from './discourse.ts';
import { analyseEngagement, type EngagementAnalysis } from './engagement.ts';
import { buildFindings } from './findings.ts';
import { analyseFlanders, type FlandersAnalysis } from './flanders.ts';
import { lessonMetrics, type MetricId, type MetricValue } from './metrics.ts';
import { analyseParticipation, type ParticipationAnalysis } from './participation.ts';
import { analysePhases, type PhaseAnalysis } from './phases.ts';
import { analyseQuestions, type QuestionAnalysis } from './questions.ts';
import { analyseSt, ST_INTERVAL_S } from './st-analysis.ts';
import { analyseTalk, type TalkAnalysis } from './talk.ts';
import { analyseMovement, type MovementAnalysis } from './teacher-movement.ts';
import { ANALYSIS_VERSION, type AnalyseOptions, type Finding, type Part, type StAnalysis } from './types.ts';

/**
 * The lesson-analysis section of a report: pure and deterministic (no clock, no I/O, no
 * randomness), so the same windows and options always give deep-equal output.
 */
export interface LessonAnalysis {
  version: typeof ANALYSIS_VERSION;
  lessonStartMs: number;
  windows: number;
  st: Part<StAnalysis>;
  flanders: Part<FlandersAnalysis>;
  talk: Part<TalkAnalysis>;
  questions: Part<QuestionAnalysis>;
  /** Teacher utterances by instruction type (Chinese) and talk move (English). */
  discourse: Part<DiscourseAnalysis>;
  participation: Part<ParticipationAnalysis>;
  engagement: Part<EngagementAnalysis>;
  movement: Part<MovementAnalysis>;
  phases: Part<PhaseAnalysis>;
  metrics: Partial<Record<MetricId, MetricValue>>;
  findings: Finding[];
}

export function analyseLesson(input: readonly WindowV1[], options: AnalyseOptions): LessonAnalysis {
  // A sorted copy: callers pass windows in order, but the result must not depend on it.
  const windows = [...input].sort((a, b) => a.startMs - b.startMs || a.index - b.index);
  const st = analyseSt(windows, options.lessonStartMs, options.stIntervalS ?? ST_INTERVAL_S);
  const talk = analyseTalk(windows);
  const questions = analyseQuestions(windows);
  const engagement = analyseEngagement(windows);
  const metrics = lessonMetrics({ windows, st, talk, questions });
  return {
    version: ANALYSIS_VERSION,
    lessonStartMs: options.lessonStartMs,
    windows: windows.length,
    st,
    flanders: analyseFlanders(windows),
    talk,
    questions,
    discourse: analyseDiscourse(windows),
    participation: analyseParticipation(windows),
    engagement,
    movement: analyseMovement(windows),
    phases: analysePhases(windows),
    metrics,
    findings: buildFindings({ windows, metrics, engagement, cohort: options.cohort }),
  };
}

export { ANALYSIS_VERSION } from './types.ts';
export type * from './types.ts';
export { stFromCodes, stMode } from './st-analysis.ts';
export { FLANDERS_CATEGORIES } from './flanders.ts';
export { percentileOf } from './percentile-findings.ts';
export type { CategoryTally, DiscourseAnalysis } from './discourse.ts';
