import type { WindowStats } from '../metrics/windower.ts';
import type { LiveRoleStage } from './live-roles.ts';
import type { RoleSegment } from './role-types.ts';

/**
 * Closed live windows held until their single-microphone roles are decided.
 *
 * Why a fixed hold rather than "roles unavailable until the first clustering": the teacher is the
 * dominant voice, which a few seconds of audio cannot show, but a minute can; holding every window
 * holdS after its end gives each decision at least that much of the lesson after the window, keeps
 * every window's roles filled in (no warm-up windows without roles in the reports), and bounds the
 * lag at holdS (the VAD's own lag, at most maxSpeechMs, is under it). The hold counts on the audio
 * clock or the wall clock, whichever is further on, so an outage does not stall the windows.
 */
export class LiveRoleHold {
  readonly #stage: LiveRoleStage;
  readonly #held: WindowStats[] = [];

  constructor(stage: LiveRoleStage) {
    this.#stage = stage;
  }

  push(closed: WindowStats[]): void {
    this.#held.push(...closed);
  }

  /** Windows whose hold is over at clockS (s from the lesson start), and the roles they need. */
  due(clockS: number): { windows: WindowStats[]; roles: RoleSegment[] } {
    const windows: WindowStats[] = [];
    if (clockS < this.#stage.firstDecisionS) return { windows, roles: [] };
    while (this.#held[0] && end(this.#held[0]) + this.#stage.holdS <= clockS)
      windows.push(this.#held.shift()!);
    const last = windows.at(-1);
    return { windows, roles: last ? this.#stage.decide(end(last), clockS) : [] };
  }

  /** Lesson end: every held window, decided with clusters of the whole lesson; then forgets all. */
  finish(clockS: number): { windows: WindowStats[]; roles: RoleSegment[] } {
    const windows = this.#held.splice(0);
    const roles = this.#stage.finish(clockS);
    this.#stage.clear();
    return { windows, roles };
  }
}

function end(w: WindowStats): number {
  return w.startS + w.durationS;
}
