import {
  DEFAULT_ROLE_SETTINGS,
  decideTeacher,
  fitNormaliser,
  fitRoleModel,
  linkedBlocks,
  normaliseVoices,
  rawVoices,
  speechBlocks,
  toSegments,
  tooLittleSpeech,
  type RawVoice,
  type RoleAttributionSettings,
  type RoleModel,
  type VoiceNormaliser,
} from './role-attribution.ts';
import type { RoleSegment } from './role-types.ts';
import type { SpeechSegment } from './vad-segments.ts';
import { VoiceFeatureExtractor, type FeatureBlock } from './voice-features.ts';

export interface LiveRoleSettings {
  /**
   * A window is decided (and sent) this long after its end, s: the clustering then has this much
   * more of the lesson, and the lag stays bounded. 0 decides each window as soon as it closes.
   */
  holdS: number;
  /**
   * The clusters are fitted again on everything heard so far when older than this, s, or than
   * RECLUSTER_SHARE of the lesson so far, whichever is longer.
   */
  reclusterS: number;
  /**
   * No window is decided before the lesson clock reaches this, s: a minute of speech is often one
   * voice to the clustering, so a lesson that opens with students would have them all called the
   * teacher. The first windows wait longer than holdS; later ones are unaffected.
   */
  firstDecisionS: number;
}

/** Chosen on the demo lesson and AMI through the live path (docs/accuracy.md, "live"). */
export const DEFAULT_LIVE_ROLE_SETTINGS: LiveRoleSettings = { holdS: 60, reclusterS: 30, firstDecisionS: 90 };

/**
 * Late in a lesson one fit costs about 80 ms (400-point agglomerative clustering, k-means over
 * every block) and changes little: past reclusterS / RECLUSTER_SHARE (5 min by default) the period
 * grows with the lesson: a 45-minute lesson has 27 fits instead of 62 (docs/accuracy.md).
 */
const RECLUSTER_SHARE = 0.1;

/** A final speech segment whose voice vectors are computed, waiting for its roles. */
interface PendingSegment {
  seg: SpeechSegment;
  /** Blocks of this segment (their voices are `#raws[first .. first + count)`). */
  blocks: FeatureBlock[];
  first: number;
}

/** How far the last block of a segment can end after the segment's end, s (block length). */
const BLOCK_S = 0.25;

/**
 * Single-microphone speaker roles for a live lesson, with the file pipeline's clustering
 * (role-attribution.ts) run on the speech heard so far instead of the whole lesson:
 * - voice feature blocks are computed as audio arrives; once a VAD segment is final its blocks'
 *   voice descriptions (numbers only) are kept for the lesson and the audio-side blocks dropped;
 * - decide(untilS, nowS) gives the roles of every final segment starting before untilS, scored
 *   against the current clusters; the clusters are fitted again (z-scoring, agglomerative
 *   clustering, k-means, dominant cluster = teacher) when they are older than reclusterS, so the
 *   decision improves as the lesson goes on. Already decided segments are never revised (their
 *   windows have been sent).
 * Per segment the Viterbi smoothing is the same as offline (it never links two segments).
 * Privacy [PRIV-1, PRIV-5]: everything here is numbers in memory, for this lesson only; clear()
 * (at lesson end) drops it, nothing is written or sent, nothing is compared across lessons.
 */
export class LiveRoleStage {
  readonly #s: LiveRoleSettings;
  readonly #r: RoleAttributionSettings;
  readonly #rate: number;
  #extractor: VoiceFeatureExtractor | null = null;
  #offsetS = 0;
  /** Blocks not yet matched to a final segment (lesson time). */
  #blocks: FeatureBlock[] = [];
  /** Where the audio-side blocks are complete up to, s from the lesson start. */
  #blocksUntilS = 0;
  /** Final segments whose blocks may still be coming. */
  #waiting: SpeechSegment[] = [];
  #pending: PendingSegment[] = [];
  #raws: RawVoice[] = [];
  #speechS = 0;
  #model: { norm: VoiceNormaliser; roles: RoleModel; atS: number } | null = null;
  #fits = 0;
  #fitMs = 0;
  /** Role of the last decided block: for a segment too short to hold one. */
  #lastTeacher = true;

  constructor(
    settings: Partial<LiveRoleSettings> = {},
    roleSettings: Partial<RoleAttributionSettings> = {},
    sampleRate = 16_000,
  ) {
    this.#s = { ...DEFAULT_LIVE_ROLE_SETTINGS, ...settings };
    this.#r = { ...DEFAULT_ROLE_SETTINGS, ...roleSettings };
    this.#rate = sampleRate;
  }

  get holdS(): number {
    return this.#s.holdS;
  }

  get firstDecisionS(): number {
    return this.#s.firstDecisionS;
  }

