import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { resolveUrlHosts } from '../capture/resolve-url-host.ts';

const run = promisify(execFile);

/** V4L2 capture devices (/dev/videoN with a readable name in sysfs). */
export function listCameras(): { device: string; name: string }[] {
  if (!existsSync('/dev')) return [];
  return readdirSync('/dev')
    .filter((d) => /^video\d+$/.test(d))
    .map((d) => {
      let name = 'unknown';
      try {
        name = readFileSync(`/sys/class/video4linux/${d}/name`, 'utf8').trim();
      } catch {
        /* no sysfs entry: keep "unknown" */
      }
      return { device: `/dev/${d}`, name };
    });
}

/** ALSA capture cards from /proc/asound/cards (no arecord needed). */
export function listMicrophones(): { card: string; name: string }[] {
  let text: string;
  try {
    text = readFileSync('/proc/asound/cards', 'utf8');
  } catch {
    return [];
  }
  const cards: { card: string; name: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+\[([^\]]+)\]:\s*(.*)$/.exec(line);
    if (m) cards.push({ card: `hw:${m[1]}`, name: `${m[2]!.trim()} ${m[3]!.trim()}`.trim() });
  }
  return cards;
}

/**
 * Opens an RTSP/HTTP stream with ffmpeg for a moment to prove it delivers video. The URL's
 * credentials are stripped from anything reported (Frigate's LogPipe does the same).
 */
export async function probeStream(
  ffmpeg: string,
  url: string,
  timeoutMs = 8000,
): Promise<{ ok: boolean; detail: string }> {
  const safe = url.replace(/\/\/[^@/]*@/, '//***@');
  let args: string[];
  try {
    // As the capture does: the bundled ffmpeg cannot resolve names (an HTTP camera keeps its Host).
    args = await resolveUrlHosts([
      '-hide_banner',
      '-rtsp_transport',
      'tcp',
      '-i',
      url,
      '-t',
      '0.5',
      '-f',
      'null',
      '-',
    ]);
  } catch (err) {
    return { ok: false, detail: `${safe}: ${(err as Error).message}` };
  }
  try {
    const { stderr } = await run(ffmpeg, args, { timeout: timeoutMs });
    const video = /Stream #.*Video: ([^,\n]+)/.exec(stderr)?.[1] ?? 'no video stream';
    return { ok: true, detail: `${safe}: ${video}` };
  } catch (err) {
    const tail = String((err as { stderr?: string }).stderr ?? (err as Error).message)
      .trim()
      .split('\n')
      .pop()
      ?.replace(/\/\/[^@/]*@/g, '//***@');
    return { ok: false, detail: `${safe}: ${tail ?? 'no answer'}` };
  }
}
