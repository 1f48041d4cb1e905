import { redactUrl } from './stderr-tail.ts';

/**
 * A live audio input. Each kind is one row of ffmpeg input arguments [style 2]; `extraInputArgs`
 * lets a device profile add options a particular camera or sound card needs.
 * - alsa: a sound card by ALSA name, e.g. "hw:1" or "plughw:1,0" (`ffmpeg -f alsa -i hw:1`).
 * - pulse: a PulseAudio source, e.g. "default" (`ffmpeg -f pulse -i default`).
 * - url: a camera or encoder stream, rtsp:// (forced over TCP: UDP loses packets on school Wi-Fi
 *   and NAT), http(s)://, or anything else ffmpeg opens. The URL may carry credentials; they are
 *   stripped from everything that is logged or reported [PRIV-1, style 7].
 */
export type LiveSource =
  | { kind: 'alsa'; device: string; channels?: number; extraInputArgs?: string[] }
  | { kind: 'pulse'; device: string; channels?: number; extraInputArgs?: string[] }
  | { kind: 'url'; url: string; channels?: number; extraInputArgs?: string[] };

/** ffmpeg arguments that open the source (everything before the output options). */
export function liveInputArgs(source: LiveSource): string[] {
  const extra = source.extraInputArgs ?? [];
  switch (source.kind) {
    case 'alsa':
    case 'pulse':
      // A sound card opens with its own channel count unless told; -ac here asks the driver for N.
      return [
        '-f',
        source.kind,
        ...(source.channels ? ['-ac', String(source.channels)] : []),
        ...extra,
        '-i',
        source.device,
      ];
    case 'url':
      return [
        ...(/^rtsps?:/i.test(source.url) ? ['-rtsp_transport', 'tcp'] : []),
        ...extra,
        '-i',
        source.url,
      ];
  }
}

/** The source as it may appear in logs and health reports: URL credentials replaced by ***. */
export function describeSource(source: LiveSource): string {
  return source.kind === 'url' ? `url ${redactUrl(source.url)}` : `${source.kind} ${source.device}`;
}
