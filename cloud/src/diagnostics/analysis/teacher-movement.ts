import type { WindowV1 } from '@classroom/protocol';
import { gap, round, sum } from './common.ts';
import type { Part } from './types.ts';

/**
 * Where the teacher stood and how far they moved, summed over windows that report it. Zones are
 * coarse classroom areas; no position track leaves the device [PRIV-2].
 */
export const ZONES = ['podium', 'board', 'aisle', 'back'] as const;
export type Zone = (typeof ZONES)[number];

export interface MovementAnalysis {
  windows: number;
  /** Metres, over windows with a distance figure. */
  movedM: number | null;
  zoneS: Record<Zone, number> | null;
  /** Each zone's share of the seconds the teacher was placed in any zone. */
  zoneShares: Record<Zone, number> | null;
}

export function analyseMovement(windows: readonly WindowV1[]): Part<MovementAnalysis> {
  const seen = windows.filter((w) => w.vision);
  if (seen.length === 0) return gap('no-vision', windows, 'vision');
  const moved = seen.flatMap((w) => (w.vision!.teacherMovedM === null ? [] : [w.vision!.teacherMovedM]));
  const zoned = seen.flatMap((w) => (w.vision!.teacherZoneS === null ? [] : [w.vision!.teacherZoneS]));
  if (moved.length === 0 && zoned.length === 0) return { unavailable: 'suppressed' };
  const zoneS = Object.fromEntries(ZONES.map((z) => [z, round(sum(zoned.map((s) => s[z])))])) as Record<
    Zone,
    number
  >;
  const placed = sum(ZONES.map((z) => zoneS[z]));
  return {
    windows: seen.filter((w) => w.vision!.teacherMovedM !== null || w.vision!.teacherZoneS !== null).length,
    movedM: moved.length > 0 ? round(sum(moved)) : null,
    zoneS: zoned.length > 0 ? zoneS : null,
    zoneShares:
      zoned.length > 0 && placed > 0
        ? (Object.fromEntries(ZONES.map((z) => [z, round(zoneS[z] / placed)])) as Record<Zone, number>)
        : null,
  };
}
