import { ChannelRoleTracker, type ChannelRoleSettings } from './channel-roles.ts';
import { FrameSplitter } from './frame-splitter.ts';
import type { RoleSegment } from './role-types.ts';
import { SileroVad, type SileroVadOptions } from './silero-vad.ts';

/**
 * Teacher-channel attribution over interleaved multi-channel PCM: one Silero VAD per channel (each
 * keeps its own LSTM state, so channels never mix), frames in lock-step, then ChannelRoleTracker.
 * Times are s from the stream start (or from the last reset()).
 */
export class ChannelRoleStage {
  readonly channels: number;
  readonly #vads: SileroVad[];
  readonly #settings: Partial<ChannelRoleSettings> & { teacherChannel: number };
  readonly #rate: number;
  #splitters: FrameSplitter[];
  #tracker: ChannelRoleTracker;

  private constructor(
    vads: SileroVad[],
    settings: Partial<ChannelRoleSettings> & { teacherChannel: number },
    rate: number,
  ) {
    this.channels = vads.length;
    this.#vads = vads;
    this.#settings = settings;
    this.#rate = rate;
    this.#splitters = vads.map((v) => new FrameSplitter(v.frameSamples));
    this.#tracker = new ChannelRoleTracker(vads.length, settings, rate);
  }

  static async create(
    channels: number,
    settings: Partial<ChannelRoleSettings> & { teacherChannel: number },
    vadOptions: SileroVadOptions = {},
  ): Promise<ChannelRoleStage> {
    // Checks the teacher channel index before loading any model.
    new ChannelRoleTracker(channels, settings);
    const vads: SileroVad[] = [];
    for (let c = 0; c < channels; c++) vads.push(await SileroVad.create(vadOptions));
    return new ChannelRoleStage(vads, settings, 16_000);
  }

  /** Feeds interleaved samples (whole frames of `channels`); returns role pieces now final. */
  async push(interleaved: Float32Array): Promise<RoleSegment[]> {
    const n = interleaved.length / this.channels;
    const perChannel = this.#vads.map(() => new Float32Array(n));
    for (let i = 0; i < n; i++)
      for (let c = 0; c < this.channels; c++) perChannel[c]![i] = interleaved[i * this.channels + c]!;
    const framesPerChannel = perChannel.map((x, c) => this.#splitters[c]!.push(x));
    const out: RoleSegment[] = [];
    for (let f = 0; f < framesPerChannel[0]!.length; f++) {
      const frames = framesPerChannel.map((fs) => fs[f]!);
      out.push(...(await this.#frame(frames, frames[0]!.length)));
    }
    return out;
  }

  /** Processes the partial last frame and decides everything left. */
  async finish(): Promise<RoleSegment[]> {
    const tails = this.#splitters.map((s) => s.flush());
    const out: RoleSegment[] = [];
    const first = tails[0];
    if (first)
      out.push(
        ...(await this.#frame(
          tails.map((t) => t!.frame),
          first.length,
        )),
      );
    out.push(...this.#tracker.finish());
    return out;
  }

  get watermarkS(): number {
    return this.#tracker.watermarkS;
  }

  /** A new, unrelated stretch of audio (after a source gap): fresh VAD states and tracker. */
  reset(): void {
    for (const v of this.#vads) v.reset();
    this.#splitters = this.#vads.map((v) => new FrameSplitter(v.frameSamples));
    this.#tracker = new ChannelRoleTracker(this.channels, this.#settings, this.#rate);
  }

  async close(): Promise<void> {
    for (const v of this.#vads) await v.close();
  }

  async #frame(frames: Float32Array[], length: number): Promise<RoleSegment[]> {
    const probs: number[] = [];
    const ms: number[] = [];
    for (let c = 0; c < frames.length; c++) {
      const frame = frames[c]!;
      probs.push(await this.#vads[c]!.process(frame));
      let sum = 0;
      for (let i = 0; i < length; i++) sum += frame[i]! * frame[i]!;
      ms.push(sum / Math.max(1, length));
    }
    return this.#tracker.push(probs, ms, length);
  }
}
