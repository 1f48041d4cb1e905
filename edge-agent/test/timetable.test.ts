import { describe, expect, it } from 'vitest';
import {
  lessonAt,
  nextLesson,
  parseTimetable,
  periodFacts,
  RecordingScheduler,
  zonedInstant,
  type ScheduledLesson,
  type Timetable,
} from '../src/schedule/index.ts';

const TT: Timetable = {
  version: 1,
  timezone: 'Asia/Shanghai',
  periods: [
    {
      id: 'p1',
      start: '08:00',
      end: '08:40',
      days: [1, 2, 3, 4, 5],
      subject: 'math',
      grade: 7,
      classId: 'c7-2',
      teacherId: 'T0412',
    },
    { id: 'p2', start: '08:40', end: '09:20', days: [1, 2, 3, 4, 5], subject: 'chinese' },
    // Evening self-study that runs past midnight, on Fridays only.
    { id: 'late', start: '23:30', end: '00:20', days: [5] },
  ],
  holidays: [{ from: '2026-10-01', to: '2026-10-07', name: 'national-day' }],
  makeUpDays: [{ date: '2026-10-10', followsWeekday: 5 }],
};

/** Shanghai wall time → instant (UTC+8 all year, no DST). */
const sh = (date: string, hhmm: string) => Date.parse(`${date}T${hhmm}:00+08:00`);

describe('timetable (Asia/Shanghai)', () => {
  it('converts local wall time in the school zone, whatever the machine TZ is', () => {
    expect(zonedInstant('2026-09-07', 8 * 60, 'Asia/Shanghai')).toBe(Date.parse('2026-09-07T00:00:00Z'));
    // A zone with DST: New York 08:00 is 12:00Z in summer and 13:00Z in winter.
    expect(zonedInstant('2026-07-01', 8 * 60, 'America/New_York')).toBe(Date.parse('2026-07-01T12:00:00Z'));
    expect(zonedInstant('2026-12-01', 8 * 60, 'America/New_York')).toBe(Date.parse('2026-12-01T13:00:00Z'));
  });

  it('finds the lesson in progress with half-open bounds', () => {
    // 2026-09-07 is a Monday.
    expect(lessonAt(TT, sh('2026-09-07', '07:59'))).toBeNull();
    expect(lessonAt(TT, sh('2026-09-07', '08:00'))?.period.id).toBe('p1');
    expect(lessonAt(TT, sh('2026-09-07', '08:39'))?.period.id).toBe('p1');
    // The boundary minute belongs to the next period, not both.
    expect(lessonAt(TT, sh('2026-09-07', '08:40'))?.period.id).toBe('p2');
    expect(lessonAt(TT, sh('2026-09-07', '09:20'))).toBeNull();
    expect(lessonAt(TT, sh('2026-09-12', '08:10'))).toBeNull(); // Saturday
  });

  it('keeps a lesson that crosses midnight on its start day', () => {
    const sat = lessonAt(TT, sh('2026-09-12', '00:10')); // Friday's late period, after midnight
    expect(sat?.period.id).toBe('late');
    expect(sat?.date).toBe('2026-09-11');
    expect(sat?.endMs).toBe(sh('2026-09-12', '00:20'));
    expect(lessonAt(TT, sh('2026-09-12', '00:20'))).toBeNull();
  });

  it('skips holidays and follows make-up days (调休)', () => {
    expect(lessonAt(TT, sh('2026-10-05', '08:10'))).toBeNull(); // Monday in the national-day week
    // Saturday 2026-10-10 follows Friday's timetable, including the late period.
    expect(lessonAt(TT, sh('2026-10-10', '08:10'))?.period.id).toBe('p1');
    expect(lessonAt(TT, sh('2026-10-10', '23:45'))?.period.id).toBe('late');
    // After the last lesson before the holiday week, the next one is on the first day back.
    expect(nextLesson(TT, sh('2026-09-30', '10:00'))?.date).toBe('2026-10-08');
  });

  it('rejects a bad timetable naming the file and every field', () => {
    const bad = JSON.stringify({
      ...TT,
      timezone: 'Mars/Olympus',
      periods: [{ ...TT.periods[0], start: '25:00' }],
    });
    expect(() => parseTimetable(bad, 'school.json')).toThrow(/school\.json: \/periods\/0\/start/);
    expect(() => parseTimetable(JSON.stringify({ ...TT, timezone: 'Mars/Olympus' }), 'school.json')).toThrow(
      /school\.json: \/timezone: unknown time zone/,
    );
  });
});

