import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../paths.ts';

/**
 * Resolves a manifest `file`: `npm:<package>/<path>` is looked up in node_modules the way Node
 * does (walking up from the repository root, so hoisted and nested installs both work); anything
 * else is relative to the repository root. Package exports maps are bypassed on purpose: model
 * files are data, not modules, and most packages do not export them.
 */
export function resolveModelPath(file: string, root: string = REPO_ROOT): string {
  if (!file.startsWith('npm:')) return path.resolve(root, file);
  const spec = file.slice('npm:'.length);
  const parts = spec.split('/');
  const nameParts = spec.startsWith('@') ? 2 : 1;
  const pkg = parts.slice(0, nameParts).join('/');
  const inner = parts.slice(nameParts).join('/');
  for (let dir = root; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', pkg, inner);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  return path.join(root, 'node_modules', pkg, inner);
}
