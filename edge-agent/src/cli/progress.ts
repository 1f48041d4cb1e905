import type { AnalyzeProgress } from '../pipeline/types.ts';

const WIDTH = 30;
const EVERY_MS = 100;

/**
 * A one-line progress bar on stderr (percent of the file analysed, speed × real time), drawn only
 * when stderr is a terminal so logs and CI output stay clean.
 */
export function createProgressBar(stream: NodeJS.WriteStream = process.stderr) {
  const enabled = Boolean(stream.isTTY);
  let last = 0;
  let drawn = false;
  return {
    update(p: AnalyzeProgress): void {
      const now = performance.now();
      if (!enabled || now - last < EVERY_MS) return;
      last = now;
      const ratio = p.durationS ? Math.min(1, p.processedS / p.durationS) : 0;
      const filled = Math.round(ratio * WIDTH);
      const speed = p.elapsedMs > 0 ? p.processedS / (p.elapsedMs / 1000) : 0;
      const bar = `${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}`;
      const pct = p.durationS ? `${(ratio * 100).toFixed(0).padStart(3)}%` : '  ?%';
      stream.write(
        `\r[${bar}] ${pct} ${clock(p.processedS)}/${clock(p.durationS)} ${speed.toFixed(0)}× real time`,
      );
      drawn = true;
    },
    done(): void {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}

function clock(s: number | null): string {
  if (s === null) return '?:??';
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}
