export { Timetable, Period } from './timetable-schema.ts';
export { lessonAt, nextLesson, effectiveWeekday, type ScheduledLesson } from './timetable.ts';
export { RecordingScheduler, type RecordingHandlers, type RecordingMode } from './scheduler.ts';
export { loadTimetable, parseTimetable } from './load-timetable.ts';
export { localParts, zonedInstant } from './zoned-time.ts';
export { periodFacts, type PeriodFacts } from './period-facts.ts';
