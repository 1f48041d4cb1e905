import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../src/pipeline/analyze-file.ts';
import { audio } from './helpers.ts';

describe('logs [PRIV-1]', () => {
  it('an analysis logs numbers, ids and codes only: no arrays of samples, no free text', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const logger = pino({ level: 'trace' }, sink);
    await analyzeFile(audio('mandarin/funasr-sample.wav'), { startMs: 0, logger });
    expect(lines.length).toBeGreaterThan(0);
    const check = (value: unknown, key: string): void => {
      if (Array.isArray(value)) throw new Error(`array logged under ${key}`);
      if (typeof value === 'string') expect(value, key).toMatch(/^[\w .:/-]{0,80}$/);
      if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) check(v, k);
    };
    for (const line of lines) check(JSON.parse(line), 'root');
  });
});