describe('timetable teacher codes', () => {
  it("gives a period's facts, the teacher's staff code included, to the pipeline", () => {
    expect(periodFacts(TT.periods[0]!)).toEqual({
      classId: 'c7-2',
      subject: 'math',
      grade: 7,
      teacherId: 'T0412',
    });
    expect(periodFacts(TT.periods[2]!)).toEqual({
      classId: null,
      subject: null,
      grade: null,
      teacherId: null,
    });
  });

  it('refuses a teacher name where the staff code goes [PRIV-2]', () => {
    const withName = { ...TT, periods: [{ ...TT.periods[0]!, teacherId: 'Wang Li' }] };
    expect(() => parseTimetable(JSON.stringify(withName), 'school.json')).toThrow(
      /school\.json: \/periods\/0\/teacherId/,
    );
  });
});

describe('RecordingScheduler', () => {
  function harness(startAt: number) {
    let now = startAt;
    const events: string[] = [];
    const scheduler = new RecordingScheduler(
      TT,
      {
        start: (l: ScheduledLesson | null) => void events.push(`start:${l?.period.id ?? 'manual'}`),
        stop: (reason) => void events.push(`stop:${reason}`),
      },
      { now: () => now, pattern: '0 0 0 1 1 *' }, // the cron tick is driven by hand here
    );
    return { scheduler, events, set: (ms: number) => (now = ms) };
  }

  it('catches up when started mid-lesson, switches at a boundary and stops after the last period', async () => {
    const h = harness(sh('2026-09-07', '08:15'));
    await h.scheduler.start();
    expect(h.events).toEqual(['start:p1']);
    h.set(sh('2026-09-07', '08:40'));
    await h.scheduler.tick();
    expect(h.events).toEqual(['start:p1', 'stop:timetable', 'start:p2']);
    h.set(sh('2026-09-07', '09:20'));
    await h.scheduler.tick();
    expect(h.events.at(-1)).toBe('stop:timetable');
    expect(h.scheduler.state.recording).toBe(false);
    await h.scheduler.stop();
  });

  it('manual start and stop override the timetable until resumed', async () => {
    const h = harness(sh('2026-09-12', '10:00')); // Saturday: no lesson
    await h.scheduler.start();
    await h.scheduler.manualStart();
    expect(h.scheduler.state).toMatchObject({ mode: 'manual-on', recording: true });
    await h.scheduler.manualStop();
    expect(h.events).toEqual(['start:manual', 'stop:manual']);
    h.set(sh('2026-09-14', '08:05'));
    await h.scheduler.tick();
    expect(h.scheduler.state.recording).toBe(false); // still manually off during a lesson
    await h.scheduler.resume();
    expect(h.events.at(-1)).toBe('start:p1');
    await h.scheduler.stop();
  });

  it('ticks from node-cron in the school time zone', async () => {
    let ticks = 0;
    const scheduler = new RecordingScheduler(
      { ...TT, periods: [] },
      { start: () => undefined, stop: () => undefined },
      { pattern: '* * * * * *', now: () => (ticks++, Date.now()) },
    );
    await scheduler.start();
    await new Promise((r) => setTimeout(r, 2300));
    await scheduler.stop();
    expect(ticks).toBeGreaterThanOrEqual(2); // the catch-up tick plus at least one cron tick
  });
});
