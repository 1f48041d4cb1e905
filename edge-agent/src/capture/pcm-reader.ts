/**
 * Turns arbitrary byte chunks from a pipe into whole little-endian float32 samples. A pipe read can
 * end inside a sample, so up to 3 bytes are carried into the next chunk. Every output array owns a
 * fresh, aligned buffer (a Buffer's byteOffset is not always a multiple of 4).
 */
export class PcmReader {
  #carry: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Float32Array {
    const bytes = this.#carry.length ? Buffer.concat([this.#carry, chunk]) : chunk;
    const whole = bytes.length - (bytes.length % 4);
    this.#carry = Buffer.from(bytes.subarray(whole));
    const out = new Float32Array(whole / 4);
    // f32le: x86-64 and arm64 are little-endian, so the bytes copy straight into the array.
    new Uint8Array(out.buffer).set(bytes.subarray(0, whole));
    return out;
  }

  /** Bytes left over at the end of the stream; non-zero means ffmpeg stopped inside a sample. */
  get pendingBytes(): number {
    return this.#carry.length;
  }
}
