import type { GraphModel } from '@tensorflow/tfjs-converter';
import { detectPersons, mergeDetections, type Detection } from './centernet-detector.ts';
import { tiles } from './geometry.ts';
import { estimatePoses, personCrop } from './movenet-pose.ts';
import { PoseGate } from './pose-gate.ts';
import { toWorkingSize } from './preprocess.ts';
import type { TfjsWasmBackendSettings } from './settings-schema.ts';
import { loadTfjsModel, tf } from './tfjs-runtime.ts';
import type { Box, Keypoint, PersonPose, PoseBackend, PoseTimings, RgbFrame } from './types.ts';

/** CPU time of this process (all its threads: sharp's workers too), ms; wall time lies on a busy machine. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Detector-first pose (type "tfjs-wasm"): CenterNet on the whole frame plus overlapping tiles (so
 * the small students at the back are found), merged by NMS; then MoveNet Lightning on each person's
 * square crop. The detector's boxes are reused for `detectEveryS` (students stay in their seats);
 * with `poseReuse`, a person whose crop barely changed keeps its last pose (pose-gate.ts), else
 * pose runs on every person. All tensors live in WASM memory and are freed per frame [PRIV-1].
 */
export class TfjsWasmBackend implements PoseBackend {
  readonly type = 'tfjs-wasm';
  readonly #settings: TfjsWasmBackendSettings;
  readonly #manifestPath: string | undefined;
  #detector: GraphModel | null = null;
  #pose: GraphModel | null = null;
  #cached: { atS: number; width: number; dets: Detection[] } | null = null;
  readonly #gate: PoseGate | null;
  /** How many frames ran the detector (the others reused its boxes). */
  detectorRuns = 0;

  constructor(settings: TfjsWasmBackendSettings, options: { manifestPath?: string } = {}) {
    this.#settings = settings;
    this.#manifestPath = options.manifestPath;
    const reuse = settings.poseReuse;
    this.#gate = reuse && reuse.maxChange > 0 ? new PoseGate(reuse) : null;
  }

  /** Person crops seen and those whose pose was reused by the motion gate (0 when it is off). */
  get poseReuse(): { seen: number; reused: number; deferred: number } {
    const g = this.#gate;
    return { seen: g?.seen ?? 0, reused: g?.reused ?? 0, deferred: g?.deferred ?? 0 };
  }

  async start(): Promise<void> {
    const opts = this.#manifestPath ? { manifestPath: this.#manifestPath } : {};
    this.#detector ??= await loadTfjsModel(this.#settings.detector, opts);
    this.#pose ??= await loadTfjsModel(this.#settings.pose, opts);
  }

  async estimate(
    input: RgbFrame,
    options: { timeS?: number } = {},
  ): Promise<{ persons: PersonPose[]; timings: PoseTimings }> {
    if (!this.#detector || !this.#pose) throw new Error('TfjsWasmBackend.start() was not called');
    const t0 = cpuMs();
    const frame = await toWorkingSize(input, this.#settings.workingWidth);
    const scale = input.width / frame.width;
    const tensor = tf.tidy(() =>
      tf.cast(tf.tensor3d(frame.rgb, [frame.height, frame.width, 3], 'int32'), 'float32'),
    ) as tf.Tensor3D;
    const t1 = cpuMs();
    try {
      const dets = await this.#detections(tensor, frame, options.timeS);
      const t2 = cpuMs();
      const keypoints = await this.#poses(
        tensor,
        frame,
        dets.map((d) => personCrop(d.box)),
        options.timeS,
      );
      const t3 = cpuMs();
      const persons = dets.map((d, i) => ({
        box: { x: d.box.x * scale, y: d.box.y * scale, w: d.box.w * scale, h: d.box.h * scale },
        score: d.score,
        keypoints: (keypoints[i] ?? []).map((k) => ({ x: k.x * scale, y: k.y * scale, score: k.score })),
      }));
      return { persons, timings: { preprocessMs: t1 - t0, detectMs: t2 - t1, poseMs: t3 - t2 } };
    } finally {
      tensor.dispose();
    }
  }

  /** MoveNet on every crop, or only on the crops the motion gate says moved (frame times known). */
  async #poses(
    tensor: tf.Tensor3D,
    frame: RgbFrame,
    crops: Box[],
    timeS: number | undefined,
  ): Promise<Keypoint[][]> {
    const pose = this.#pose as GraphModel;
    if (!this.#gate || timeS === undefined) return estimatePoses(pose, tensor, crops);
    const decisions = this.#gate.decide(frame, crops, timeS);
    const run = decisions.flatMap((d, i) => (d.reuse ? [] : [i]));
    const fresh = await estimatePoses(
      pose,
      tensor,
      run.map((i) => crops[i] as Box),
    );
    const out = decisions.map((d) => d.reuse ?? []);
    run.forEach((i, j) => (out[i] = fresh[j] ?? []));
    this.#gate.remember(decisions, crops, out, timeS);
    return out;
  }

  async #detections(tensor: tf.Tensor3D, frame: RgbFrame, timeS: number | undefined): Promise<Detection[]> {
    const c = this.#cached;
    if (
      c &&
      timeS !== undefined &&
      c.width === frame.width &&
      timeS >= c.atS &&
      timeS - c.atS < this.#settings.detectEveryS
    )
      return c.dets;
    this.detectorRuns += 1;
    const { cols, rows, overlap } = this.#settings.tiles;
    const whole = { x: 0, y: 0, w: frame.width, h: frame.height };
    const regions =
      cols * rows > 1 ? [whole, ...tiles(frame.width, frame.height, cols, rows, overlap)] : [whole];
    const dets = mergeDetections(
      await detectPersons(this.#detector as GraphModel, tensor, regions, this.#settings.minDetectionScore),
    );
    this.#cached = timeS === undefined ? null : { atS: timeS, width: frame.width, dets };
    return dets;
  }

  async stop(): Promise<void> {
    this.#detector?.dispose();
    this.#pose?.dispose();
    this.#detector = null;
    this.#pose = null;
    this.#cached = null;
    this.#gate?.reset();
  }
}
