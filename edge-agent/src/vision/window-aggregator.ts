import type { VisionSection } from '@classroom/protocol';
import { clampCount, clampShare } from './adjusted-count.ts';
import type { FrameAnalysis } from './analyze-frame.ts';
import type { VisionSettings } from './settings-schema.ts';
import type { TeacherZone } from './teacher.ts';

interface OpenWindow {
  frames: number;
  studentsSum: number;
  /** Frames with at least minStudents students: only these feed behaviour figures [PRIV-3]. */
  qualified: number;
  handsSum: number;
  handsPeak: number;
  /** Students in the frame of the hands peak, and summed over qualified frames (for the clamps). */
  peakStudents: number;
  qualifiedStudents: number;
  standingPeak: number;
  headsUpSum: number;
  headsUpFrames: number;
  zoneS: Record<TeacherZone, number>;
  teacherSeen: boolean;
  movedM: number;
}

/** Teacher foot-point moves below this share of the frame width are treated as jitter. */
const MOVE_DEADBAND = 0.02;

export type VisionWindowResult =
  { section: VisionSection; reason: null } | { section: null; reason: 'too-few-people' | 'source-gap' };

/**
 * Per-window aggregates of the frame analyses: sums and peaks only, no per-person data [PRIV-2].
 * A window whose frames show fewer than `minStudents` students is suppressed whole [PRIV-3]; each
 * frame is counted for `intervalS` seconds of teacher-zone time.
 */
export class VisionWindows {
  readonly #windowS: number;
  readonly #settings: Pick<VisionSettings, 'minStudents' | 'metresPerFrameWidth'>;
  readonly #frameS: number;
  readonly #open = new Map<number, OpenWindow>();
  #lastTeacher: { x: number; y: number } | null = null;

  constructor(
    windowS: number,
    frameS: number,
    settings: Pick<VisionSettings, 'minStudents' | 'metresPerFrameWidth'>,
  ) {
    this.#windowS = windowS;
    this.#frameS = frameS;
    this.#settings = settings;
  }

  add(ptsS: number, f: FrameAnalysis): void {
    const index = Math.floor(ptsS / this.#windowS);
    let w = this.#open.get(index);
    if (!w) {
      w = {
        frames: 0,
        studentsSum: 0,
        qualified: 0,
        handsSum: 0,
        handsPeak: -Infinity,
        peakStudents: 0,
        qualifiedStudents: 0,
        standingPeak: 0,
        headsUpSum: 0,
        headsUpFrames: 0,
        zoneS: { podium: 0, board: 0, aisle: 0, back: 0 },
        teacherSeen: false,
        movedM: 0,
      };
      this.#open.set(index, w);
    }
    w.frames += 1;
    w.studentsSum += f.students;
    if (f.students >= this.#settings.minStudents) {
      // The estimates where the rules' error rates are known (adjusted-count.ts), else the flags.
      const hands = f.estimates ? f.estimates.handsRaised : f.handsRaised;
      const headsUp = f.estimates ? f.estimates.headsUpRatio : f.headsUpRatio;
      w.qualified += 1;
      w.qualifiedStudents += f.students;
      w.handsSum += hands;
      if (hands > w.handsPeak) {
        w.handsPeak = hands;
        w.peakStudents = f.students;
      }
      w.standingPeak = Math.max(w.standingPeak, f.standing);
      if (headsUp !== null) {
        w.headsUpSum += headsUp;
        w.headsUpFrames += 1;
      }
    }
    if (f.teacher) {
      w.teacherSeen = true;
      w.zoneS[f.teacher.zone] += this.#frameS;
      // Foot point in frame-width units; metres by a flat-floor scale (docs/accuracy.md).
      const p = {
        x: (f.teacher.box.x + f.teacher.box.w / 2) / f.width,
        y: (f.teacher.box.y + f.teacher.box.h) / f.width,
      };
      if (this.#lastTeacher) {
        const d = Math.hypot(p.x - this.#lastTeacher.x, p.y - this.#lastTeacher.y);
        if (d > MOVE_DEADBAND) {
          w.movedM += d * this.#settings.metresPerFrameWidth;
          this.#lastTeacher = p;
        }
      } else this.#lastTeacher = p;
    }
  }

  /** The window's section, forgotten once taken; `durationS` caps the zone seconds. */
  take(index: number, durationS: number): VisionWindowResult {
    const w = this.#open.get(index);
    this.#open.delete(index);
    if (!w || w.frames === 0) return { section: null, reason: 'source-gap' };
    if (w.qualified === 0 || w.studentsSum / w.frames < this.#settings.minStudents)
      return { section: null, reason: 'too-few-people' };
    const cap = (s: number) => round(Math.min(s, durationS), 3);
    return {
      reason: null,
      section: {
        framesAnalysed: w.frames,
        personsVisibleMean: round(w.studentsSum / w.frames, 2),
        // Estimates are averaged unclamped, then brought into range (adjusted-count.ts).
        handsRaisedPeak: Math.round(clampCount(w.handsPeak, w.peakStudents)),
        handsRaisedMean: round(clampCount(w.handsSum / w.qualified, w.qualifiedStudents / w.qualified), 2),
        standingPeak: w.standingPeak,
        headsUpRatio: w.headsUpFrames ? round(clampShare(w.headsUpSum / w.headsUpFrames), 3) : null,
        teacherZoneS: w.teacherSeen
          ? {
              podium: cap(w.zoneS.podium),
              board: cap(w.zoneS.board),
              aisle: cap(w.zoneS.aisle),
              back: cap(w.zoneS.back),
            }
          : null,
        teacherMovedM: w.teacherSeen ? round(w.movedM, 2) : null,
      },
    };
  }
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
