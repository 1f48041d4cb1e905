import { readFileSync, readdirSync, statfsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The machine figures a status/1 carries; null where this machine cannot tell. */
export interface SystemStats {
  cpuLoad: number | null;
  cpuTempC: number | null;
  memUsedRatio: number | null;
  diskFreeBytes: number | null;
}

/** 1-minute load average per core, capped at 1 (the wire's ratio). */
export function cpuLoad(): number | null {
  const cores = os.cpus().length;
  if (cores === 0) return null;
  return Math.min(1, Math.round((os.loadavg()[0]! / cores) * 1000) / 1000);
}

/**
 * The hottest thermal zone, °C: /sys/class/thermal/thermal_zone* /temp holds millidegrees (x86
 * package, RK3588 soc/bigcore, Jetson CPU-therm, Pi cpu-thermal all appear there). Null in a VM
 * or container that exposes none.
 */
export function cpuTempC(root = '/sys/class/thermal'): number | null {
  let best: number | null = null;
  let zones: string[];
  try {
    zones = readdirSync(root).filter((z) => z.startsWith('thermal_zone'));
  } catch {
    return null;
  }
  for (const zone of zones) {
    try {
      const milli = Number(readFileSync(path.join(root, zone, 'temp'), 'utf8').trim());
      const c = milli / 1000;
      if (Number.isFinite(c) && c > -50 && c < 150 && (best === null || c > best)) best = c;
    } catch {
      // a zone that cannot be read (permissions, sensor off) is skipped
    }
  }
  return best === null ? null : Math.round(best * 10) / 10;
}

/** MemAvailable from /proc/meminfo (counts reclaimable cache as free, unlike os.freemem on old kernels). */
export function memUsedRatio(meminfo = '/proc/meminfo'): number | null {
  try {
    const text = readFileSync(meminfo, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1]);
    const total = kb('MemTotal');
    const avail = kb('MemAvailable');
    if (total > 0 && avail >= 0) return Math.round((1 - avail / total) * 1000) / 1000;
  } catch {
    // not Linux: fall back to Node's figures
  }
  const total = os.totalmem();
  return total > 0 ? Math.round((1 - os.freemem() / total) * 1000) / 1000 : null;
}

/** Free bytes for an unprivileged user on the file system holding `dir` (the outbox's). */
export function diskFreeBytes(dir: string): number | null {
  try {
    const s = statfsSync(dir);
    return Math.min(Number.MAX_SAFE_INTEGER, s.bavail * s.bsize);
  } catch {
    return null;
  }
}

export function systemStats(stateDir: string): SystemStats {
  return {
    cpuLoad: cpuLoad(),
    cpuTempC: cpuTempC(),
    memUsedRatio: memUsedRatio(),
    diskFreeBytes: diskFreeBytes(stateDir),
  };
}
