/** One decoded picture: packed RGB24 in memory only, never written anywhere [PRIV-1]. */
export interface PpmImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}

const HEADER = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/;
/** "P6 4096 4096 255\n" is 17 bytes; a longer prefix without a header is not PPM. */
const MAX_HEADER = 32;

/**
 * Splits ffmpeg's `-f image2pipe -c:v ppm` stream into pictures. Each picture says its own size in
 * its header, so a live camera needs no probe to know how many bytes a frame has (its resolution
 * can even change on a reconnect). Bytes are carried between pipe reads; each picture owns a fresh
 * buffer so no pipe chunk stays referenced.
 */
export class PpmReader {
  #chunks: Buffer[] = [];
  #bytes = 0;
  /** Header of the picture being collected: its length and the picture's total byte count. */
  #head: { length: number; width: number; height: number; total: number } | null = null;

  push(chunk: Buffer): PpmImage[] {
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    const out: PpmImage[] = [];
    for (;;) {
      if (!this.#head) {
        if (this.#chunks.length > 1 && this.#chunks[0]!.length < MAX_HEADER) this.#join();
        const first = this.#chunks[0];
        if (!first) break;
        const m = HEADER.exec(first.subarray(0, MAX_HEADER).toString('latin1'));
        if (!m) {
          if (this.#bytes >= MAX_HEADER) throw new Error('ffmpeg output is not PPM');
          break;
        }
        if (m[3] !== '255') throw new Error('PPM with more than 8 bits per channel');
        const width = Number(m[1]);
        const height = Number(m[2]);
        this.#head = { length: m[0].length, width, height, total: m[0].length + width * height * 3 };
      }
      const h = this.#head;
      // Pipe reads are 64 KiB and a picture is megabytes: join once, when it is complete.
      if (this.#bytes < h.total) break;
      const all = this.#join();
      out.push({ width: h.width, height: h.height, rgb: new Uint8Array(all.subarray(h.length, h.total)) });
      const rest = Buffer.from(all.subarray(h.total));
      this.#chunks = rest.length ? [rest] : [];
      this.#bytes = rest.length;
      this.#head = null;
    }
    return out;
  }

  #join(): Buffer {
    const all = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#bytes);
    this.#chunks = [all];
    return all;
  }
}
