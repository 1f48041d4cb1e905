import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { AgentError } from '../errors.ts';
import { DEFAULT_PROFILES_DIR } from '../paths.ts';
import { DeviceProfile } from './profile-schema.ts';

const check = TypeCompiler.Compile(DeviceProfile);

export interface LoadProfileOptions {
  /** Folder holding `<id>.json`; the repository's device-profiles/ by default. */
  dir?: string;
}

/** The profile for this machine's CPU when none is named. */
export function defaultProfileId(arch: string = process.arch): string {
  return arch === 'arm64' ? 'generic-arm64' : 'generic-x86-64';
}

/**
 * Loads a device profile by id (device-profiles/<id>.json) or by a path ending in .json. A bad
 * profile refuses to load and every error is listed at once, each naming the file and the field.
 */
export async function loadProfile(
  idOrPath?: string,
  options: LoadProfileOptions = {},
): Promise<DeviceProfile> {
  const ref = idOrPath ?? defaultProfileId();
  const file = ref.endsWith('.json')
    ? path.resolve(ref)
    : path.join(options.dir ?? DEFAULT_PROFILES_DIR, `${ref}.json`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new AgentError('E_PROFILE_NOT_FOUND', `no device profile "${ref}" (${file})`, { cause: err });
  }
  return parseProfile(text, file);
}

export function parseProfile(text: string, file: string): DeviceProfile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AgentError('E_PROFILE_INVALID', `${file}: not JSON: ${(err as Error).message}`);
  }
  const errors = [...check.Errors(value)].map(
    (e) => `${file}: ${fieldName(e.path)}: ${e.message} (got ${JSON.stringify(e.value) ?? 'nothing'})`,
  );
  if (errors.length === 0) {
    const profile = value as DeviceProfile;
    const expected = path.basename(file, '.json');
    if (profile.id !== expected)
      errors.push(`${file}: id: "${profile.id}" differs from the file name "${expected}"`);
    for (const key of Object.keys(profile.notes)) {
      if (!hasPath(profile, key)) errors.push(`${file}: notes.${key}: names no field of the profile`);
    }
  }
  if (errors.length > 0)
    throw new AgentError('E_PROFILE_INVALID', `invalid device profile:\n  ${errors.join('\n  ')}`);
  return value as DeviceProfile;
}

/** Every profile in a folder, for the test that checks all of them at once. */
export async function loadAllProfiles(dir: string = DEFAULT_PROFILES_DIR): Promise<DeviceProfile[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(files.map((f) => loadProfile(path.join(dir, f))));
}

/** JSON pointer "/audio/vad/threshold" to the dotted name people write: "audio.vad.threshold". */
function fieldName(pointer: string): string {
  return pointer ? pointer.slice(1).replaceAll('/', '.') : '(root)';
}

function hasPath(value: unknown, dotted: string): boolean {
  let cur: unknown = value;
  for (const part of dotted.split('.')) {
    if (typeof cur !== 'object' || cur === null || !Object.hasOwn(cur, part)) return false;
    cur = (cur as Record<string, unknown>)[part];
  }
  return true;
}
