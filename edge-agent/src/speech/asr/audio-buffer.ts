/**
 * The lesson's recent audio, in memory only [PRIV-1], so a VAD segment can be cut out once the
 * segmenter closes it. Samples before the caller's trim point are dropped, which bounds it to
 * the longest open segment (profile audio.vad.maxSpeechMs plus padding).
 */
export class AudioBuffer {
  private chunks: Float32Array[] = [];
  /** Absolute sample index of chunks[0][0]. */
  private base = 0;
  private end = 0;

  constructor(private readonly rate: number) {}

  push(chunk: Float32Array): void {
    this.chunks.push(chunk);
    this.end += chunk.length;
  }

  /** Copies [startS, endS) (clamped to what is held). */
  slice(startS: number, endS: number): Float32Array {
    const from = Math.max(this.base, Math.round(startS * this.rate));
    const to = Math.min(this.end, Math.round(endS * this.rate));
    const out = new Float32Array(Math.max(0, to - from));
    let pos = this.base;
    for (const c of this.chunks) {
      const cEnd = pos + c.length;
      if (cEnd > from && pos < to) {
        const a = Math.max(from, pos);
        const b = Math.min(to, cEnd);
        out.set(c.subarray(a - pos, b - pos), a - from);
      }
      pos = cEnd;
      if (pos >= to) break;
    }
    return out;
  }

  /** Drops whole chunks that end before `beforeS`. */
  trim(beforeS: number): void {
    const cut = Math.round(beforeS * this.rate);
    while (this.chunks.length > 0 && this.base + this.chunks[0]!.length <= cut) {
      this.base += this.chunks.shift()!.length;
    }
  }
}
