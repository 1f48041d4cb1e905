import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { AgentError } from '../errors.ts';
import { resolveModel } from '../models/manifest.ts';
import type { OnnxPoseBackendSettings } from './settings-schema.ts';
import type { PersonPose, PoseBackend, PoseTimings, RgbFrame } from './types.ts';
import { decodeYoloPose, letterbox } from './yolo-pose-decode.ts';

/**
 * One-stage multi-person pose on onnxruntime-node (type "onnx-yolo-pose"): a YOLO-pose / RTMO-style
 * model listed in the manifest and fetched once by scripts/fetch-models (none ships on npm). The
 * frame is letterboxed in memory with sharp (grey 114 padding, RGB 0..1, NCHW) [PRIV-1].
 */
export class OnnxPoseBackend implements PoseBackend {
  readonly type = 'onnx-yolo-pose';
  readonly #settings: OnnxPoseBackendSettings;
  readonly #manifestPath: string | undefined;
  #session: ort.InferenceSession | null = null;

  constructor(settings: OnnxPoseBackendSettings, options: { manifestPath?: string } = {}) {
    this.#settings = settings;
    this.#manifestPath = options.manifestPath;
  }

  async start(): Promise<void> {
    if (this.#session) return;
    const model = await resolveModel(
      this.#settings.model,
      this.#manifestPath ? { manifestPath: this.#manifestPath } : {},
    );
    try {
      this.#session = await ort.InferenceSession.create(model.path, {
        intraOpNumThreads: this.#settings.threads,
        interOpNumThreads: 1,
        executionProviders: ['cpu'],
      });
    } catch (err) {
      throw new AgentError('E_MODEL_LOAD', `model ${this.#settings.model}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  async estimate(frame: RgbFrame): Promise<{ persons: PersonPose[]; timings: PoseTimings }> {
    const session = this.#session;
    if (!session) throw new Error('OnnxPoseBackend.start() was not called');
    const size = this.#settings.inputSize;
    const t0 = performance.now();
    const lb = letterbox(frame.width, frame.height, size);
    const { data } = await sharp(frame.rgb, {
      raw: { width: frame.width, height: frame.height, channels: 3 },
    })
      .resize(size, size, { fit: 'contain', background: { r: 114, g: 114, b: 114 } })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const plane = size * size;
    const chw = new Float32Array(3 * plane);
    for (let i = 0; i < plane; i++) {
      chw[i] = (data[i * 3] ?? 0) / 255;
      chw[plane + i] = (data[i * 3 + 1] ?? 0) / 255;
      chw[2 * plane + i] = (data[i * 3 + 2] ?? 0) / 255;
    }
    const t1 = performance.now();
    const input = session.inputNames[0] as string;
    const out = await session.run({ [input]: new ort.Tensor('float32', chw, [1, 3, size, size]) });
    const t2 = performance.now();
    const tensor = out[session.outputNames[0] as string] as ort.Tensor;
    const persons = decodeYoloPose(tensor.data as Float32Array, tensor.dims, lb, this.#settings.minScore);
    const t3 = performance.now();
    return { persons, timings: { preprocessMs: t1 - t0, detectMs: t2 - t1, poseMs: t3 - t2 } };
  }

  async stop(): Promise<void> {
    await this.#session?.release();
    this.#session = null;
  }
}
