import cron, { type ScheduledTask } from 'node-cron';
import { lessonAt, type ScheduledLesson } from './timetable.ts';
import type { Timetable } from './timetable-schema.ts';

export type RecordingMode = 'timetable' | 'manual-on' | 'manual-off';

export interface RecordingHandlers {
  start(lesson: ScheduledLesson | null): void | Promise<void>;
  stop(reason: 'timetable' | 'manual'): void | Promise<void>;
}

export interface SchedulerOptions {
  /** Tick pattern (node-cron, with seconds). Every minute at :00, as periods start on minutes. */
  pattern?: string;
  now?: () => number;
}

/**
 * Starts and stops recording from the school timetable. node-cron ticks every minute in the
 * school's time zone and the (pure) timetable decides, so holidays, make-up days, periods across
 * midnight and an agent started mid-lesson need no special cron entries. Manual start/stop
 * overrides the timetable until `resume()`.
 */
export class RecordingScheduler {
  #task: ScheduledTask | undefined;
  #mode: RecordingMode = 'timetable';
  #current: ScheduledLesson | null = null;
  #recording = false;
  readonly #now: () => number;

  constructor(
    private timetable: Timetable,
    private readonly handlers: RecordingHandlers,
    private readonly options: SchedulerOptions = {},
  ) {
    this.#now = options.now ?? Date.now;
  }

  get state(): { mode: RecordingMode; recording: boolean; lesson: ScheduledLesson | null } {
    return { mode: this.#mode, recording: this.#recording, lesson: this.#current };
  }

  async start(): Promise<void> {
    // Catch up at once: an agent (re)started mid-lesson records the rest of it.
    await this.tick();
    this.#task = cron.schedule(this.options.pattern ?? '0 * * * * *', () => this.tick(), {
      timezone: this.timetable.timezone,
      noOverlap: true,
    });
  }

  async stop(): Promise<void> {
    await this.#task?.destroy();
    this.#task = undefined;
    if (this.#recording) await this.#setRecording(false, null, 'timetable');
  }

  /** A new timetable (pushed config) applies from the next tick, without a restart. */
  async replaceTimetable(timetable: Timetable): Promise<void> {
    const zoneChanged = timetable.timezone !== this.timetable.timezone;
    this.timetable = timetable;
    if (zoneChanged && this.#task) {
      await this.#task.destroy();
      this.#task = undefined;
      await this.start();
    } else {
      await this.tick();
    }
  }

  async manualStart(): Promise<void> {
    this.#mode = 'manual-on';
    await this.tick();
  }

  async manualStop(): Promise<void> {
    this.#mode = 'manual-off';
    await this.tick();
  }

  async resume(): Promise<void> {
    this.#mode = 'timetable';
    await this.tick();
  }

  /** Decides what should be happening now and makes it so. */
  async tick(): Promise<void> {
    const now = this.#now();
    const lesson = lessonAt(this.timetable, now);
    const want = this.#mode === 'manual-on' ? true : this.#mode === 'manual-off' ? false : lesson !== null;
    const reason = this.#mode === 'timetable' ? 'timetable' : 'manual';
    const sameLesson =
      lesson?.startMs === this.#current?.startMs && lesson?.period.id === this.#current?.period.id;
    if (want && this.#recording && this.#mode === 'timetable' && !sameLesson) {
      // Back-to-back periods: close one lesson and open the next.
      await this.#setRecording(false, null, reason);
    }
    if (want !== this.#recording || (want && this.#mode === 'timetable' && !sameLesson)) {
      await this.#setRecording(want, this.#mode === 'manual-on' ? null : lesson, reason);
    }
  }

  async #setRecording(
    on: boolean,
    lesson: ScheduledLesson | null,
    reason: 'timetable' | 'manual',
  ): Promise<void> {
    if (on) {
      this.#recording = true;
      this.#current = lesson;
      await this.handlers.start(lesson);
    } else {
      this.#recording = false;
      this.#current = null;
      await this.handlers.stop(reason);
    }
  }
}
