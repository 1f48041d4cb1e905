/**
 * Keeps the last lines of a child's stderr so a failure can be explained without buffering the
 * whole log (ffmpeg prints a line per warning; a long corrupt file can print thousands).
 */
export class StderrTail {
  readonly #max: number;
  readonly #lines: string[] = [];
  #partial = '';

  constructor(max = 20) {
    this.#max = max;
  }

  push(chunk: Buffer | string): void {
    const parts = (this.#partial + chunk.toString()).split(/\r?\n|\r/);
    this.#partial = parts.pop() ?? '';
    for (const line of parts) this.#add(line);
  }

  lines(): string[] {
    return this.#partial ? [...this.#lines, redactUrl(this.#partial)] : [...this.#lines];
  }

  text(): string {
    return this.lines().join('\n');
  }

  #add(line: string): void {
    if (!line.trim()) return;
    this.#lines.push(redactUrl(line));
    if (this.#lines.length > this.#max) this.#lines.shift();
  }
}

/**
 * Strips credentials from URLs (an RTSP camera address carries them) before a line is kept. The
 * match runs to the last "@" before the host's "/", so a password holding "@" does not leak a part.
 */
export function redactUrl(line: string): string {
  return line.replace(/(\w+:\/\/)[^/\s]*@/g, '$1***@');
}
