import type { Box, Keypoint, PersonPose } from './types.ts';

/** Keypoint indices (COCO-17). */
const NOSE = 0;
const L_EYE = 1;
const R_EYE = 2;
const L_SHOULDER = 5;
const R_SHOULDER = 6;
const L_ELBOW = 7;
const R_ELBOW = 8;
const L_WRIST = 9;
const R_WRIST = 10;
const L_HIP = 11;
const R_HIP = 12;
const L_KNEE = 13;
const R_KNEE = 14;

/** Rule thresholds; the defaults are the values measured in docs/accuracy.md (no training). */
export interface BehaviourRules {
  /** A keypoint counts as seen at or above this MoveNet score. */
  minKeypointScore: number;
  /** Wrists are often blurred when raised: a lower score than other keypoints is enough. */
  minWristScore: number;
  /** Wrist above the shoulder line by this many shoulder widths (the torso is usually hidden by the desk). */
  handAboveShoulder: number;
  /** Forearm up: wrist above its elbow by this many shoulder widths. */
  forearmRise: number;
  /** Head up: nose above the shoulder line by at least this many shoulder widths. */
  noseAboveShoulder: number;
  /** Face turned away from the front: nose off the eyes' midpoint by more than this many eye spans... */
  faceTurnedNoseOffset: number;
  /** ...or the eyes closer together than this many shoulder widths (a head seen from the side). */
  faceTurnedEyeSpan: number;
  /** Standing: box taller than the row's median box by this factor... */
  standTaller: number;
  /** ...and its top above the row's median top by this many own box heights. */
  standHeadRise: number;
  /** Standing from legs: knee below hip by this many shoulder widths, both seen. */
  standLegDrop: number;
}

export const DEFAULT_RULES: BehaviourRules = {
  minKeypointScore: 0.2,
  minWristScore: 0.1,
  handAboveShoulder: -0.2,
  forearmRise: 0.3,
  noseAboveShoulder: 0.2,
  faceTurnedNoseOffset: 0.8,
  faceTurnedEyeSpan: 0.1,
  standTaller: 1.3,
  standHeadRise: 0.2,
  standLegDrop: 0.9,
};

export interface PersonFlags {
  handRaised: boolean;
  standing: boolean;
  /** Face towards the camera and head not dropped; null when shoulders are not seen. */
  headUp: boolean | null;
}

const seen = (k: Keypoint | undefined, min: number): k is Keypoint => k !== undefined && k.score >= min;

/** Shoulder line (mean y) and width in pixels; width falls back to a fraction of the box. */
function shoulders(p: PersonPose, min: number): { y: number; width: number } | null {
  const l = p.keypoints[L_SHOULDER];
  const r = p.keypoints[R_SHOULDER];
  const ls = seen(l, min);
  const rs = seen(r, min);
  if (!ls && !rs) return null;
  const y = ls && rs ? (l.y + r.y) / 2 : ls ? l.y : (r as Keypoint).y;
  const measured = ls && rs ? Math.hypot(l.x - r.x, l.y - r.y) : 0;
  // A side view shortens the shoulder line; never below a third of the box width.
  const width = Math.max(measured, Math.min(p.box.w, p.box.h) / 3);
  return { y, width };
}

/**
 * How far one person got through the raised-hand rule, for `handRaised` and for the eval's
 * breakdown of misses (scripts/eval/vision-misses.ts): the furthest stage reached by either arm.
 */
export type HandOutcome = 'no-shoulders' | 'arm-not-seen' | 'wrist-low' | 'forearm-flat' | 'raised';
const HAND_STAGES: readonly HandOutcome[] = ['arm-not-seen', 'wrist-low', 'forearm-flat', 'raised'];

/**
 * Hand raised: a wrist at or above the shoulder line (by `handAboveShoulder` shoulder widths; a
 * small negative margin admits the Chinese classroom posture, elbow on the desk and forearm
 * upright, where the hand is about level with the head) and the forearm pointing up: the wrist
 * above its elbow by `forearmRise` shoulder widths. The elbow itself need not be raised.
 */
