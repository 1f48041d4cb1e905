import type { NativeWhisperModel, SmartWhisper } from './whisper-binding.ts';
import type { AsrSettings, TimedText, Transcriber } from './types.ts';

const RATE = 16_000;

/**
 * whisper.cpp through smart-whisper, one VAD segment per call. Greedy decoding (beam search
 * costs about 5x on a 2-core box). Returned text lives only in the caller's memory [PRIV-1].
 */
export class WhisperTranscriber implements Transcriber {
  private constructor(
    private readonly binding: SmartWhisper,
    private readonly model: NativeWhisperModel,
    private readonly settings: AsrSettings,
  ) {}

  static async open(
    binding: SmartWhisper,
    modelPath: string,
    settings: AsrSettings,
  ): Promise<WhisperTranscriber> {
    const model = await binding.WhisperModel.load(modelPath, false);
    return new WhisperTranscriber(binding, model, settings);
  }

  async transcribe(pcm: Float32Array, offsetS: number): Promise<TimedText[]> {
    const lengthMs = (pcm.length / RATE) * 1000;
    const task = await this.binding.TranscribeTask.run(this.model, pcm, {
      language: this.settings.language,
      n_threads: this.settings.threads,
      strategy: 0,
      format: 'simple',
      // One VAD segment is one context: no carry-over of earlier text between segments.
      no_context: true,
      suppress_non_speech_tokens: true,
      // No temperature fallback: it re-decodes a hard segment up to 5 more times, which makes
      // the worst case 6x the typical one on a device that must keep up with the lesson.
      temperature_inc: 0,
    });
    const out: TimedText[] = [];
    for (const seg of await task.result) {
      const text = seg.text.trim();
      if (!text) continue;
      // whisper may stamp past the end of short audio; clamp to the segment.
      const from = Math.min(Math.max(0, seg.from), lengthMs);
      const to = Math.min(Math.max(from, seg.to), lengthMs);
      out.push({ text, startS: offsetS + from / 1000, endS: offsetS + to / 1000 });
    }
    return out;
  }

  async close(): Promise<void> {
    await this.model.free();
  }
}
