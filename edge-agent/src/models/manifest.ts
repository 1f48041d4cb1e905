import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { AgentError } from '../errors.ts';
import { DEFAULT_MANIFEST_PATH } from '../paths.ts';
import { Manifest, type ModelEntry } from './manifest-schema.ts';
import { resolveModelPath } from './resolve-model-path.ts';

const checkManifest = TypeCompiler.Compile(Manifest);

export interface VerifiedModel {
  entry: ModelEntry;
  /** Absolute path of the file whose bytes matched the manifest. */
  path: string;
}

/** Reads and validates the model manifest, listing every schema error at once. */
export async function loadManifest(manifestPath: string = DEFAULT_MANIFEST_PATH): Promise<Manifest> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (err) {
    throw new AgentError('E_MANIFEST_INVALID', `${manifestPath}: ${(err as Error).message}`, { cause: err });
  }
  if (!checkManifest.Check(value)) {
    const errors = [...checkManifest.Errors(value)].map((e) => `${e.path || '/'}: ${e.message}`);
    throw new AgentError('E_MANIFEST_INVALID', `${manifestPath}:\n  ${errors.join('\n  ')}`);
  }
  const ids = new Set<string>();
  for (const m of value.models) {
    if (ids.has(m.id))
      throw new AgentError('E_MANIFEST_INVALID', `${manifestPath}: duplicate model id ${m.id}`);
    ids.add(m.id);
  }
  return value;
}

export async function findModel(id: string, manifestPath?: string): Promise<ModelEntry> {
  const manifest = await loadManifest(manifestPath);
  const entry = manifest.models.find((m) => m.id === id);
  if (!entry) throw new AgentError('E_MODEL_UNKNOWN', `model "${id}" is not in the manifest`);
  return entry;
}

/** sha256 of a file, streamed so a 500 MB whisper model does not sit in memory twice. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

/** Checks a file against a manifest entry: size first (cheap), then sha256. */
export async function verifyModelFile(file: string, entry: ModelEntry): Promise<VerifiedModel> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    throw new AgentError('E_MODEL_MISSING', `model ${entry.id}: ${file} not found`, { cause: err });
  }
  if (size !== entry.bytes) {
    throw new AgentError(
      'E_MODEL_CHECKSUM',
      `model ${entry.id}: ${file} is ${size} bytes, manifest says ${entry.bytes}`,
    );
  }
  const actual = await sha256File(file);
  if (actual !== entry.sha256) {
    throw new AgentError(
      'E_MODEL_CHECKSUM',
      `model ${entry.id}: ${file} has sha256 ${actual}, manifest says ${entry.sha256}; refusing to load it`,
    );
  }
  return { entry, path: file };
}

// Hashing 1.8 MB is cheap but a 500 MB model is not: verify each (file, hash) once per process.
const verified = new Map<string, Promise<VerifiedModel>>();

export interface ResolveModelOptions {
  manifestPath?: string;
  /** Use this file instead of the manifest's (a test copy, a device-local mirror); still verified. */
  overridePath?: string;
}

/** Finds a model in the manifest, resolves its file and verifies it; cached per process. */
export async function resolveModel(id: string, options: ResolveModelOptions = {}): Promise<VerifiedModel> {
  const entry = await findModel(id, options.manifestPath);
  const file = options.overridePath ?? resolveModelPath(entry.file);
  const key = `${file}\0${entry.sha256}`;
  let result = verified.get(key);
  if (!result) {
    result = verifyModelFile(file, entry);
    verified.set(key, result);
    // A failure is not cached: the file may be replaced and retried.
    result.catch(() => verified.delete(key));
  }
  return result;
}
