import type { UnavailableReason } from '@classroom/protocol';
import { resolveModel } from '../../models/manifest.ts';
import type { AsrSettings, Transcriber } from './types.ts';
import { loadWhisperBinding } from './whisper-binding.ts';
import { WhisperTranscriber } from './whisper-transcriber.ts';

export type OpenResult =
  | { ok: true; transcriber: Transcriber; modelPath: string }
  | { ok: false; reason: UnavailableReason; message: string };

export interface OpenTranscriberOptions {
  manifestPath?: string;
  /** A device-local copy of the model; still verified against the manifest's sha256. */
  modelPath?: string;
}

/**
 * Verifies the profile's whisper model against the manifest and loads it. Every failure is a
 * reason, not an exception: the rest of the pipeline keeps running and windows carry
 * `speech: null` with `unavailable.speech` set, never zeros.
 */
export async function openTranscriber(
  settings: AsrSettings,
  options: OpenTranscriberOptions = {},
): Promise<OpenResult> {
  let modelPath: string;
  try {
    const verified = await resolveModel(settings.model, {
      ...(options.manifestPath ? { manifestPath: options.manifestPath } : {}),
      ...(options.modelPath ? { overridePath: options.modelPath } : {}),
    });
    modelPath = verified.path;
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message = `${(err as Error).message}; fetch it with "npx tsx scripts/fetch-models.ts ${settings.model}"`;
    if (code === 'E_MODEL_CHECKSUM') return { ok: false, reason: 'model-mismatch', message };
    if (code === 'E_MODEL_MISSING' || code === 'E_MODEL_UNKNOWN')
      return { ok: false, reason: 'no-model', message };
    return { ok: false, reason: 'error', message: (err as Error).message };
  }
  const binding = loadWhisperBinding();
  if (!binding.ok) return { ok: false, reason: 'error', message: binding.reason };
  try {
    return {
      ok: true,
      transcriber: await WhisperTranscriber.open(binding.binding, modelPath, settings),
      modelPath,
    };
  } catch (err) {
    return {
      ok: false,
      reason: 'error',
      message: `whisper.cpp could not load ${modelPath}: ${(err as Error).message}`,
    };
  }
}
