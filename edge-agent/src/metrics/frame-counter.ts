/**
 * Counts analysed video frames per window while video decodes alongside audio, and lets the
 * pipeline wait until the video has passed a window's end before that window is sent.
 */
export class FrameCounter {
  readonly #windowS: number;
  readonly #counts = new Map<number, number>();
  #reachedS = 0;
  #done = false;
  #waiters: { untilS: number; resolve: () => void }[] = [];

  constructor(windowS: number) {
    this.#windowS = windowS;
  }

  add(ptsS: number): void {
    const index = Math.floor(ptsS / this.#windowS);
    this.#counts.set(index, (this.#counts.get(index) ?? 0) + 1);
    this.#reachedS = Math.max(this.#reachedS, ptsS);
    this.#wake();
  }

  /** The video ended (or failed: figures then cover what was decoded). */
  end(): void {
    this.#done = true;
    this.#wake();
  }

  /** Resolves once a frame at or after `untilS` was seen, or the video ended. */
  async waitFor(untilS: number): Promise<void> {
    if (this.#done || this.#reachedS >= untilS) return;
    await new Promise<void>((resolve) => this.#waiters.push({ untilS, resolve }));
  }

  /** Frames in window `index`, forgotten once taken. */
  take(index: number): number {
    const n = this.#counts.get(index) ?? 0;
    this.#counts.delete(index);
    return n;
  }

  get total(): number {
    return [...this.#counts.values()].reduce((a, b) => a + b, 0);
  }

  #wake(): void {
    this.#waiters = this.#waiters.filter((w) => {
      if (this.#done || this.#reachedS >= w.untilS) {
        w.resolve();
        return false;
      }
      return true;
    });
  }
}
