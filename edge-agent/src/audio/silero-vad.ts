import * as ort from 'onnxruntime-node';
import { AgentError } from '../errors.ts';
import { resolveModel } from '../models/manifest.ts';

export const SILERO_MODEL_ID = 'silero-vad-v4';
/** 96 ms at 16 kHz: Silero v4's largest supported frame, about 2.6× cheaper per second than 512. */
export const DEFAULT_FRAME_SAMPLES = 1536;
const SUPPORTED_FRAMES = new Set([512, 1024, 1536]);
const STATE_SIZE = 2 * 1 * 64;

export interface SileroVadOptions {
  /** Use this model file instead of the manifest's; it is still checked against the manifest. */
  modelPath?: string;
  manifestPath?: string;
  /** onnxruntime intra-op threads; 1 by default so decoding and the cloud keep the other core. */
  threads?: number;
  frameSamples?: number;
}

/**
 * Streaming Silero VAD v4 on onnxruntime-node. The LSTM state (h, c) is carried from one frame to
 * the next, so a lesson is one continuous stream however the decoder chunks it.
 */
export class SileroVad {
  readonly frameSamples: number;
  readonly sampleRate = 16_000;
  #session: ort.InferenceSession;
  #h: Float32Array = new Float32Array(STATE_SIZE);
  #c: Float32Array = new Float32Array(STATE_SIZE);
  readonly #sr = new ort.Tensor('int64', BigInt64Array.from([16_000n]), [1]);
  #inferenceMs = 0;
  #frames = 0;

  private constructor(session: ort.InferenceSession, frameSamples: number) {
    this.#session = session;
    this.frameSamples = frameSamples;
  }

  /** Verifies the model against models/manifest.json (E_MODEL_CHECKSUM on mismatch), then loads it. */
  static async create(options: SileroVadOptions = {}): Promise<SileroVad> {
    const frameSamples = options.frameSamples ?? DEFAULT_FRAME_SAMPLES;
    if (!SUPPORTED_FRAMES.has(frameSamples)) {
      throw new AgentError('E_USAGE', `Silero v4 takes 512, 1024 or 1536-sample frames, not ${frameSamples}`);
    }
    const model = await resolveModel(SILERO_MODEL_ID, {
      ...(options.manifestPath ? { manifestPath: options.manifestPath } : {}),
      ...(options.modelPath ? { overridePath: options.modelPath } : {}),
    });
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(model.path, {
        intraOpNumThreads: options.threads ?? 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
      });
    } catch (err) {
      throw new AgentError('E_MODEL_LOAD', `cannot load ${model.path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    return new SileroVad(session, frameSamples);
  }

  /** Speech probability (0..1) of one frame of exactly `frameSamples` samples at 16 kHz. */
  async process(frame: Float32Array): Promise<number> {
    if (frame.length !== this.frameSamples) {
      throw new AgentError('E_USAGE', `frame has ${frame.length} samples, expected ${this.frameSamples}`);
    }
    const t0 = performance.now();
    const out = await this.#session.run({
      input: new ort.Tensor('float32', frame, [1, frame.length]),
      sr: this.#sr,
      h: new ort.Tensor('float32', this.#h, [2, 1, 64]),
      c: new ort.Tensor('float32', this.#c, [2, 1, 64]),
    });
    this.#inferenceMs += performance.now() - t0;
    this.#frames += 1;
    this.#h = out.hn!.data as Float32Array;
    this.#c = out.cn!.data as Float32Array;
    return (out.output!.data as Float32Array)[0] ?? 0;
  }

  /** Forgets the stream's state, for a new, unrelated recording. */
  reset(): void {
    this.#h = new Float32Array(STATE_SIZE);
    this.#c = new Float32Array(STATE_SIZE);
  }

  /** Wall time spent inside inference so far, ms (one thread, so close to its CPU time). */
  get inferenceMs(): number {
    return this.#inferenceMs;
  }

  get framesProcessed(): number {
    return this.#frames;
  }

  async close(): Promise<void> {
    await this.#session.release();
  }
}
