/** ASR settings from the device profile's `speech` block. */
export interface AsrSettings {
  /** Manifest id of the ggml whisper model, e.g. "whisper-base-q5-1". */
  model: string;
  /** 'auto' lets whisper detect per segment (Mandarin and English lessons); else forced. */
  language: 'auto' | 'zh' | 'en';
  /** whisper.cpp threads. */
  threads: number;
}

/** One piece of recognised text with its times, s from the lesson start. Memory only [PRIV-1]. */
export interface TimedText {
  text: string;
  startS: number;
  endS: number;
}

/** Turns one speech segment's PCM into timed text. */
export interface Transcriber {
  transcribe(pcm: Float32Array, offsetS: number): Promise<TimedText[]>;
  close(): Promise<void>;
}
