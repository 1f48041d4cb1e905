/**
 * Recent live audio on the lesson's timeline, in memory only [PRIV-1]. Unlike AudioBuffer it
 * takes each chunk at its own start sample, because a live lesson has gaps (source outages) that
 * are never filled; a slice across a gap leaves the missing part silent.
 */
export class TimedAudio {
  private chunks: { start: number; pcm: Float32Array }[] = [];

  constructor(private readonly rate: number) {}

  /** End of the latest chunk, s from the lesson start. */
  get endS(): number {
    const last = this.chunks.at(-1);
    return last ? (last.start + last.pcm.length) / this.rate : 0;
  }

  /** `startSample`: the chunk's first sample, counted from the lesson start. */
  push(startSample: number, pcm: Float32Array): void {
    this.chunks.push({ start: startSample, pcm });
  }

  /** Copies [startS, endS) from what is held. */
  slice(startS: number, endS: number): Float32Array {
    const from = Math.round(startS * this.rate);
    const to = Math.round(endS * this.rate);
    const out = new Float32Array(Math.max(0, to - from));
    for (const c of this.chunks) {
      const a = Math.max(from, c.start);
      const b = Math.min(to, c.start + c.pcm.length);
      if (b > a) out.set(c.pcm.subarray(a - c.start, b - c.start), a - from);
    }
    return out;
  }

  /** Drops whole chunks that end before `beforeS`. */
  trim(beforeS: number): void {
    const cut = Math.round(beforeS * this.rate);
    let n = 0;
    while (n < this.chunks.length && this.chunks[n]!.start + this.chunks[n]!.pcm.length <= cut) n++;
    if (n > 0) this.chunks = this.chunks.slice(n);
  }

  clear(): void {
    this.chunks = [];
  }
}
