import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT_ERROR_CODES } from '../src/errors.ts';
import { repoRoot } from './helpers.ts';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(path.join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [path.join(dir, e.name)]
        : [],
  );
}

describe('error codes', () => {
  it('every code the agent throws is documented', () => {
    const used = new Set<string>();
    for (const file of sources(path.join(repoRoot, 'edge-agent/src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/'(E_[A-Z_]+)'/g)) used.add(m[1]!);
    }
    const documented = new Set(Object.keys(AGENT_ERROR_CODES));
    expect([...used].filter((c) => !documented.has(c))).toEqual([]);
    for (const text of Object.values(AGENT_ERROR_CODES)) expect(text.length).toBeGreaterThan(10);
  });
});
