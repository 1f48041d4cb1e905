import type { WindowV1 } from '@classroom/protocol';
import { gap, rangeOf, round, runsOf } from './common.ts';
import type { Part, TimeRange } from './types.ts';

/**
 * Hands raised and students standing, from class-level peaks per window (no per-student tracks
 * leave the device [PRIV-2]). A null figure inside a vision section means the device withheld it
 * (too few students visible [PRIV-3]); such windows are skipped, never read as zero.
 */
export const TOP_HAND_PEAKS = 5;
/** An episode where at least half the visible students stand is the class rising (起立), not an answer. */
export const WHOLE_CLASS_STANDING_SHARE = 0.5;

export interface HandPeak extends TimeRange {
  handsRaised: number;
}

export interface StandingEpisode extends TimeRange {
  /** Most students standing at once during the episode. */
  peak: number;
  wholeClass: boolean;
}

export interface ParticipationAnalysis {
  hands: Part<{
    windows: number;
    max: number;
    windowsWithHands: number;
    /** Up to TOP_HAND_PEAKS windows with the most hands up, most first (earliest on ties). */
    peaks: HandPeak[];
  }>;
  standing: Part<{
    windows: number;
    /** Runs of consecutive windows with anyone standing; one run may hold several answers. */
    episodes: StandingEpisode[];
    /**
     * Standing answers: episodes that are not the whole class rising. A lower bound, because two
     * answers in adjacent windows merge into one episode.
     */
    standingAnswers: number;
  }>;
}

export function analyseParticipation(windows: readonly WindowV1[]): Part<ParticipationAnalysis> {
  const seen = windows.filter((w) => w.vision);
  if (seen.length === 0) return gap('no-vision', windows, 'vision');
  return { hands: hands(seen), standing: standing(seen) };
}

function hands(seen: readonly WindowV1[]): ParticipationAnalysis['hands'] {
  const hw = seen.filter((w) => w.vision!.handsRaisedPeak !== null);
  if (hw.length === 0) return { unavailable: 'suppressed' };
  const count = (w: WindowV1) => w.vision!.handsRaisedPeak!;
  const peaks = hw
    .filter((w) => count(w) > 0)
    .sort((a, b) => count(b) - count(a) || a.startMs - b.startMs)
    .slice(0, TOP_HAND_PEAKS)
    .map((w) => ({ startMs: w.startMs, endMs: w.endMs, handsRaised: count(w) }));
  return {
    windows: hw.length,
    max: Math.max(...hw.map(count)),
    windowsWithHands: hw.filter((w) => count(w) > 0).length,
    peaks,
  };
}

function standing(seen: readonly WindowV1[]): ParticipationAnalysis['standing'] {
  const sw = seen.filter((w) => w.vision!.standingPeak !== null);
  if (sw.length === 0) return { unavailable: 'suppressed' };
  const episodes = runsOf(sw, (w) => w.vision!.standingPeak! > 0).map((run) => {
    const peak = Math.max(...run.map((w) => w.vision!.standingPeak!));
    const visible = run.reduce((t, w) => t + w.vision!.personsVisibleMean, 0) / run.length;
    return {
      ...rangeOf(run),
      peak,
      wholeClass: visible > 0 && peak >= round(visible * WHOLE_CLASS_STANDING_SHARE),
    };
  });
  return { windows: sw.length, episodes, standingAnswers: episodes.filter((e) => !e.wholeClass).length };
}
