import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = path.resolve(import.meta.dirname, '..', 'install-agent.sh');
const root = mkdtempSync(path.join(tmpdir(), 'agent-root-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const run = (...args: string[]) =>
  execFileSync('bash', [SCRIPT, '--root', root, ...args], { encoding: 'utf8' });

/** Every file under the root with its mode, size and content: what "the same install" means. */
function snapshot(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      const st = statSync(p);
      const key = path.relative(root, p);
      if (e.isDirectory()) {
        out[`${key}/`] = (st.mode & 0o777).toString(8);
        walk(p);
      } else out[key] = `${(st.mode & 0o777).toString(8)} ${st.mtimeMs} ${readFileSync(p, 'utf8')}`;
    }
  };
  walk(root);
  return out;
}

describe('scripts/install-agent.sh --root', () => {
  it('installs a hardened unit, is idempotent, and uninstalls keeping data unless --purge', () => {
    run();
    const first = snapshot();
    const unit = readFileSync(path.join(root, 'etc/systemd/system/classroom-agent.service'), 'utf8');
    for (const line of [
      'User=classroom-agent',
      'SupplementaryGroups=audio video',
      'Restart=always',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ReadWritePaths=/var/lib/classroom-agent',
      'PrivateTmp=yes',
      'run --config /var/lib/classroom-agent/agent-config.json',
    ])
      expect(unit).toContain(line);
    expect(first['var/lib/classroom-agent/']).toBe('700');
    expect(Object.keys(first)).toContain('etc/systemd/journald.conf.d/classroom-agent.conf');

    run(); // the second run changes nothing, not even a modification time
    expect(snapshot()).toEqual(first);

    writeFileSync(path.join(root, 'var/lib/classroom-agent/agent-config.json'), '{}');
    run('--uninstall');
    const after = snapshot();
    expect(Object.keys(after).filter((k) => !k.endsWith('/'))).toEqual([
      'var/lib/classroom-agent/agent-config.json',
    ]);

    run('--uninstall', '--purge');
    expect(Object.keys(snapshot()).filter((k) => k.includes('classroom-agent'))).toEqual([]);
  });
});
