/**
 * Fetches the whisper models named in models/manifest.json into models/cache (git-ignored),
 * verifying size and sha256 before a file takes its final name; a mismatch is refused and
 * deleted. Offline schools: `--bundle out.tar` packs the verified cache, `--install-bundle
 * in.tar` unpacks one elsewhere and verifies every file again (tar is the system's).
 *
 *   npx tsx scripts/fetch-models.ts [ids...|--all] [--manifest m.json]
 *   npx tsx scripts/fetch-models.ts --bundle out.tar [ids...|--all]
 *   npx tsx scripts/fetch-models.ts --install-bundle in.tar
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadManifest, verifyModelFile } from '../edge-agent/src/models/manifest.ts';
import type { ModelEntry } from '../edge-agent/src/models/manifest-schema.ts';
import { REPO_ROOT } from '../edge-agent/src/paths.ts';

const CACHE_PREFIX = 'models/cache/';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function download(entry: ModelEntry): Promise<void> {
  const dest = path.resolve(REPO_ROOT, entry.file);
  if (existsSync(dest)) {
    await verifyModelFile(dest, entry); // throws E_MODEL_CHECKSUM on a bad copy
    console.error(`${entry.id}: already present, sha256 ok`);
    return;
  }
  mkdirSync(path.dirname(dest), { recursive: true });
  const part = `${dest}.part`;
  console.error(`${entry.id}: fetching ${entry.source} (${(entry.bytes / 1e6).toFixed(1)} MB)`);
  const res = await fetch(entry.source);
  if (!res.ok || !res.body) throw new Error(`${entry.id}: HTTP ${res.status} from ${entry.source}`);
  const hash = createHash('sha256');
  let size = 0;
  const out = createWriteStream(part);
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    size += chunk.length;
    if (size > entry.bytes) break; // never write more than the manifest allows
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  const sha256 = hash.digest('hex');
  if (size !== entry.bytes || sha256 !== entry.sha256) {
    rmSync(part, { force: true });
    throw new Error(
      `${entry.id}: refused: got ${size} bytes sha256 ${sha256}, manifest says ${entry.bytes} bytes ${entry.sha256}`,
    );
  }
  renameSync(part, dest); // atomic: the agent never sees a half-written model
  console.error(`${entry.id}: ok (${dest})`);
}

function select(all: ModelEntry[], ids: string[]): ModelEntry[] {
  const fetchable = all.filter((m) => m.file.startsWith(CACHE_PREFIX));
  if (process.argv.includes('--all') || ids.length === 0) return fetchable;
  return ids.map((id) => {
    const m = fetchable.find((e) => e.id === id);
    if (!m)
      throw new Error(
        `${id}: not a fetchable model in the manifest (${fetchable.map((e) => e.id).join(', ')})`,
      );
    return m;
  });
}

function tar(args: string[]): void {
  const r = spawnSync('tar', args, { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`tar ${args.join(' ')} failed (${r.status})`);
}

async function main(): Promise<void> {
  const manifestPath = arg('--manifest');
  const manifest = await loadManifest(manifestPath);
  const valueFlags = new Set(['--manifest', '--bundle', '--install-bundle']);
  const ids = process.argv
    .slice(2)
    .filter((a, i, all) => !a.startsWith('--') && !valueFlags.has(all[i - 1] ?? ''));
  const installFrom = arg('--install-bundle');
  if (installFrom) {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'models-bundle-'));
    try {
      tar(['-xf', path.resolve(installFrom), '-C', tmp]);
      const dir = path.join(tmp, CACHE_PREFIX);
      const files = existsSync(dir) ? readdirSync(dir) : [];
      if (files.length === 0) throw new Error(`${installFrom}: no ${CACHE_PREFIX} files inside`);
      for (const name of files) {
        const entry = manifest.models.find((m) => m.file === CACHE_PREFIX + name);
        if (!entry) throw new Error(`${installFrom}: ${name} is not in the manifest; refusing the bundle`);
        await verifyModelFile(path.join(dir, name), entry);
      }
      mkdirSync(path.join(REPO_ROOT, CACHE_PREFIX), { recursive: true });
      for (const name of files) renameSync(path.join(dir, name), path.join(REPO_ROOT, CACHE_PREFIX, name));
      console.error(`installed ${files.length} verified model(s): ${files.join(', ')}`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    return;
  }
  const chosen = select(manifest.models, ids);
  const bundle = arg('--bundle');
  if (bundle) {
    const present = chosen.filter((m) => existsSync(path.resolve(REPO_ROOT, m.file)));
    for (const m of present) await verifyModelFile(path.resolve(REPO_ROOT, m.file), m);
    if (present.length === 0)
      throw new Error('no verified models in models/cache to bundle; fetch them first');
    tar(['-cf', path.resolve(bundle), '-C', REPO_ROOT, ...present.map((m) => m.file)]);
    console.error(`bundled ${present.map((m) => m.id).join(', ')} into ${bundle}`);
    return;
  }
  for (const m of chosen) await download(m);
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
