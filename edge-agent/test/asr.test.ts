import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateMessage, type WindowV1 } from '@classroom/protocol';
import { loadProfile } from '../src/config/load-profile.ts';
import type { DeviceProfile } from '../src/config/profile-schema.ts';
import { DEFAULT_MANIFEST_PATH } from '../src/paths.ts';
import { analyzeFile } from '../src/pipeline/analyze-file.ts';
import type { AgentMessage } from '../src/pipeline/types.ts';
import { loadWhisperBinding } from '../src/speech/asr/whisper-binding.ts';
import { FLANDERS, INSTRUCTION_TYPES, TALK_MOVES } from '../src/speech/index.ts';
import { audio, tempDir } from './helpers.ts';
import { buildTestWhisperModel, type TestModel } from './whisper-test-model.ts';

const binding = loadWhisperBinding();
const RECORDING = audio('english/jfk.wav');

/** A manifest with the real entries plus the random tiny-shaped test model (or a broken copy). */
function writeManifest(
  dir: string,
  model: TestModel,
  override: { sha256?: string; file?: string } = {},
): string {
  const manifest = JSON.parse(readFileSync(DEFAULT_MANIFEST_PATH, 'utf8')) as { models: unknown[] };
  manifest.models.push({
    id: 'whisper-test-tiny',
    task: 'asr',
    runtime: 'whisper.cpp',
    file: override.file ?? model.path,
    sha256: override.sha256 ?? model.sha256,
    bytes: model.bytes,
    source: 'https://huggingface.co/ggerganov/whisper.cpp',
    licence: 'MIT',
    input: { sampleRate: 16000, tensors: [{ name: 'pcm', dtype: 'float32', shape: ['N'] }] },
  });
  const file = path.join(dir, `manifest-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(manifest));
  return file;
}

let lastAsrMs = 0;

async function run(manifestPath: string): Promise<WindowV1[]> {
  const base = await loadProfile('generic-x86-64');
  const profile: DeviceProfile = {
    ...base,
    speech: { enabled: true, model: 'whisper-test-tiny', language: 'auto', threads: 2 },
  };
  const out: AgentMessage[] = [];
  const { summary } = await analyzeFile(RECORDING, {
    profile,
    manifestPath,
    video: false,
    sink: (m) => void out.push(m),
  });
  lastAsrMs = summary.timings.asrMs;
  for (const m of out) expect(() => validateMessage(JSON.parse(JSON.stringify(m.message)))).not.toThrow();
  return out.flatMap((m) => (m.kind === 'metrics' ? [m.message] : []));
}

/** Every string value anywhere in a message (keys are checked against enums separately). */
function stringValues(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringValues(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => stringValues(v, out));
  return out;
}

describe.skipIf(!binding.ok)('whisper ASR through the pipeline (random tiny-shaped model)', () => {
  let model: TestModel;
  let dir: string;
  beforeAll(() => {
    model = buildTestWhisperModel();
    dir = tempDir('asr-test-');
  }, 120_000);

  it('fills `speech` in every window from real whisper.cpp decoding; messages carry no text [PRIV-1, PRIV-2]', async () => {
    const windows = await run(writeManifest(dir, model));
    expect(windows.length).toBeGreaterThan(0);
    expect(lastAsrMs).toBeGreaterThan(0); // whisper.cpp really ran on the speech segments
    for (const w of windows) {
      expect(w.speech).not.toBeNull();
      expect(w.unavailable.speech).toBeUndefined();
    }
    const categories = new Set<string>([...INSTRUCTION_TYPES, ...TALK_MOVES]);
    const flanders = new Set<string>(FLANDERS);
    for (const w of windows) {
      for (const k of Object.keys(w.speech!.categoryCounts)) expect(categories.has(k), k).toBe(true);
      for (const k of Object.keys(w.speech!.transitions)) {
        const [a, b] = k.split('>');
        expect(flanders.has(a!) && flanders.has(b!), k).toBe(true);
      }
      // Identifiers and enum values only: no spaces, no CJK, nothing that could be a transcript.
      for (const s of stringValues(w)) expect(s, s).toMatch(/^[A-Za-z0-9._:/-]{1,80}$/);
    }
  }, 180_000);

  it('a missing model: speech null with "no-model", the rest of the window still filled', async () => {
    const windows = await run(writeManifest(dir, model, { file: path.join(dir, 'absent.bin') }));
    expect(windows.length).toBeGreaterThan(0);
    for (const w of windows) {
      expect(w.speech).toBeNull();
      expect(w.unavailable.speech).toBe('no-model');
      expect(w.audio?.speechS ?? 0).toBeGreaterThan(0);
    }
  }, 120_000);

  it('a mismatched model: speech null with "model-mismatch", never loaded', async () => {
    const windows = await run(writeManifest(dir, model, { sha256: '0'.repeat(64) }));
    for (const w of windows) {
      expect(w.speech).toBeNull();
      expect(w.unavailable.speech).toBe('model-mismatch');
    }
  }, 120_000);
});

describe('speech without a profile block', () => {
  it('is "disabled", not zeros', async () => {
    const base = await loadProfile('generic-x86-64');
    const { speech: _omit, ...profile } = base;
    const out: AgentMessage[] = [];
    await analyzeFile(RECORDING, { profile, video: false, roles: false, sink: (m) => void out.push(m) });
    const windows = out.flatMap((m) => (m.kind === 'metrics' ? [m.message] : []));
    for (const w of windows) {
      expect(w.speech).toBeNull();
      expect(w.unavailable.speech).toBe('disabled');
    }
  });
});
