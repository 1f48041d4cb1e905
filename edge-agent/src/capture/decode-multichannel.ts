import { ANALYSIS_SAMPLE_RATE } from './decode-audio.ts';
import { ffmpegFailure, runFfmpeg } from './ffmpeg-process.ts';
import { PcmReader } from './pcm-reader.ts';

/**
 * Decodes the first audio stream keeping `channels` channels (the source's own layout: pass the
 * probed count so ffmpeg's `-ac` changes nothing), float32 interleaved at 16 kHz, whole frames per
 * chunk. For a teacher channel beside room mics; memory only [PRIV-1].
 */
export async function* decodeMultichannel(
  file: string,
  channels: number,
  signal?: AbortSignal,
): AsyncGenerator<Float32Array> {
  const args = [
    ...['-hide_banner', '-nostdin', '-nostats', '-i', file, '-map', '0:a:0', '-vn', '-sn', '-dn'],
    ...['-ac', String(channels), '-ar', String(ANALYSIS_SAMPLE_RATE), '-f', 'f32le', 'pipe:1'],
  ];
  const run = runFfmpeg(args, signal);
  const reader = new PcmReader();
  let carry = new Float32Array(0);
  let finished = false;
  try {
    for await (const buf of run.child.stdout as AsyncIterable<Buffer>) {
      const floats = reader.push(buf);
      const all = new Float32Array(carry.length + floats.length);
      all.set(carry);
      all.set(floats, carry.length);
      const whole = all.length - (all.length % channels);
      carry = all.slice(whole);
      if (whole > 0) yield all.subarray(0, whole);
    }
    const exit = await run.closed;
    finished = true;
    if (exit.code !== 0 || exit.spawnError)
      throw ffmpegFailure('audio decode', file, run.tail, exit, 'E_NO_AUDIO');
  } finally {
    if (!finished) {
      run.child.kill('SIGKILL');
      await run.closed;
    }
  }
}
