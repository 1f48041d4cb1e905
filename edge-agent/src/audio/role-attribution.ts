import { agglomerate, cosine, viterbi2 } from './role-clustering.ts';
import type { RoleSegment, SpeakerRole } from './role-types.ts';
import type { SpeechSegment } from './vad-segments.ts';
import { CEPSTRA, type FeatureBlock } from './voice-features.ts';

export interface RoleAttributionSettings {
  /** Blocks either side pooled into one block's voice description (2 → 1.25 s of context). */
  contextBlocks: number;
  /** Weight of the pitch dimension against the 40 cepstral ones (0 ignores pitch). */
  pitchWeight: number;
  /** Weight of the cepstral standard deviations against their means. */
  stdWeight: number;
  /** Agglomerative clustering stops merging above this cosine distance. */
  mergeDistance: number;
  /** At most this many blocks are clustered (evenly spaced); the rest are assigned to the centroids. */
  maxClusterPoints: number;
  /** k-means refinement rounds after clustering. */
  refineRounds: number;
  /** Stop merging at this many clusters (2: always look for a second voice). */
  minClusters: number;
  /** Added to every block's teacher score: the dominant voice is the likelier one a priori. */
  teacherBias: number;
  /** Viterbi switch penalty in score units within one speech run. */
  switchCost: number;
  /** Below this much speech, s, all of it is given to the teacher (too little to tell voices apart). */
  minSpeechS: number;
  /**
   * Students are split off only when the teacher cluster and the rest are this well separated:
   * mean silhouette (Euclidean, normalised space) of the clustered blocks, teacher vs the rest.
   * Below it the evidence for a second voice is weak, and all speech is the dominant voice's.
   */
  minSeparation: number;
  /**
   * ... and only when the teacher cluster holds at least this share of the speech blocks: when the
   * two largest clusters are about equal, which one is the teacher is a coin toss.
   */
  minTeacherShare: number;
}

/**
 * Chosen by a small grid on the AMI train clips and the demo lesson (docs/accuracy.md). The
 * merge distance is the one that matters: above 1.2 a second voice is almost never split off (on
 * AMI that equals calling all speech "teacher"); at 1.1 and below, adult meeting voices get split
 * into several clusters and the teacher's recall collapses.
 * minSeparation and minTeacherShare: the midpoints of the ranges that give the best pooled teacher
 * F1 on AMI train + the demo lesson (silhouette 0.257-0.327, share 0.56-0.68); AMI dev and the
 * pyannote sample were held out. With weak evidence for a second voice the classroom prior (the
 * dominant voice is speaking) beats a coin-toss split: the split was worse than "all teacher" there.
 */
export const DEFAULT_ROLE_SETTINGS: RoleAttributionSettings = {
  contextBlocks: 2,
  pitchWeight: 2,
  stdWeight: 0.5,
  mergeDistance: 1.2,
  maxClusterPoints: 400,
  refineRounds: 3,
  minClusters: 1,
  teacherBias: 0,
  switchCost: 0.3,
  minSpeechS: 3,
  minSeparation: 0.29,
  minTeacherShare: 0.62,
};

/** A feature block inside a VAD segment. */
export interface SpeechBlock {
  block: FeatureBlock;
  /** Index of the speech segment holding the block's centre. */
  segment: number;
}

/**
 * One speech block's voice description before normalisation: cepstral means and spreads pooled
 * over its context, and the median log F0 of that context (NaN when none of it was voiced; filled
 * with the lesson's median when normalised). `blockLogF0` is the block's own log F0 (NaN unvoiced).
 */
export interface RawVoice {
  v: Float64Array;
  blockLogF0: number;
}

/** Per-dimension z-scoring and group weights, fitted on the speech seen; NaN pitch → `pitchFill`. */
export interface VoiceNormaliser {
  mean: Float64Array;
  sd: Float64Array;
  weight: Float64Array;
  pitchFill: number;
}

/** The clusters of one fit: centroids (normalised space), blocks per cluster, the dominant one. */
export interface RoleModel {
  centroids: Float64Array[];
  counts: number[];
  teacher: number;
  /** Silhouette of teacher vs the rest on the clustered blocks (0 with one cluster). */
  separation: number;
  /** Share of the blocks in the teacher cluster. */
  teacherShare: number;
  /** Whether students are split off at all (minSeparation and minTeacherShare met). */
  split: boolean;
}

