/**
 * `npm run eval -- vision-misses <ccnu-folder>`: where the raise_hand errors of `eval vision` come
 * from, stage by stage, printed as JSON. Every labelled raise_hand box that the hand matching
 * leaves unmatched (a false negative) is put in the first stage that explains it:
 * - `unmatched`: no detected person is paired with the box when all people are matched to all
 *   labels one-to-one (as for detector recall). Split into `detectorMiss` (no person box
 *   overlaps it), `takenByNeighbour` (the overlapping person is paired with another label) and
 *   `geometry` (a person overlaps but below the matching rule: IoU ≥ 0.3 or its centre inside);
 * - `teacher`: the paired person was taken as the teacher (students only are flagged);
 * - `pose`: the paired person's keypoints do not let the rule judge the arm: `noShoulders`, or
 *   `armNotSeen` (neither arm has wrist and elbow above the wrist score);
 * - `rule`: keypoints present but the rule says no: `wristLow` (wrist under the shoulder line
 *   margin) or `forearmFlat` (wrist not far enough above its elbow);
 * - `matching`: flagged, yet the hand matching paired it with another raise_hand box.
 * For each stage it also counts how many labels reach above the top of the pose crop (the part of
 * a raised arm above the crop is never seen by MoveNet). False positives (flagged students not
 * paired with a raise_hand box) are split by the label their person is paired with, or none.
 * VISION_EVAL_LIMIT / VISION_EVAL_HALF as for `eval vision`; VISION_MISSES_DETAILS=1 adds one
 * entry per miss. Images are decoded in memory only; nothing is written [PRIV-1].
 */
import path from 'node:path';
import { analyzeFrame } from '../../edge-agent/src/vision/analyze-frame.ts';
import { DEFAULT_RULES, handOutcome, type HandOutcome } from '../../edge-agent/src/vision/behaviour.ts';
import { centerIn, iou } from '../../edge-agent/src/vision/geometry.ts';
import { personCrop } from '../../edge-agent/src/vision/movenet-pose.ts';
import { DEFAULT_VISION_SETTINGS } from '../../edge-agent/src/vision/settings-schema.ts';
import type { Box, PersonPose } from '../../edge-agent/src/vision/types.ts';
import { matchPairs, round } from './vision-match.ts';
import { CLASS, evalOptionsFromEnv, frameLabels, poseClassroom, type ClassroomPoses } from './vision.ts';

const WRISTS = [9, 10] as const;
const ELBOWS = [7, 8] as const;

type Stage =
  | 'detectorMiss'
  | 'takenByNeighbour'
  | 'geometry'
  | 'teacher'
  | 'noShoulders'
  | 'armNotSeen'
  | 'wristLow'
  | 'forearmFlat'
  | 'matching';

const OUTCOME_STAGE: Record<Exclude<HandOutcome, 'raised'>, Stage> = {
  'no-shoulders': 'noShoulders',
  'arm-not-seen': 'armNotSeen',
  'wrist-low': 'wristLow',
  'forearm-flat': 'forearmFlat',
};

interface Miss {
  image: string;
  stage: Stage;
  label: Box;
  person?: Box;
  /** The label's top above the pose crop's top, in person box heights (> 0: arm cut off). */
  labelAboveCrop?: number;
  /** Best arm: min(wrist, elbow) score of the better side. */
  armScore?: number;
}

const rounded = (b: Box): Box => ({ x: round(b.x, 1), y: round(b.y, 1), w: round(b.w, 1), h: round(b.h, 1) });

function armScore(p: PersonPose): number {
  return Math.max(
    ...WRISTS.map((w, i) =>
      Math.min(p.keypoints[w]?.score ?? 0, p.keypoints[ELBOWS[i] as number]?.score ?? 0),
    ),
  );
}

/** Label top above the crop top, in person box heights: how much of a raised arm MoveNet lost. */
function aboveCrop(label: Box, person: Box): number {
  return (personCrop(person).y - label.y) / person.h;
}