export function handOutcome(p: PersonPose, rules: BehaviourRules = DEFAULT_RULES): HandOutcome {
  const s = shoulders(p, rules.minKeypointScore);
  if (!s) return 'no-shoulders';
  let best = 0;
  for (const [w, e, sh] of [
    [L_WRIST, L_ELBOW, L_SHOULDER],
    [R_WRIST, R_ELBOW, R_SHOULDER],
  ] as const) {
    const wrist = p.keypoints[w];
    const elbow = p.keypoints[e];
    const shoulder = p.keypoints[sh];
    if (!seen(wrist, rules.minWristScore) || !seen(elbow, rules.minWristScore)) continue;
    const lineY = seen(shoulder, rules.minKeypointScore) ? shoulder.y : s.y;
    const stage =
      wrist.y > lineY - rules.handAboveShoulder * s.width
        ? 1
        : elbow.y - wrist.y < rules.forearmRise * s.width
          ? 2
          : 3;
    best = Math.max(best, stage);
  }
  return HAND_STAGES[best] as HandOutcome;
}

export function handRaised(p: PersonPose, rules: BehaviourRules = DEFAULT_RULES): boolean {
  return handOutcome(p, rules) === 'raised';
}

/**
 * A head turned to the side (to a neighbour, to the window): the nose well off the midpoint of
 * the eyes, or the eyes close together for the shoulders' width. ClaBehavior labels such students
 * turn_head or discuss, not lookup; with these thresholds 37 % of turn_head and 27 % of discuss
 * students whom the head-up rule accepted are caught, and none of the lookup ones
 * (docs/accuracy.md).
 */
function faceTurned(p: PersonPose, shoulderWidth: number, rules: BehaviourRules): boolean {
  const nose = p.keypoints[NOSE] as Keypoint;
  const l = p.keypoints[L_EYE] as Keypoint;
  const r = p.keypoints[R_EYE] as Keypoint;
  const span = Math.abs(l.x - r.x);
  if (span < rules.faceTurnedEyeSpan * shoulderWidth) return true;
  return Math.abs(nose.x - (l.x + r.x) / 2) > rules.faceTurnedNoseOffset * span;
}

/**
 * Head up, facing the front: nose and an eye seen, nose well above the shoulder line, and the
 * face not turned to the side.
 */
export function headUp(p: PersonPose, rules: BehaviourRules = DEFAULT_RULES): boolean | null {
  const s = shoulders(p, rules.minKeypointScore);
  if (!s) return null;
  const nose = p.keypoints[NOSE];
  const eyeSeen =
    seen(p.keypoints[L_EYE], rules.minKeypointScore) || seen(p.keypoints[R_EYE], rules.minKeypointScore);
  if (!seen(nose, rules.minKeypointScore) || !eyeSeen) return false;
  return nose.y <= s.y - rules.noseAboveShoulder * s.width && !faceTurned(p, s.width, rules);
}

/** Standing from the legs alone: hips and knees seen, thighs close to vertical. */
function legsUpright(p: PersonPose, rules: BehaviourRules): boolean {
  const s = shoulders(p, rules.minKeypointScore);
  if (!s) return false;
  for (const [h, k] of [
    [L_HIP, L_KNEE],
    [R_HIP, R_KNEE],
  ] as const) {
    const hip = p.keypoints[h];
    const knee = p.keypoints[k];
    if (!seen(hip, rules.minKeypointScore) || !seen(knee, rules.minKeypointScore)) continue;
    const dy = knee.y - hip.y;
    if (dy >= rules.standLegDrop * s.width && dy > 2 * Math.abs(knee.x - hip.x)) return true;
  }
  return false;
}

/**
 * Standing relative to seated neighbours: people of similar width (0.5-2×) whose feet (box
 * bottoms) are level with this person's, within half its height, sit in the same row; someone
 * whose box is taller than the row's median by `standTaller` and whose top rises above the row's
 * median top by `standHeadRise` of its own height is standing. Legs seen upright also count.
 */
function standingByRow(p: PersonPose, all: PersonPose[], rules: BehaviourRules): boolean {
  const row = all.filter(
    (q) =>
      q !== p &&
      Math.abs(bottom(q.box) - bottom(p.box)) < 0.5 * p.box.h &&
      q.box.w > 0.5 * p.box.w &&
      q.box.w < 2 * p.box.w,
  );
  if (row.length < 2) return false;
  const medianH = median(row.map((q) => q.box.h));
  const medianTop = median(row.map((q) => q.box.y));
  return p.box.h > rules.standTaller * medianH && medianTop - p.box.y > rules.standHeadRise * p.box.h;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const bottom = (b: Box) => b.y + b.h;

/** Behaviour flags for every person of one frame (standing needs the neighbours). */
export function classify(persons: PersonPose[], rules: BehaviourRules = DEFAULT_RULES): PersonFlags[] {
  return persons.map((p) => ({
    handRaised: handRaised(p, rules),
    standing: legsUpright(p, rules) || standingByRow(p, persons, rules),
    headUp: headUp(p, rules),
  }));
}