/**
 * Splits the lesson's speech into teacher and student with one room microphone: voice features
 * per 0.25 s block (MFCC means and spreads over 1.25 s, plus pitch), clustered without labels;
 * the teacher is the cluster with the most speech (the dominant recurring voice), every other
 * cluster is "student", but only when the clusters are well separated and the teacher's clearly
 * dominates (otherwise all speech is the teacher's). Decisions are smoothed by a two-state Viterbi pass. Nothing here names or
 * recognises anyone: clusters exist only within this lesson [PRIV-5]. Overlap is not claimed from
 * one microphone (see docs/accuracy.md), so no segment here has role "overlap".
 *
 * The steps are exported separately so the live pipeline (live-roles.ts) runs the same code on
 * the speech heard so far.
 */
export function attributeRoles(
  blocks: FeatureBlock[],
  speech: SpeechSegment[],
  settings: Partial<RoleAttributionSettings> = {},
): RoleSegment[] {
  const s = { ...DEFAULT_ROLE_SETTINGS, ...settings };
  const speechS = speech.reduce((a, x) => a + x.endS - x.startS, 0);
  if (speechS === 0) return [];
  const sb = speechBlocks(blocks, speech);
  if (tooLittleSpeech(speechS, sb.length, s)) {
    return speech.map((x) => ({ startS: x.startS, endS: x.endS, role: 'teacher' as const }));
  }
  const raws = rawVoices(sb, s);
  const vectors = normaliseVoices(raws, fitNormaliser(raws, s));
  const model = fitRoleModel(vectors, s);
  const isTeacher = decideTeacher(vectors, linkedBlocks(sb), model, s);
  return toSegments(sb, isTeacher, speech);
}

/** Under this much speech (or too few blocks for one context) everything is the teacher. */
export function tooLittleSpeech(speechS: number, blocks: number, s: RoleAttributionSettings): boolean {
  return speechS < s.minSpeechS || blocks < 2 * s.contextBlocks + 2;
}

export function speechBlocks(blocks: FeatureBlock[], speech: SpeechSegment[]): SpeechBlock[] {
  const out: SpeechBlock[] = [];
  let seg = 0;
  for (const block of blocks) {
    if (block.frames === 0) continue;
    const centre = block.startS + 0.125;
    while (seg < speech.length && speech[seg]!.endS <= centre) seg++;
    const cur = speech[seg];
    if (cur && cur.startS <= centre) out.push({ block, segment: seg });
  }
  return out;
}

/** Whether each block continues the previous one's speech run (the Viterbi switch cost applies). */
export function linkedBlocks(sb: SpeechBlock[]): boolean[] {
  return sb.map((x, i) => i > 0 && sb[i - 1]!.segment === x.segment);
}

/** Pooled MFCC mean and std per block over its context (same segment only), plus log pitch. */
export function rawVoices(sb: SpeechBlock[], s: RoleAttributionSettings): RawVoice[] {
  const dims = 2 * CEPSTRA + 1;
  const logF0 = sb.map((x) => (x.block.f0Hz > 0 ? Math.log(x.block.f0Hz) : NaN));
  return sb.map((x, i) => {
    const v = new Float64Array(dims);
    let frames = 0;
    const sum = new Float64Array(CEPSTRA);
    const sq = new Float64Array(CEPSTRA);
    const f0s: number[] = [];
    for (let j = i - s.contextBlocks; j <= i + s.contextBlocks; j++) {
      const o = sb[j];
      if (!o || o.segment !== x.segment) continue;
      frames += o.block.frames;
      for (let c = 0; c < CEPSTRA; c++) {
        sum[c] = sum[c]! + o.block.sum[c]!;
        sq[c] = sq[c]! + o.block.sumSq[c]!;
      }
      const f = logF0[j]!;
      if (!Number.isNaN(f)) f0s.push(f);
    }
    for (let c = 0; c < CEPSTRA; c++) {
      const mean = sum[c]! / frames;
      v[c] = mean;
      v[CEPSTRA + c] = Math.sqrt(Math.max(0, sq[c]! / frames - mean * mean));
    }
    f0s.sort((a, b) => a - b);
    v[dims - 1] = f0s.length ? f0s[f0s.length >> 1]! : NaN;
    return { v, blockLogF0: logF0[i]! };
  });
}

