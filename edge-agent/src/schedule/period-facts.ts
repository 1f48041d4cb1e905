import type { AnalyzeFileOptions } from '../pipeline/types.ts';
import type { Period } from './timetable-schema.ts';

/** The lesson facts a timetable period gives analyzeFile/analyzeLive (and so lesson/2). */
export type PeriodFacts = Pick<AnalyzeFileOptions, 'classId' | 'subject' | 'grade' | 'teacherId'>;

/** A period's class, subject, grade and teacher staff code [PRIV-2: a code, never a name]; absent → null. */
export function periodFacts(period: Period): Required<PeriodFacts> {
  return {
    classId: period.classId ?? null,
    subject: period.subject ?? null,
    grade: period.grade ?? null,
    teacherId: period.teacherId ?? null,
  };
}
