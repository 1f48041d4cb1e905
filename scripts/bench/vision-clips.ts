/**
 * Bench fixture clips for the vision stage, made by ffmpeg in a temporary folder the caller
 * deletes (never committed, never written by the agent itself). Each is 1920×1080 H.264 at 25 fps
 * with temporal noise, as a camera sensor adds, and one analysed frame per 2 s.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ffmpegPath } from '@classroom/edge-agent';
import { CCNU_ROOMS } from '../eval/lib/ccnu-rooms.ts';

export type ClipName = 'still' | 'room-a' | 'room-b' | 'street';

export interface Clip {
  name: ClipName;
  file: string;
  durationS: number;
  what: string;
}

const FILTER = 'scale=1920:1080,setsar=1,noise=alls=8:allf=t';
const CODEC = ['-r', '25', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'];
const ENCODE = ['-vf', FILTER, ...CODEC];

const run = (args: string[]) =>
  execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', ...args]);

/** Makes one clip in `tmp` from the shared data folder (`../shared/data/vision`). */
export function makeClip(name: ClipName, dataDir: string, tmp: string, stillImage?: string): Clip {
  const file = path.join(tmp, `${name}.mp4`);
  const ccnu = path.join(dataDir, 'ccnu-classroom/images');
  if (name === 'still') {
    // One photo looped for 20 s: only sensor noise changes, every reuse is exact (a best case).
    const image = stillImage ?? path.join(ccnu, '0187.jpg');
    run(['-loop', '1', '-i', image, '-t', '20', ...ENCODE, file]);
    return { name, file, durationS: 20, what: `${path.basename(image)} looped 20 s (no motion)` };
  }
  if (name === 'street') {
    // mmpose's demo.mp4: 5 frames (1 s, 5 fps) of a street walked through with a hand-held
    // camera, every pixel moves; each frame stretched to 2 s: the worst case for gating.
    const src = path.join(dataDir, 'mmpose/demo/demo.mp4');
    run(['-i', src, '-vf', `setpts=10*PTS,${FILTER}`, ...CODEC, file]);
    return { name, file, durationS: 10, what: 'mmpose demo.mp4, 5 street frames 0.2 s apart, each held 2 s' };
  }
  // Real motion between analysed frames, more than a 2-s step has (eval/lib/ccnu-rooms.ts).
  const photos = CCNU_ROOMS[name].map((f) => path.join(ccnu, f)).filter((f) => existsSync(f));
  const list = path.join(tmp, `${name}.txt`);
  // The concat demuxer wants the last file twice for its duration to count.
  const lines = photos.map((p) => `file '${p}'\nduration 2`);
  writeFileSync(list, `${lines.join('\n')}\nfile '${photos.at(-1) ?? ''}'\n`);
  run(['-f', 'concat', '-safe', '0', '-i', list, '-t', String(photos.length * 2), ...ENCODE, file]);
  return {
    name,
    file,
    durationS: photos.length * 2,
    what: `${photos.length} ClaBehavior photos of one room, fixed camera, one per 2 s (real motion)`,
  };
}

/** Clips whose sources exist here. */
export function availableClips(dataDir: string): ClipName[] {
  const have = (p: string) => existsSync(path.join(dataDir, p));
  const out: ClipName[] = [];
  if (have('ccnu-classroom/images') && readdirSync(path.join(dataDir, 'ccnu-classroom/images')).length)
    out.push('still', 'room-a', 'room-b');
  if (have('mmpose/demo/demo.mp4')) out.push('street');
  return out;
}