/** z-scoring of each dimension over `raws` (the lesson's speech, or the part heard so far). */
export function fitNormaliser(raws: RawVoice[], s: RoleAttributionSettings): VoiceNormaliser {
  const dims = 2 * CEPSTRA + 1;
  const voiced = raws
    .map((r) => r.blockLogF0)
    .filter((v) => !Number.isNaN(v))
    .sort((a, b) => a - b);
  const pitchFill = voiced.length ? voiced[voiced.length >> 1]! : 0;
  const at = (r: RawVoice, d: number) => {
    const x = r.v[d]!;
    return Number.isNaN(x) ? pitchFill : x;
  };
  const mean = new Float64Array(dims);
  const sd = new Float64Array(dims);
  const weight = new Float64Array(dims);
  for (let d = 0; d < dims; d++) {
    let m = 0;
    for (const r of raws) m += at(r, d);
    m /= raws.length;
    let q = 0;
    for (const r of raws) q += (at(r, d) - m) ** 2;
    mean[d] = m;
    sd[d] = Math.sqrt(q / raws.length) || 1;
    weight[d] = d < CEPSTRA ? 1 : d < 2 * CEPSTRA ? s.stdWeight : s.pitchWeight;
  }
  return { mean, sd, weight, pitchFill };
}

export function normaliseVoices(raws: RawVoice[], n: VoiceNormaliser): Float64Array[] {
  return raws.map((r) =>
    r.v.map((x, d) => (((Number.isNaN(x) ? n.pitchFill : x) - n.mean[d]!) / n.sd[d]!) * n.weight[d]!),
  );
}

/**
 * Agglomerative clustering on at most maxClusterPoints evenly spaced blocks, k-means rounds over
 * all of them; the cluster with the most blocks is the teacher. `split` says whether the fit is
 * evidence enough for students: separation (silhouette, teacher vs the rest, on the clustered
 * sample) at least minSeparation and a teacher share at least minTeacherShare.
 */
export function fitRoleModel(vectors: Float64Array[], s: RoleAttributionSettings): RoleModel {
  const stride = Math.max(1, Math.ceil(vectors.length / s.maxClusterPoints));
  const sample: Float64Array[] = [];
  for (let i = 0; i < vectors.length; i += stride) sample.push(vectors[i]!);
  const labels = agglomerate(sample, s.mergeDistance, s.minClusters);
  const k = Math.max(...labels) + 1;
  let centroids = centroidsOf(sample, labels, k);
  let assign = vectors.map((v) => nearest(v, centroids));
  for (let r = 0; r < s.refineRounds; r++) {
    centroids = centroidsOf(vectors, assign, centroids.length);
    assign = vectors.map((v) => nearest(v, centroids));
  }
  const counts = new Array<number>(centroids.length).fill(0);
  for (const a of assign) counts[a] = counts[a]! + 1;
  const teacher = counts.indexOf(Math.max(...counts));
  const teacherShare = counts[teacher]! / Math.max(1, vectors.length);
  const sampleIsTeacher: boolean[] = [];
  for (let i = 0; i < vectors.length; i += stride) sampleIsTeacher.push(assign[i] === teacher);
  const separation = teacherShare < 1 ? silhouette(sample, sampleIsTeacher) : 0;
  const split = teacherShare < 1 && separation >= s.minSeparation && teacherShare >= s.minTeacherShare;
  return { centroids, counts, teacher, separation, teacherShare, split };
}

/**
 * Mean silhouette of a two-way partition, Euclidean. Euclidean rather than the clustering's
 * cosine: in the z-scored space it measures how far apart the groups are in units of the lesson's
 * own spread, while the cosine between two centred groups is always near -1 whatever the spread
 * (measured: the cosine silhouette did not tell the demo lesson from AMI meetings, docs/accuracy.md).
 * O(n²) on the clustering sample (at most maxClusterPoints blocks).
 */
