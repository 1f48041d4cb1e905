import type { SourceErrorCode } from '@classroom/protocol';

/** What the supervisor knows about one failed ffmpeg run. */
export interface FailedRun {
  /** The watchdog stopped ffmpeg: no media within the stall or start time. */
  stalled: boolean;
  hadData: boolean;
  spawnError: Error | null;
  /** The reader gave up on ffmpeg's output (not the pictures or samples asked for). */
  badOutput: boolean;
  /** ffmpeg's last stderr lines, credentials already stripped. */
  stderr: readonly string[];
}

/**
 * ffmpeg's messages for the failures IT can act on, first match wins; tried on the last lines,
 * newest first, since the line that explains the exit comes last. Patterns are ffmpeg's own
 * wording (http.c, rtsp.c, v4l2.c, libavformat's strerror texts).
 */
const STDERR_RULES: [RegExp, SourceErrorCode][] = [
  [/connection refused/i, 'refused'],
  [/\b40[13]\b|unauthori[sz]ed|forbidden|authori[sz]ation failed|access denied/i, 'auth-failed'],
  [/permission denied|operation not permitted/i, 'permission-denied'],
  [/\b404\b|no such file or directory|no such device/i, 'not-found'],
  [/device or resource busy/i, 'busy'],
  [/\b5(?:\d\d|XX)\b.*(?:server error|service unavailable|reply)|service unavailable/i, 'server-error'],
  [
    /timed out|no route to host|network is unreachable|host is unreachable|failed to resolve|name or service not known|temporary failure in name resolution/i,
    'unreachable',
  ],
  [/invalid data found|could not find codec parameters/i, 'bad-stream'],
];

/**
 * The status code for a failed run [PRIV-2: an enum, never ffmpeg's text]: what the supervisor
 * saw itself comes first (media stopping mid-run is a stall whatever ffmpeg then prints), then
 * what ffmpeg said, then the bare outcome.
 */
export function sourceErrorCode(run: FailedRun): SourceErrorCode {
  if (run.spawnError)
    return (run.spawnError as NodeJS.ErrnoException).code === 'ENOENT' ? 'ffmpeg-missing' : 'ended';
  if (run.stalled && run.hadData) return 'stalled';
  if (run.badOutput) return 'bad-stream';
  for (let i = run.stderr.length - 1; i >= 0; i--) {
    const line = run.stderr[i]!;
    for (const [pattern, code] of STDERR_RULES) if (pattern.test(line)) return code;
  }
  return run.stalled ? 'start-timeout' : 'ended';
}
