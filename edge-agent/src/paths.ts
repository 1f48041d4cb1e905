import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (edge-agent/src/ is two levels below it); models/ and device-profiles/ live there. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const DEFAULT_MANIFEST_PATH = path.join(REPO_ROOT, 'models', 'manifest.json');
export const DEFAULT_PROFILES_DIR = path.join(REPO_ROOT, 'device-profiles');
