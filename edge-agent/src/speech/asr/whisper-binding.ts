import { createRequire } from 'node:module';

/** The few parts of smart-whisper (a CommonJS native addon) the agent uses. */
export interface WhisperSegment {
  /** ms from the start of the PCM passed in. */
  from: number;
  to: number;
  text: string;
  lang?: string;
}

export interface NativeWhisperModel {
  free(): Promise<void>;
}

export interface SmartWhisper {
  WhisperModel: { load(file: string, gpu?: boolean): Promise<NativeWhisperModel> };
  TranscribeTask: {
    run(
      model: NativeWhisperModel,
      pcm: Float32Array,
      params: Record<string, unknown>,
    ): Promise<{ result: Promise<WhisperSegment[]> }>;
  };
}

export type BindingResult = { ok: true; binding: SmartWhisper; path: string } | { ok: false; reason: string };

let cached: BindingResult | null = null;

/**
 * Loads smart-whisper, an optional dependency: a device whose native build failed still runs
 * every other stage, and speech reports "unavailable" with this reason instead of crashing.
 */
export function loadWhisperBinding(): BindingResult {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  try {
    const path = require.resolve('smart-whisper');
    cached = { ok: true, binding: require('smart-whisper') as SmartWhisper, path };
  } catch (err) {
    cached = {
      ok: false,
      reason: `smart-whisper is not installed or its native build failed (${(err as Error).message.split('\n')[0]}); run "npm run build:whisper"`,
    };
  }
  return cached;
}
