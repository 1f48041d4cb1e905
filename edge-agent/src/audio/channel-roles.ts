import type { RoleSegment, SpeakerRole } from './role-types.ts';

export interface ChannelRoleSettings {
  /** Index of the teacher's close-talk (lapel or wireless) channel; every other channel is a room mic. */
  teacherChannel: number;
  /** Onset VAD probability per channel. */
  threshold: number;
  /** A channel stays active until its probability stays below this for `hangoverFrames`. */
  negThreshold: number;
  hangoverFrames: number;
  /**
   * Teacher-minus-room level (dB) at or above which the room channel holds only the teacher's bleed:
   * a lapel mic hears its wearer 15-30 dB above a room mic does.
   */
  teacherMarginDb: number;
  /** Room-minus-teacher level (dB) at or above which the lapel holds only the students' bleed. */
  studentMarginDb: number;
  /** Frames averaged for the level comparison (3 × 96 ms spans a syllable). */
  levelFrames: number;
  /** Majority vote over this many frames (odd); labels are decided (frames - 1) / 2 frames late. */
  smoothFrames: number;
}

/** Chosen on the synthetic 2-channel layout in test/teacher-channel.test.ts (see docs/accuracy.md). */
export const DEFAULT_CHANNEL_ROLE_SETTINGS: Omit<ChannelRoleSettings, 'teacherChannel'> = {
  threshold: 0.5,
  negThreshold: 0.35,
  hangoverFrames: 3,
  teacherMarginDb: 10,
  studentMarginDb: 10,
  levelFrames: 3,
  smoothFrames: 5,
};

const LABELS: (SpeakerRole | null)[] = [null, 'teacher', 'student', 'overlap'];
const FLOOR = 1e-10;

/**
 * Teacher / student / overlap from a teacher channel beside room microphone(s), one decision per
 * VAD frame, streaming. Each channel has its own VAD (own Silero state); the room side of a frame
 * is its loudest non-teacher channel. A frame is:
 * - teacher: the teacher channel is active and at least teacherMarginDb above the room (the room
 *   then hears only bleed of the close-talk voice);
 * - student: the room is active and at least studentMarginDb above the teacher channel;
 * - overlap: both active with levels within those margins (each carries its own voice);
 * - otherwise the one active side, or silence.
 * Nothing here identifies anyone: the role comes from which microphone is close [PRIV-5].
 */
export class ChannelRoleTracker {
  readonly #s: ChannelRoleSettings;
  readonly #rate: number;
  readonly #active: boolean[];
  readonly #quiet: number[];
  readonly #power: number[][];
  /** Labels of frames not yet decided (the smoothing window's future half), with their sample spans. */
  #raw: { label: number; start: number; end: number }[] = [];
  #pos = 0;
  #decided = 0;

  constructor(
    channels: number,
    settings: Partial<ChannelRoleSettings> & { teacherChannel: number },
    sampleRate = 16_000,
  ) {
    this.#s = { ...DEFAULT_CHANNEL_ROLE_SETTINGS, ...settings };
    if (!(this.#s.teacherChannel >= 0 && this.#s.teacherChannel < channels) || channels < 2) {
      throw new RangeError(
        `teacher channel ${this.#s.teacherChannel} is not one of ${channels} channels (need 2 or more)`,
      );
    }
    this.#rate = sampleRate;
    this.#active = new Array<boolean>(channels).fill(false);
    this.#quiet = new Array<number>(channels).fill(0);
    this.#power = Array.from({ length: channels }, () => []);
  }

  /**
   * One frame: each channel's speech probability and mean square, and the frame's real length in
   * samples. Returns role pieces now decided (adjacent pieces of one role are contiguous, s).
   */
  push(probs: number[], meanSquares: number[], frameLength: number): RoleSegment[] {
    const t = this.#s.teacherChannel;
    const levels = meanSquares.map((ms, c) => {
      const hist = this.#power[c]!;
      hist.push(ms);
      if (hist.length > this.#s.levelFrames) hist.shift();
      return 10 * Math.log10(Math.max(FLOOR, hist.reduce((a, b) => a + b, 0) / hist.length));
    });
    probs.forEach((p, c) => this.#activity(c, p));
    let room = -1;
    for (let c = 0; c < probs.length; c++) {
      if (c !== t && (room < 0 || levels[c]! > levels[room]!)) room = c;
    }
    const aT = this.#active[t]!;
    const aR = this.#active[room]!;
    const d = levels[t]! - levels[room]!;
    let label = 0;
    if (aT && aR) label = d >= this.#s.teacherMarginDb ? 1 : -d >= this.#s.studentMarginDb ? 2 : 3;
    else if (aT) label = -d >= this.#s.studentMarginDb ? 0 : 1;
    else if (aR) label = d >= this.#s.teacherMarginDb ? 0 : 2;
    this.#raw.push({ label, start: this.#pos, end: this.#pos + frameLength });
    this.#pos += frameLength;
    return this.#decide(false);
  }

  /** Decides the remaining frames at the end of the stream (or before a gap). */
  finish(): RoleSegment[] {
    return this.#decide(true);
  }

  /** Roles before this time (s) are final. */
  get watermarkS(): number {
    return this.#decided / this.#rate;
  }

  #activity(c: number, p: number): void {
    if (p >= this.#s.threshold) {
      this.#active[c] = true;
      this.#quiet[c] = 0;
    } else if (this.#active[c] && p < this.#s.negThreshold) {
      this.#quiet[c] = this.#quiet[c]! + 1;
      if (this.#quiet[c]! > this.#s.hangoverFrames) this.#active[c] = false;
    }
  }

  /** Majority vote over the centred window for each frame whose window is complete. */
  #decide(all: boolean): RoleSegment[] {
    const half = (this.#s.smoothFrames - 1) >> 1;
    const out: RoleSegment[] = [];
    // #raw holds `half` already-decided frames of past context, then undecided ones.
    let i = this.#raw.findIndex((f) => f.start >= this.#decided);
    if (i < 0) i = this.#raw.length;
    for (; i < this.#raw.length; i++) {
      if (!all && i + half >= this.#raw.length) break;
      const votes = [0, 0, 0, 0];
      for (let j = Math.max(0, i - half); j <= Math.min(this.#raw.length - 1, i + half); j++)
        votes[this.#raw[j]!.label]! += 1;
      const own = this.#raw[i]!;
      let best = own.label;
      votes.forEach((v, l) => {
        if (v > votes[best]!) best = l;
      });
      this.#decided = own.end;
      const role = LABELS[best];
      if (!role) continue;
      const startS = own.start / this.#rate;
      const endS = own.end / this.#rate;
      const last = out.at(-1);
      if (last && last.role === role && last.endS === startS) last.endS = endS;
      else out.push({ startS, endS, role });
    }
    // Keep `half` decided frames as context for the next votes.
    const firstUndecided = this.#raw.findIndex((f) => f.start >= this.#decided);
    const keepFrom = Math.max(0, (firstUndecided < 0 ? this.#raw.length : firstUndecided) - half);
    this.#raw = this.#raw.slice(keepFrom);
    return out;
  }
}

/** Appends role pieces to a lesson's list, joining a piece to the last one when contiguous and alike. */
export function appendRoleSegments(list: RoleSegment[], pieces: RoleSegment[]): void {
  for (const p of pieces) {
    const last = list.at(-1);
    if (last && last.role === p.role && Math.abs(last.endS - p.startS) < 1e-9) last.endS = p.endS;
    else list.push({ ...p });
  }
}
