import type { Period, Timetable } from './timetable-schema.ts';
import { addDays, hhmmToMinutes, localParts, zonedInstant } from './zoned-time.ts';

/** One scheduled lesson: a period on a given local date, as absolute instants. */
export interface ScheduledLesson {
  period: Period;
  date: string;
  startMs: number;
  endMs: number;
}

/** Which weekday's periods apply on a local date: null on holidays and days without school. */
export function effectiveWeekday(tt: Timetable, date: string, isoWeekday: number): number | null {
  if (tt.holidays.some((h) => h.from <= date && date <= h.to)) return null;
  const makeUp = tt.makeUpDays.find((d) => d.date === date);
  return makeUp ? makeUp.followsWeekday : isoWeekday;
}

function lessonsOn(tt: Timetable, date: string): ScheduledLesson[] {
  const noon = zonedInstant(date, 12 * 60, tt.timezone);
  const weekday = effectiveWeekday(tt, date, localParts(noon, tt.timezone).isoWeekday);
  if (weekday === null) return [];
  return tt.periods
    .filter((p) => p.days.includes(weekday))
    .map((period) => {
      const start = hhmmToMinutes(period.start);
      const end = hhmmToMinutes(period.end);
      // An end before the start crosses midnight: the period ends on the next local day.
      const endDate = end <= start ? addDays(date, 1) : date;
      return {
        period,
        date,
        startMs: zonedInstant(date, start, tt.timezone),
        endMs: zonedInstant(endDate, end, tt.timezone),
      };
    })
    .sort((a, b) => a.startMs - b.startMs);
}

/** The lesson in progress at an instant, if any (yesterday's periods may still run past midnight). */
export function lessonAt(tt: Timetable, nowMs: number): ScheduledLesson | null {
  const today = localParts(nowMs, tt.timezone).date;
  for (const date of [addDays(today, -1), today]) {
    const hit = lessonsOn(tt, date).find((l) => l.startMs <= nowMs && nowMs < l.endMs);
    if (hit) return hit;
  }
  return null;
}

/** The next lesson starting after an instant, looking ahead up to `days` local days. */
export function nextLesson(tt: Timetable, nowMs: number, days = 30): ScheduledLesson | null {
  const today = localParts(nowMs, tt.timezone).date;
  for (let i = 0; i <= days; i++) {
    const hit = lessonsOn(tt, addDays(today, i)).find((l) => l.startMs > nowMs);
    if (hit) return hit;
  }
  return null;
}