export function missesOf(data: ClassroomPoses, rules = DEFAULT_RULES): object {
  const misses: Miss[] = [];
  const fps: { image: string; pairedWith: string }[] = [];
  const names = new Map(data.coco.categories.map((c) => [c.id, c.name]));
  // For the true positives too, so a stage's share of cut-off labels can be compared with theirs.
  const tpAboveCrop: number[] = [];
  let labelled = 0;
  let flagged = 0;
  for (const f of data.frames) {
    const gt = frameLabels(data, f);
    const frame = analyzeFrame(f.persons, f.width, f.height, DEFAULT_VISION_SETTINGS, rules);
    const persons = frame.persons;
    const handIdx = persons.flatMap((p, i) => (p.handRaised && !p.teacher ? [i] : []));
    const rhIdx = gt.flatMap((g, i) => (g.cls === CLASS.raiseHand ? [i] : []));
    labelled += rhIdx.length;
    flagged += handIdx.length;
    const handPairs = matchPairs(
      handIdx.map((i) => (persons[i] as PersonPose).box),
      rhIdx.map((i) => (gt[i] as { box: Box }).box),
    ).map(([p, g]) => [handIdx[p] as number, rhIdx[g] as number] as const);
    const all = matchPairs(
      persons.map((p) => p.box),
      gt.map((g) => g.box),
    );
    const personOfLabel = new Map(all.map(([p, g]) => [g, p]));
    const labelOfPerson = new Map(all.map(([p, g]) => [p, g]));
    const hitLabels = new Set(handPairs.map(([, g]) => g));
    const hitPersons = new Set(handPairs.map(([p]) => p));
    for (const [p, g] of handPairs)
      tpAboveCrop.push(aboveCrop((gt[g] as { box: Box }).box, (persons[p] as PersonPose).box));
    for (const g of rhIdx) {
      if (hitLabels.has(g)) continue;
      const label = (gt[g] as { box: Box }).box;
      const pi = personOfLabel.get(g);
      const base = { image: f.image.file_name, label: rounded(label) };
      if (pi === undefined) {
        const overlapping = persons
          .map((p, i) => ({ i, v: iou(p.box, label) }))
          .filter((o) => o.v > 0 || centerIn(label, (persons[o.i] as PersonPose).box))
          .sort((a, b) => b.v - a.v);
        const near = overlapping[0];
        const stage: Stage = !near
          ? 'detectorMiss'
          : labelOfPerson.has(near.i)
            ? 'takenByNeighbour'
            : 'geometry';
        const person = near ? (persons[near.i] as PersonPose).box : undefined;
        misses.push({
          ...base,
          stage,
          ...(person ? { person: rounded(person), labelAboveCrop: round(aboveCrop(label, person)) } : {}),
        });
        continue;
      }
      const p = persons[pi] as (typeof persons)[number];
      const outcome = handOutcome(p, rules);
      const stage: Stage = p.teacher ? 'teacher' : outcome === 'raised' ? 'matching' : OUTCOME_STAGE[outcome];
      misses.push({
        ...base,
        stage,
        person: rounded(p.box),
        labelAboveCrop: round(aboveCrop(label, p.box)),
        armScore: round(armScore(p)),
      });
    }
    for (const i of handIdx) {
      if (hitPersons.has(i)) continue;
      const g = labelOfPerson.get(i);
      const cls = g === undefined ? undefined : (gt[g] as { cls: number }).cls;
      fps.push({
        image: f.image.file_name,
        pairedWith: cls === undefined ? 'none' : (names.get(cls) ?? '?'),
      });
    }
  }
  const count = <T>(xs: T[], key: (x: T) => string): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
    return out;
  };
  const cut = (xs: Miss[]) => xs.filter((m) => (m.labelAboveCrop ?? 0) > 0).length;
  const byStage: Record<string, { misses: number; labelAboveCrop: number; medianArmScore: number | null }> =
    {};
  for (const [stage, n] of Object.entries(count(misses, (m) => m.stage))) {
    const of = misses.filter((m) => m.stage === stage);
    const scores = of.flatMap((m) => (m.armScore === undefined ? [] : [m.armScore])).sort((a, b) => a - b);
    byStage[stage] = {
      misses: n,
      labelAboveCrop: cut(of),
      medianArmScore: scores.length ? (scores[Math.floor(scores.length / 2)] as number) : null,
    };
  }
  return {
    images: data.frames.length,
    raiseHandLabels: labelled,
    flagged,
    truePositives: tpAboveCrop.length,
    truePositivesLabelAboveCrop: tpAboveCrop.filter((v) => v > 0).length,
    falseNegatives: misses.length,
    falseNegativesByStage: byStage,
    falsePositives: fps.length,
    falsePositivesPairedWith: count(fps, (x) => x.pairedWith),
    ...(process.env.VISION_MISSES_DETAILS === '1' ? { misses, falsePositiveList: fps } : {}),
  };
}

export async function run(folder: string): Promise<object> {
  if (!folder) throw new Error('usage: vision-misses <ccnu-folder>');
  return { folder, ...missesOf(await poseClassroom(path.resolve(folder), evalOptionsFromEnv())) };
}
