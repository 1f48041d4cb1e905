import { cropSignature, signatureChange } from './crop-signature.ts';
import { iou } from './geometry.ts';
import type { Box, Keypoint, RgbFrame } from './types.ts';

export interface PoseGateSettings {
  /** Reuse a person's last pose while at most this share of its crop's cells changed (0 turns reuse off). */
  maxChange: number;
  /** Re-run pose on a person at least this often, s, however still it seems. */
  maxAgeS: number;
  /**
   * At most this many pose runs per frame (absent or 0: no cap), most moved or oldest first; the
   * others keep their last pose one more frame. Bounds a frame's cost when the whole class moves.
   */
  maxRunsPerFrame?: number;
}

/** What the gate remembers of one person: the crop at its last pose run, not at its last look. */
interface Remembered {
  crop: Box;
  signature: Uint8Array;
  keypoints: Keypoint[];
  atS: number;
}

/** A crop must overlap its remembered one this much to be the same seat (detector boxes jitter). */
const SAME_PERSON_IOU = 0.5;

export interface GateDecision {
  /** The pose to reuse, or null: run the model on this crop. */
  reuse: Keypoint[] | null;
  /** The new crop's signature when the model runs on it (null when the pose is reused). */
  signature: Uint8Array | null;
  /** The memory entry this crop matched, if any. */
  match: Remembered | null;
}

/**
 * Motion gating of the per-person pose model, as Frigate gates its detector: the classroom camera
 * is static and between analysed frames most students barely move, so a person whose crop (16×16
 * grey cells, in memory) changed little since its last pose run keeps that pose, up to `maxAgeS`.
 * Movement (a hand going up) changes the crop and re-runs the model for that person only.
 */
export class PoseGate {
  readonly #settings: PoseGateSettings;
  #memory: Remembered[] = [];
  #width = 0;
  /** Crops whose pose was reused, and all crops seen (the bench's reuse share). */
  reused = 0;
  seen = 0;
  /** Reused crops that had moved or aged but waited for the cap. */
  deferred = 0;

  constructor(settings: PoseGateSettings) {
    this.#settings = settings;
  }

  /** One decision per crop, in order; call `remember` with the poses afterwards. */
  decide(frame: RgbFrame, crops: Box[], timeS: number): GateDecision[] {
    if (frame.width !== this.#width) this.#memory = [];
    this.#width = frame.width;
    const { maxChange, maxAgeS, maxRunsPerFrame } = this.#settings;
    const free = new Set(this.#memory);
    const looks = crops.map((crop) => {
      let match: Remembered | null = null;
      let best = SAME_PERSON_IOU;
      for (const m of free) {
        const o = iou(m.crop, crop);
        if (o >= best) {
          best = o;
          match = m;
        }
      }
      if (match) free.delete(match);
      if (!match || maxChange <= 0 || timeS < match.atS) return { match, urgency: Infinity };
      // Compared over the remembered crop, not the new box: a re-run detector moves each box by
      // a few pixels, which alone changes about 10 % of the cells of a still student.
      const change = signatureChange(match.signature, cropSignature(frame, match.crop));
      // ≥ 1 when the person moved or its pose is too old; more urgent the more it moved or aged.
      const moved = change > maxChange ? change / maxChange : 0;
      const aged = (timeS - match.atS) / maxAgeS;
      return { match, urgency: aged >= 1 ? Math.max(moved, aged) : moved };
    });
    // Runs wanted: new people first, then the most moved or oldest, up to the cap (if any).
    const wanted = looks.flatMap((l, i) => (l.urgency >= 1 ? [i] : []));
    wanted.sort((a, b) => (looks[b]?.urgency ?? 0) - (looks[a]?.urgency ?? 0));
    const cap = maxChange > 0 && maxRunsPerFrame && maxRunsPerFrame > 0 ? maxRunsPerFrame : Infinity;
    const run = new Set(wanted.filter((i, rank) => rank < cap || !looks[i]?.match));
    return crops.map((crop, i) => {
      const { match } = looks[i] as { match: Remembered | null };
      const reuse = !run.has(i) && match ? match.keypoints : null;
      this.seen += 1;
      if (reuse) this.reused += 1;
      if (reuse && wanted.includes(i)) this.deferred += 1;
      return { reuse, signature: reuse ? null : cropSignature(frame, crop), match };
    });
  }

  /**
   * Replaces the memory with this frame's people: a reused person keeps its remembered crop,
   * signature, pose and time (so slow drift adds up until it re-runs, and the pose stays in the
   * frame coordinates it was found in); a re-run one takes the new ones.
   * People not seen this frame are forgotten.
   */
  remember(decisions: GateDecision[], crops: Box[], poses: Keypoint[][], timeS: number): void {
    this.#memory = decisions.map((d, i) =>
      d.reuse && d.match
        ? d.match
        : {
            crop: crops[i] as Box,
            signature: d.signature ?? new Uint8Array(0),
            keypoints: poses[i] ?? [],
            atS: timeS,
          },
    );
  }

  reset(): void {
    this.#memory = [];
    this.#width = 0;
  }
}
