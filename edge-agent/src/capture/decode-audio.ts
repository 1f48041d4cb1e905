import { AgentError } from '../errors.ts';
import { ffmpegFailure, parseBenchCpuMs, runFfmpeg } from './ffmpeg-process.ts';
import { PcmReader } from './pcm-reader.ts';

/** The analysis rate: Silero VAD and whisper both take 16 kHz mono. */
export const ANALYSIS_SAMPLE_RATE = 16_000;

export interface DecodeAudioOptions {
  sampleRate?: number;
  signal?: AbortSignal;
  /** Called once at the end with ffmpeg's own CPU time (from `-benchmark`) and the sample count. */
  onStats?: (stats: DecodeStats) => void;
}

export interface DecodeStats {
  samples: number;
  /** ffmpeg user+system CPU time, ms; null if ffmpeg did not print it. */
  cpuMs: number | null;
}

/**
 * Decodes the first audio stream of any file ffmpeg reads (wav of any rate or sample format, mp4,
 * ogg, ...) to mono float32 PCM, as chunks straight from the pipe. Samples exist only in this
 * process's memory, never on disk [PRIV-1]. Throws E_NO_AUDIO or E_DECODE with ffmpeg's last lines.
 */
export async function* decodeAudio(
  file: string,
  options: DecodeAudioOptions = {},
): AsyncGenerator<Float32Array> {
  const rate = options.sampleRate ?? ANALYSIS_SAMPLE_RATE;
  const args = [
    ...['-hide_banner', '-nostdin', '-nostats', '-benchmark'],
    ...['-i', file],
    ...['-map', '0:a:0', '-vn', '-sn', '-dn'],
    ...['-ac', '1', '-ar', String(rate), '-f', 'f32le', 'pipe:1'],
  ];
  const run = runFfmpeg(args, options.signal);
  const reader = new PcmReader();
  let samples = 0;
  let finished = false;
  try {
    for await (const chunk of run.child.stdout as AsyncIterable<Buffer>) {
      const pcm = reader.push(chunk);
      if (pcm.length === 0) continue;
      samples += pcm.length;
      yield pcm;
    }
    const exit = await run.closed;
    finished = true;
    if (exit.code !== 0 || exit.spawnError) {
      throw ffmpegFailure('audio decode', file, run.tail, exit, 'E_NO_AUDIO');
    }
    if (samples === 0) {
      throw new AgentError(
        'E_DECODE',
        `no audio samples decoded from ${file}; ffmpeg said:\n${run.tail.text()}`,
      );
    }
    options.onStats?.({ samples, cpuMs: parseBenchCpuMs(run.tail.lines()) });
  } finally {
    // The consumer stopped early (error or break): do not leave ffmpeg running.
    if (!finished) {
      run.child.kill('SIGKILL');
      await run.closed;
    }
  }
}
