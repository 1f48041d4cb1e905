import { IDENTIFIER_PATTERN, SUBJECTS } from '@classroom/protocol';
import type { CohortScope } from '../diagnostics/cohort.ts';
import type { CohortFilter } from '../store/types.ts';
import { ApiError } from './http-errors.ts';

/**
 * Query-parameter validation for the diagnostics routes. Each value must be a single string of
 * the expected shape (a repeated parameter is an array and is refused); unknown parameters are
 * refused too, so a typo never silently widens a query. Failures are 400 E_BAD_QUERY.
 */
type Query = Record<string, unknown>;

const IDENT = new RegExp(IDENTIFIER_PATTERN);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

function bad(message: string): never {
  throw new ApiError(400, 'E_BAD_QUERY', message);
}

export function onlyKnown(query: Query, allowed: readonly string[]): void {
  for (const key of Object.keys(query)) {
    if (!allowed.includes(key)) bad(`unknown query parameter ${JSON.stringify(key.slice(0, 40))}`);
  }
}

function single(query: Query, name: string): string | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') bad(`${name} must be given once`);
  return raw;
}

export function identifierParam(query: Query, name: string): string | undefined {
  const v = single(query, name);
  if (v !== undefined && !IDENT.test(v)) bad(`${name} must be an identifier (letters, digits, _ . -)`);
  return v;
}

/**
 * A date bound: YYYY-MM-DD (UTC; a `to` date includes that whole day) or an ISO 8601 time with
 * a zone (Z or ±hh:mm). Returns Unix ms.
 */
export function dateParam(query: Query, name: 'from' | 'to'): number | undefined {
  const v = single(query, name);
  if (v === undefined) return undefined;
  if (!DATE.test(v) && !DATETIME.test(v)) bad(`${name} must be YYYY-MM-DD or an ISO 8601 time with a zone`);
  const ms = Date.parse(DATE.test(v) ? `${v}T00:00:00Z` : v);
  if (!Number.isFinite(ms) || ms < 0) bad(`${name} is not a valid date`);
  if (DATE.test(v) && new Date(ms).toISOString().slice(0, 10) !== v) bad(`${name} is not a valid date`);
  return DATE.test(v) && name === 'to' ? ms + DAY_MS : ms;
}

export const FILTER_PARAMS = ['school', 'subject', 'grade', 'from', 'to'] as const;

/** school, subject, grade, from, to → a store filter. */
export function cohortFilterParams(query: Query): CohortFilter {
  const school = identifierParam(query, 'school');
  const subject = single(query, 'subject');
  if (subject !== undefined && !(SUBJECTS as readonly string[]).includes(subject)) {
    bad(`subject must be one of ${SUBJECTS.join(', ')}`);
  }
  const gradeRaw = single(query, 'grade');
  if (gradeRaw !== undefined && !/^(?:[1-9]|1[0-2])$/.test(gradeRaw))
    bad('grade must be an integer from 1 to 12');
  const fromMs = dateParam(query, 'from');
  const toMs = dateParam(query, 'to');
  if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs) bad('from must be before to');
  return {
    ...(school !== undefined ? { school } : {}),
    ...(subject !== undefined ? { subject } : {}),
    ...(gradeRaw !== undefined ? { grade: Number(gradeRaw) } : {}),
    ...(fromMs !== undefined ? { fromMs } : {}),
    ...(toMs !== undefined ? { toMs } : {}),
  };
}

export function scopeParam(query: Query, fallback: CohortScope | undefined): CohortScope | undefined {
  const v = single(query, 'cohort');
  if (v === undefined) return fallback;
  if (v !== 'school' && v !== 'district') bad('cohort must be school or district');
  return v;
}

/** `lessons=1,2[,...]`: 2 to 10 distinct positive integer ids, in the order given. */
export function lessonListParam(query: Query): number[] {
  const v = single(query, 'lessons');
  if (v === undefined || !/^[1-9][0-9]{0,15}(,[1-9][0-9]{0,15}){1,9}$/.test(v)) {
    bad('lessons must be 2 to 10 lesson ids separated by commas');
  }
  const ids = v.split(',').map(Number);
  if (!ids.every(Number.isSafeInteger)) bad('lesson ids must be positive integers');
  if (new Set(ids).size !== ids.length) bad('lesson ids must be distinct');
  return ids;
}
