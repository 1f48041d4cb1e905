import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

const Rate = Type.Number({ minimum: 0, maximum: 1 });

/**
 * How often a behaviour rule flags a person who shows the behaviour (`tpr`) and one who does not
 * (`fpr`), measured against human labels (`npm run eval -- vision <folder>` prints them as
 * `flagRates`).
 */
export const FlagRates = Type.Object({ tpr: Rate, fpr: Rate }, { additionalProperties: false });
export type FlagRates = Static<typeof FlagRates>;

/**
 * Per pose model, the rates of each flag whose correction carried over between the two halves of
 * the labelled photos (docs/accuracy.md); a flag without rates is sent as flagged.
 */
const PoseModelRates = Type.Object(
  { headUp: Type.Optional(FlagRates), handRaised: Type.Optional(FlagRates) },
  { additionalProperties: false },
);
export type PoseModelRates = Static<typeof PoseModelRates>;

const FlagRatesFile = Type.Object(
  {
    format: Type.Literal('flag-rates/1'),
    measuredOn: Type.String(),
    poseModels: Type.Record(Type.String(), PoseModelRates),
  },
  { additionalProperties: false },
);

/**
 * Below this gap between the two rates a flagged share says too little about the true one to be
 * corrected (the correction divides by the gap and would mostly amplify noise).
 */
export const MIN_RATE_GAP = 0.1;

/** Whether a flag's two rates lie far enough apart to correct by (MIN_RATE_GAP). */
const correctableRate = (r: FlagRates): boolean => r.tpr - r.fpr >= MIN_RATE_GAP;

const checkFile = TypeCompiler.Compile(FlagRatesFile);
let committed: Static<typeof FlagRatesFile> | null = null;

/** flag-rates.json, read and checked once per process; a damaged file throws, naming what is wrong. */
function committedRates(): Static<typeof FlagRatesFile> {
  if (!committed) {
    const raw: unknown = JSON.parse(readFileSync(new URL('./flag-rates.json', import.meta.url), 'utf8'));
    if (!checkFile.Check(raw)) throw new Error('vision/flag-rates.json does not match its schema');
    for (const [model, rates] of Object.entries(raw.poseModels))
      for (const [flag, r] of Object.entries(rates) as [string, FlagRates][])
        if (!correctableRate(r))
          throw new Error(`vision/flag-rates.json: ${model} ${flag} tpr − fpr under ${MIN_RATE_GAP}`);
    committed = raw;
  }
  return committed;
}

/**
 * The rates measured for a pose model with the default behaviour rules (flag-rates.json), or null
 * for a model never measured (the onnx backend's): its figures are then the flagged counts as they are.
 */
export function flagRatesFor(poseModel: string): PoseModelRates | null {
  return committedRates().poseModels[poseModel] ?? null;
}

/** One line for `doctor`: the pose models with committed rates and the flags they correct. */
export function describeFlagRates(): string {
  const models = Object.entries(committedRates().poseModels).map(
    ([model, rates]) => `${model}: ${Object.keys(rates).join(', ') || 'none'}`,
  );
  return `adjusted counts for ${models.join('; ')}; other models send the flags as they are`;
}

/** The flags of `rates` that can be corrected (tpr − fpr ≥ MIN_RATE_GAP); null if none. */
export function correctable(rates: Partial<Record<keyof PoseModelRates, FlagRates>>): PoseModelRates | null {
  const out: PoseModelRates = {};
  for (const flag of ['headUp', 'handRaised'] as const) {
    const r = rates[flag];
    if (r && correctableRate(r)) out[flag] = r;
  }
  return Object.keys(out).length ? out : null;
}

/**
 * Adjusted classify-and-count (Forman, "Quantifying counts and costs via classification", 2008).
 * If a share `p` of the people truly show a behaviour, the rule flags on average
 * p·tpr + (1 − p)·fpr of them; solving for p turns the flagged share into an estimate of the true
 * one. The rules err towards the middle (heads up: fpr 0.46; raised hands: tpr 0.57), so a room
 * where nobody looks up reads as half looking up, and one where all do as under nine in ten:
 * the adjusted share removes that pull where the flags themselves cannot.
 */
export function adjustedShare(flaggedShare: number, r: FlagRates, clamp = true): number {
  const share = (flaggedShare - r.fpr) / (r.tpr - r.fpr);
  return clamp ? clampShare(share) : share;
}

/**
 * `adjustedShare` for a count: of `people`, `flagged` were flagged; an estimate, not an integer.
 * Unclamped (`clamp` false) it is linear in the flags, so averages over frames stay unbiased:
 * clamp after averaging, not before (a class with no hand up, whose one or two false alarms per
 * frame give estimates of −0.7 and 1.2, averages to about 0.25 rather than 0.6).
 */
export function adjustedCount(flagged: number, people: number, r: FlagRates, clamp = true): number {
  return people > 0 ? adjustedShare(flagged / people, r, clamp) * people : 0;
}

/** A share into 0..1 and a count into 0..people, for estimates averaged unclamped. */
export const clampShare = (share: number): number => Math.min(1, Math.max(0, share));
export const clampCount = (count: number, people: number): number => Math.min(people, Math.max(0, count));

/** A frame's flagged figures, as `analyzeFrame` counts them. */
export interface FlaggedFigures {
  handsRaised: number;
  students: number;
  /** Null when no student's head could be judged. */
  headsUpRatio: number | null;
}

/**
 * The estimates of a frame's true figures from its flags: each flag with rates corrected, the
 * others as flagged. `clamp` false for figures that are averaged later (window-aggregator.ts).
 */
export function estimateFigures(
  f: FlaggedFigures,
  rates: PoseModelRates,
  clamp: boolean,
): { handsRaised: number; headsUpRatio: number | null } {
  return {
    handsRaised: rates.handRaised
      ? adjustedCount(f.handsRaised, f.students, rates.handRaised, clamp)
      : f.handsRaised,
    headsUpRatio:
      rates.headUp && f.headsUpRatio !== null
        ? adjustedShare(f.headsUpRatio, rates.headUp, clamp)
        : f.headsUpRatio,
  };
}
