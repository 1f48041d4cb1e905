import { describeSource, liveInputArgs } from './live-source.ts';

/**
 * A live camera input [style 2: one row of ffmpeg input arguments per kind]:
 * - url: an RTSP/HTTP stream; use the camera's sub-stream (e.g. 640×360) where it has one, since
 *   decoding is the main cost. RTSP goes over TCP and credentials are stripped from anything
 *   logged, exactly as for a URL audio source (live-source.ts) [PRIV-1].
 * - v4l2: a local camera device such as /dev/video0 (`ffmpeg -f v4l2 -i /dev/video0`).
 * `extraInputArgs` carries what one camera needs (`-input_format mjpeg`, `-video_size 640x360`,
 * or a hardware decoder `-hwaccel ...` where the device profile allows it).
 */
export type LiveVideoSource =
  | { kind: 'url'; url: string; extraInputArgs?: string[] }
  | { kind: 'v4l2'; device: string; extraInputArgs?: string[] };

/** ffmpeg arguments that open the camera (everything before the output options). */
export function videoInputArgs(source: LiveVideoSource): string[] {
  if (source.kind === 'url') return liveInputArgs(source);
  return ['-f', 'v4l2', ...(source.extraInputArgs ?? []), '-i', source.device];
}

/** The camera as it may appear in logs and health reports: URL credentials replaced by ***. */
export function describeVideoSource(source: LiveVideoSource): string {
  return source.kind === 'url' ? describeSource(source) : `v4l2 ${source.device}`;
}