  /** Cluster fits so far and their CPU time, ms (for the cost figures). */
  get stats(): { fits: number; fitMs: number; speechS: number; heldBlocks: number } {
    return { fits: this.#fits, fitMs: this.#fitMs, speechS: this.#speechS, heldBlocks: this.#blocks.length };
  }

  /** Continuous audio starts at offsetS (lesson start, or after a source gap): fresh features. */
  beginRun(offsetS: number): void {
    this.endRun();
    this.#extractor = new VoiceFeatureExtractor(this.#rate);
    this.#offsetS = offsetS;
    this.#blocksUntilS = offsetS;
  }

  pushAudio(mono: Float32Array): void {
    if (!this.#extractor) this.beginRun(0);
    this.#extractor!.push(mono);
    this.#takeBlocks(this.#extractor!.take());
  }

  /** The run's audio ended (gap or lesson end): its last partial block closes. */
  endRun(): void {
    if (!this.#extractor) return;
    this.#takeBlocks(this.#extractor.finish());
    this.#extractor = null;
    this.#blocksUntilS = Infinity;
  }

  /** Final VAD segments, s from the lesson start, in order. */
  addSegments(segments: SpeechSegment[]): void {
    this.#waiting.push(...segments);
    this.#match();
  }

  /**
   * Roles of the final segments that start before untilS (s from the lesson start); nowS is how
   * far the lesson has got, for the re-clustering period. Returns role segments in time order.
   */
  decide(untilS: number, nowS: number): RoleSegment[] {
    this.#match();
    this.#prune(untilS);
    const due: PendingSegment[] = [];
    while (this.#pending[0] && this.#pending[0].seg.startS < untilS) due.push(this.#pending.shift()!);
    if (!due.length) return [];
    const period = Math.max(this.#s.reclusterS, RECLUSTER_SHARE * nowS);
    if (!this.#model || nowS - this.#model.atS >= period) this.#fit(nowS);
    return due.flatMap((p) => this.#roles(p));
  }

  /** Lesson end: everything left is decided with clusters fitted on the whole lesson. */
  finish(nowS: number): RoleSegment[] {
    this.endRun();
    this.#match(true);
    if (this.#pending.length) this.#fit(nowS);
    return this.decide(Infinity, nowS);
  }

  /** Drops every voice description [PRIV-5]. */
  clear(): void {
    this.#extractor = null;
    this.#blocks = [];
    this.#waiting = [];
    this.#pending = [];
    this.#raws = [];
    this.#model = null;
  }

  #takeBlocks(blocks: FeatureBlock[]): void {
    for (const b of blocks) {
      b.startS += this.#offsetS;
      this.#blocks.push(b);
      this.#blocksUntilS = Math.max(this.#blocksUntilS, b.startS + BLOCK_S);
    }
    this.#match();
  }

  /** Turns each waiting segment whose blocks have all arrived into voice vectors. */
  #match(all = false): void {
    while (this.#waiting[0] && (all || this.#waiting[0].endS <= this.#blocksUntilS)) {
      const seg = this.#waiting.shift()!;
      // Blocks whose centre is before this segment's end can belong to no later segment.
      const cut = this.#blocks.findIndex((b) => b.startS + 0.125 >= seg.endS);
      const upTo = cut < 0 ? this.#blocks.length : cut;
      const mine = this.#blocks.splice(0, upTo);
      const sb = speechBlocks(mine, [seg]);
      const first = this.#raws.length;
      this.#raws.push(...rawVoices(sb, this.#r));
      this.#speechS += seg.endS - seg.startS;
      this.#pending.push({
        seg,
        blocks: sb.map((x) => x.block),
        first,
      });
    }
  }

  /**
   * Drops blocks no segment can claim any more, so a long quiet stretch holds no features: the
   * caller decides up to untilS only once the VAD is final there (its window closed), so any
   * segment still to come starts after it.
   */
  #prune(untilS: number): void {
    const keepFrom = Math.min(untilS, this.#waiting[0]?.startS ?? Infinity);
    const n = this.#blocks.findIndex((b) => b.startS + 0.125 >= keepFrom);
    this.#blocks.splice(0, n < 0 ? this.#blocks.length : n);
  }

  #fit(nowS: number): void {
    const t0 = performance.now();
    const raws = this.#raws;
    if (!raws.length || tooLittleSpeech(this.#speechS, raws.length, this.#r)) {
      // As offline: too little speech to tell voices apart, so it is the teacher's; fit again soon.
      this.#model = null;
      return;
    }
    const norm = fitNormaliser(raws, this.#r);
    this.#model = { norm, roles: fitRoleModel(normaliseVoices(raws, norm), this.#r), atS: nowS };
    this.#fits += 1;
    this.#fitMs += performance.now() - t0;
  }

  #roles(p: PendingSegment): RoleSegment[] {
    const sb = p.blocks.map((block) => ({ block, segment: 0 }));
    const model = this.#model;
    if (!model || sb.length === 0) {
      const teacher = sb.length === 0 ? this.#lastTeacher : true;
      return [{ startS: p.seg.startS, endS: p.seg.endS, role: teacher ? 'teacher' : 'student' }];
    }
    const vectors = normaliseVoices(this.#raws.slice(p.first, p.first + sb.length), model.norm);
    const isTeacher = decideTeacher(vectors, linkedBlocks(sb), model.roles, this.#r);
    this.#lastTeacher = isTeacher.at(-1) ?? true;
    return toSegments(sb, isTeacher, [p.seg]);
  }
}
