import { AgentError } from '../errors.ts';
import { ffmpegFailure, parseBenchCpuMs, runFfmpeg } from './ffmpeg-process.ts';

export interface DecodeVideoOptions {
  /** Frames per second to sample; the fps filter picks the nearest frame. */
  fps?: number;
  /** Output width in pixels; height keeps the aspect ratio, rounded to an even number. */
  width?: number;
  /** Decode keyframes only (`-skip_frame nokey`): about 16× less CPU on H.264, at coarser timing. */
  keyframesOnly?: boolean;
  /** Source size from the probe, needed to know each raw frame's byte length. */
  sourceWidth: number;
  sourceHeight: number;
  signal?: AbortSignal;
  onStats?: (stats: { frames: number; cpuMs: number | null }) => void;
}

export interface VideoFrame {
  index: number;
  /** Presentation time from the start of the input, s. */
  ptsS: number;
  width: number;
  height: number;
  /** Packed RGB24, width*height*3 bytes; held in memory only and dropped after analysis [PRIV-1]. */
  rgb: Uint8Array;
}

export function scaledHeight(width: number, sourceWidth: number, sourceHeight: number): number {
  return Math.max(2, Math.round((sourceHeight * width) / sourceWidth / 2) * 2);
}

/** Decodes small RGB frames from the first video stream through a pipe, never to disk [PRIV-1]. */
export async function* decodeVideo(file: string, options: DecodeVideoOptions): AsyncGenerator<VideoFrame> {
  const fps = options.fps ?? 1;
  const width = options.width ?? 320;
  if (options.sourceWidth <= 0 || options.sourceHeight <= 0) {
    throw new AgentError('E_DECODE', `video size of ${file} is unknown`);
  }
  const height = scaledHeight(width, options.sourceWidth, options.sourceHeight);
  const frameBytes = width * height * 3;
  const args = [
    ...['-hide_banner', '-nostdin', '-nostats', '-benchmark'],
    ...(options.keyframesOnly ? ['-skip_frame', 'nokey'] : []),
    ...['-i', file, '-map', '0:v:0', '-an', '-sn', '-dn'],
    ...['-vf', `fps=${fps},scale=${width}:${height}`, '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'],
  ];
  const run = runFfmpeg(args, options.signal);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let index = 0;
  let finished = false;
  try {
    for await (const chunk of run.child.stdout as AsyncIterable<Buffer>) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= frameBytes) {
        const all = Buffer.concat(pending, pendingBytes);
        const rgb = new Uint8Array(all.subarray(0, frameBytes));
        pending = [all.subarray(frameBytes)];
        pendingBytes -= frameBytes;
        yield { index, ptsS: index / fps, width, height, rgb };
        index += 1;
      }
    }
    const exit = await run.closed;
    finished = true;
    if (exit.code !== 0 || exit.spawnError) throw ffmpegFailure('video decode', file, run.tail, exit);
    options.onStats?.({ frames: index, cpuMs: parseBenchCpuMs(run.tail.lines()) });
  } finally {
    if (!finished) {
      run.child.kill('SIGKILL');
      await run.closed;
    }
  }
}