export function silhouette(points: Float64Array[], inA: boolean[]): number {
  const n = points.length;
  let total = 0;
  let scored = 0;
  for (let i = 0; i < n; i++) {
    let same = 0;
    let nSame = 0;
    let other = 0;
    let nOther = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const a = points[i]!;
      const b = points[j]!;
      let d2 = 0;
      for (let d = 0; d < a.length; d++) d2 += (a[d]! - b[d]!) ** 2;
      const dist = Math.sqrt(d2);
      if (inA[j] === inA[i]) {
        same += dist;
        nSame += 1;
      } else {
        other += dist;
        nOther += 1;
      }
    }
    // A point alone in its group has silhouette 0 by the usual convention.
    if (nSame === 0 || nOther === 0) {
      scored += 1;
      continue;
    }
    const a = same / nSame;
    const b = other / nOther;
    total += (b - a) / Math.max(a, b, 1e-12);
    scored += 1;
  }
  return scored ? total / scored : 0;
}

/** Teacher score per block against the model, Viterbi-smoothed; true where the teacher speaks. */
export function decideTeacher(
  vectors: Float64Array[],
  linked: boolean[],
  model: RoleModel,
  s: RoleAttributionSettings,
): boolean[] {
  const { centroids, counts, teacher } = model;
  if (centroids.length < 2 || !model.split) return vectors.map(() => true);
  const scores = vectors.map((v) => {
    let other = -1;
    centroids.forEach((c, i) => {
      if (i !== teacher && counts[i]! > 0) other = Math.max(other, cosine(v, c));
    });
    return cosine(v, centroids[teacher]!) - other + s.teacherBias;
  });
  return viterbi2(scores, linked, s.switchCost).map((st) => st === 0);
}

function centroidsOf(points: Float64Array[], labels: number[], k: number): Float64Array[] {
  const dims = points[0]?.length ?? 0;
  const out = Array.from({ length: k }, () => new Float64Array(dims));
  const n = new Array<number>(k).fill(0);
  points.forEach((p, i) => {
    const c = out[labels[i]!]!;
    for (let d = 0; d < dims; d++) c[d] = c[d]! + p[d]!;
    n[labels[i]!] = n[labels[i]!]! + 1;
  });
  return out.map((c, i) => c.map((x) => x / Math.max(1, n[i]!)));
}

function nearest(v: Float64Array, centroids: Float64Array[]): number {
  let best = -Infinity;
  let arg = 0;
  centroids.forEach((c, i) => {
    const sim = cosine(v, c);
    if (sim > best) {
      best = sim;
      arg = i;
    }
  });
  return arg;
}

/** Cuts each speech segment at block edges and merges neighbours of the same role. */
export function toSegments(sb: SpeechBlock[], isTeacher: boolean[], speech: SpeechSegment[]): RoleSegment[] {
  const out: RoleSegment[] = [];
  const push = (startS: number, endS: number, role: SpeakerRole) => {
    if (endS <= startS) return;
    const last = out.at(-1);
    if (last && last.role === role && Math.abs(last.endS - startS) < 1e-9) last.endS = endS;
    else out.push({ startS, endS, role });
  };
  let b = 0;
  speech.forEach((seg, si) => {
    while (b < sb.length && sb[b]!.segment < si) b++;
    const first = b;
    while (b < sb.length && sb[b]!.segment === si) b++;
    if (first === b) {
      // Too short to hold a block centre: the role of the nearest block in time.
      const near = nearestBlock(sb, (seg.startS + seg.endS) / 2);
      push(seg.startS, seg.endS, near >= 0 && !isTeacher[near] ? 'student' : 'teacher');
      return;
    }
    for (let i = first; i < b; i++) {
      const startS = i === first ? seg.startS : sb[i]!.block.startS;
      const endS = i === b - 1 ? seg.endS : sb[i + 1]!.block.startS;
      push(startS, endS, isTeacher[i] ? 'teacher' : 'student');
    }
  });
  return out;
}

function nearestBlock(sb: SpeechBlock[], t: number): number {
  let best = Infinity;
  let arg = -1;
  sb.forEach((x, i) => {
    const d = Math.abs(x.block.startS + 0.125 - t);
    if (d < best) {
      best = d;
      arg = i;
    }
  });
  return arg;
}
