import type { SourceErrorCode } from '@classroom/protocol';

/**
 * Health of a live source, for the agent's status report [style 7, 8]:
 * - ok: audio arrived within the stall time;
 * - degraded: no audio right now, ffmpeg is being restarted (fewer than `downAfterFailures` failed
 *   starts in a row), or the capture has not produced its first audio yet;
 * - down: that many starts in a row produced no audio; retries continue with backoff.
 */
export type HealthState = 'ok' | 'degraded' | 'down';

export interface CaptureHealth {
  state: HealthState;
  /** The source with URL credentials replaced by *** [PRIV-1]. */
  source: string;
  /** Times audio came back after it had been lost (ffmpeg exit or stall). */
  reconnects: number;
  /** ffmpeg starts after the first one. */
  restarts: number;
  /** ffmpeg runs in a row that ended, counting the last run that produced audio as the first. */
  consecutiveFailures: number;
  /** Wall-clock time of the last audio received, Unix ms; null before the first. */
  lastDataMs: number | null;
  /** Why the last run ended, with ffmpeg's last lines (credentials stripped); null while none failed. */
  lastError: string | null;
  /** The same as a closed code, for the status report (free text never leaves) [PRIV-2]; null while none failed. */
  lastErrorCode: SourceErrorCode | null;
  /** Delay before the next start while waiting on backoff, ms; null otherwise. */
  retryInMs: number | null;
}
