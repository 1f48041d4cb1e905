import type { LessonMetricsRow, LessonRow } from '../store/types.ts';
import { METRIC_IDS, METRIC_LABELS, type MetricId } from './analysis/metrics.ts';

/**
 * Lesson against lesson, and a class's lessons over time. Values side by side in the order the
 * caller gave (the first lesson is the baseline of the differences), never sorted by value:
 * comparisons are for the teacher's and researcher's judgement, not a ranking [PRIV-7].
 */
export const COMPARE_SCHEMA = 'lesson-compare/1';
export const TREND_SCHEMA = 'class-trend/1';

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

export interface ComparedLesson {
  id: number;
  school: string;
  room: string;
  classId: string | null;
  subject: string | null;
  grade: number | null;
  startMs: number | null;
  status: string;
}

export interface MetricComparison {
  metric: MetricId;
  label: { 'zh-CN': string; en: string };
  /** One per lesson, in the order asked; null where that lesson could not measure it. */
  values: (number | null)[];
  /** values[i] − values[0]; null for the baseline and wherever either value is missing. */
  differences: (number | null)[];
}

export interface LessonComparison {
  schema: typeof COMPARE_SCHEMA;
  lessons: ComparedLesson[];
  metrics: MetricComparison[];
}

export function compareLessons(
  items: readonly { lesson: LessonRow; metrics: Readonly<Record<string, number>> }[],
): LessonComparison {
  return {
    schema: COMPARE_SCHEMA,
    lessons: items.map(({ lesson: l }) => ({
      id: l.id,
      school: l.school,
      room: l.room,
      classId: l.classId,
      subject: l.subject,
      grade: l.grade,
      startMs: l.startMs,
      status: l.status,
    })),
    metrics: METRIC_IDS.map((metric) => {
      const values = items.map((i) => i.metrics[metric] ?? null);
      const base = values[0] ?? null;
      return {
        metric,
        label: { 'zh-CN': METRIC_LABELS[metric].zh, en: METRIC_LABELS[metric].en },
        values,
        differences: values.map((v, i) => (i === 0 || v === null || base === null ? null : round4(v - base))),
      };
    }),
  };
}

export const TEACHER_TREND_SCHEMA = 'teacher-trend/1';

/** One lesson of a trend and its metric values, oldest first; shared by class and teacher trends. */
export interface TrendBody {
  /** The lessons in time order (start, then id), never ordered by a value [PRIV-7]. */
  lessons: { id: number; startMs: number | null; subject: string | null; grade: number | null }[];
  /** Per metric, one value per lesson above (null where not measured), oldest first. */
  series: Record<MetricId, (number | null)[]>;
}

export interface ClassTrend extends TrendBody {
  schema: typeof TREND_SCHEMA;
  classId: string;
  /** A class (classId) is the group followed here; a teacher's own lessons: the teacher trend. */
  note: string;
}

/**
 * One teacher's lessons over time, by the timetable's pseudonymous staff code (lesson/2). Only
 * that teacher's own values: no other teacher's figures, no rank or percentile among teachers [PRIV-7].
 */
export interface TeacherTrend extends TrendBody {
  schema: typeof TEACHER_TREND_SCHEMA;
  teacherId: string;
  note: string;
}

function trendBody(rows: readonly LessonMetricsRow[]): TrendBody {
  return {
    lessons: rows.map((r) => ({ id: r.id, startMs: r.startMs, subject: r.subject, grade: r.grade })),
    series: Object.fromEntries(
      METRIC_IDS.map((id) => [id, rows.map((r) => r.metrics[id] ?? null)]),
    ) as Record<MetricId, (number | null)[]>,
  };
}

export function classTrend(classId: string, rows: readonly LessonMetricsRow[]): ClassTrend {
  return {
    schema: TREND_SCHEMA,
    classId,
    note: "Grouped by class (the timetable's classId); a teacher's own lessons: /api/teachers/{teacherId}/trend.",
    ...trendBody(rows),
  };
}

export function teacherTrend(teacherId: string, rows: readonly LessonMetricsRow[]): TeacherTrend {
  return {
    schema: TEACHER_TREND_SCHEMA,
    teacherId,
    note: "This teacher's own lessons by the timetable's staff code, oldest first; not ranked against other teachers.",
    ...trendBody(rows),
  };
}
