import type { LessonMetricsRow } from '../store/types.ts';
import { METRIC_IDS } from './analysis/metrics.ts';
import { ANALYSIS_VERSION } from './analysis/index.ts';

/**
 * Per-lesson metrics for researchers' own statistics, as CSV (RFC 4180) or JSON. Columns are
 * identifiers, times and numbers only, no free text [PRIV-1]; rows are in start-time order, never
 * sorted by a metric [PRIV-7]. A missing metric is an empty cell / null, never 0.
 */
export const EXPORT_SCHEMA = 'lesson-metrics-export/1';

export const EXPORT_COLUMNS = [
  'lessonRef',
  'deviceId',
  'lessonId',
  'school',
  'room',
  'classId',
  'subject',
  'grade',
  'startIso',
  'endIso',
  'windowsExpected',
  'windowsReceived',
  ...METRIC_IDS,
] as const;

type Cell = string | number | null;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function exportRow(r: LessonMetricsRow): Cell[] {
  return [
    r.id,
    r.deviceId,
    r.lessonId,
    r.school,
    r.room,
    r.classId,
    r.subject,
    r.grade,
    iso(r.startMs),
    iso(r.endMs),
    r.expectedWindows,
    r.receivedWindows,
    ...METRIC_IDS.map((id) => r.metrics[id] ?? null),
  ];
}

/**
 * One CSV field: quoted when it holds a comma, quote or line break (quotes doubled); a text field
 * starting with = + - @ or a tab is prefixed with ' so a spreadsheet does not run it as a formula.
 */
export function csvField(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: readonly LessonMetricsRow[]): string {
  const lines = [EXPORT_COLUMNS.join(','), ...rows.map((r) => exportRow(r).map(csvField).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

export function toJsonExport(rows: readonly LessonMetricsRow[], suppressed: boolean) {
  return {
    schema: EXPORT_SCHEMA,
    analysisVersion: ANALYSIS_VERSION,
    columns: EXPORT_COLUMNS,
    suppressed,
    lessons: rows.map((r) => {
      const cells = exportRow(r);
      return Object.fromEntries(EXPORT_COLUMNS.map((c, i) => [c, cells[i] ?? null]));
    }),
  };
}
