/**
 * Regroups decoder chunks (any length) into fixed model frames. The last partial frame is
 * zero-padded for the model but reports its real length, so time never drifts.
 */
export class FrameSplitter {
  readonly #size: number;
  #buffer: Float32Array;
  #filled = 0;

  constructor(size: number) {
    this.#size = size;
    this.#buffer = new Float32Array(size);
  }

  /** Returns the frames completed by this chunk; each is a fresh array the caller may keep. */
  push(chunk: Float32Array): Float32Array[] {
    const frames: Float32Array[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.#size - this.#filled, chunk.length - offset);
      this.#buffer.set(chunk.subarray(offset, offset + take), this.#filled);
      this.#filled += take;
      offset += take;
      if (this.#filled === this.#size) {
        frames.push(this.#buffer);
        this.#buffer = new Float32Array(this.#size);
        this.#filled = 0;
      }
    }
    return frames;
  }

  /** The trailing partial frame (zero-padded) and how many of its samples are real; null if none. */
  flush(): { frame: Float32Array; length: number } | null {
    if (this.#filled === 0) return null;
    const result = { frame: this.#buffer, length: this.#filled };
    this.#buffer = new Float32Array(this.#size);
    this.#filled = 0;
    return result;
  }
}
