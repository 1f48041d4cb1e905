import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Agent } from '../agent/agent.ts';
import { enrol } from '../agent/enrol.ts';
import { loadAgent } from '../agent/load-agent-config.ts';
import { AgentError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { writeFileAtomicSync } from '../transport/atomic-write.ts';
import { resolveStateDir } from '../transport/state-dir.ts';
import { EXIT } from './exit-codes.ts';

export const AGENT_USAGE = `usage:
  edge-agent enroll --cloud <http(s)://host:port> --token <token> --device-id <id> [--state-dir <dir>]
                    [--profile <id>] [--timetable <file>] [--audio alsa:<dev>|pulse:<dev>|<url>]
      writes <state-dir>/agent-config.json (mode 0600) with the broker credentials
  edge-agent validate-config <agent-config.json>
      checks the config, the profile and the timetable it names; lists every error
  edge-agent run --config <agent-config.json> [--log-level <level>]
      the daemon: heartbeat, config from the cloud, timetable-driven recording`;

function parse(argv: string[], options: Record<string, { type: 'string' }>) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new AgentError('E_USAGE', (err as Error).message);
  }
}

export async function runEnrollCommand(argv: string[]): Promise<number> {
  const { values: v } = parse(argv, {
    cloud: { type: 'string' },
    token: { type: 'string' },
    'device-id': { type: 'string' },
    'state-dir': { type: 'string' },
    profile: { type: 'string' },
    timetable: { type: 'string' },
    audio: { type: 'string' },
  });
  if (!v.cloud || !v.token || !v['device-id'])
    throw new AgentError('E_USAGE', 'enroll needs --cloud, --token and --device-id');
  const stateDir = resolveStateDir(v['state-dir']);
  const result = await enrol({ cloudUrl: v.cloud, token: v.token, deviceId: v['device-id'] });
  const config = {
    version: 1,
    ...result,
    ...(v.profile ? { profile: v.profile } : {}),
    ...(v.timetable ? { timetable: path.resolve(v.timetable) } : {}),
    ...(v.audio ? { audio: parseAudio(v.audio) } : {}),
  };
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = path.join(stateDir, 'agent-config.json');
  writeFileAtomicSync(file, `${JSON.stringify(config, null, 2)}\n`); // created 0600: it holds a password
  chmodSync(file, 0o600);
  process.stderr.write(`enrolled ${result.deviceId} (${result.school}/${result.room}); wrote ${file}\n`);
  return EXIT.ok;
}

export async function runValidateConfigCommand(argv: string[]): Promise<number> {
  const { positionals } = parse(argv, {});
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new AgentError('E_USAGE', 'validate-config needs one file');
  const loaded = await loadAgent(file);
  process.stdout.write(
    `${loaded.file}: valid (device ${loaded.config.deviceId}, profile ${loaded.profile.id}, ` +
      `timetable ${loaded.timetable ? `${loaded.timetable.periods.length} periods` : 'none'})\n`,
  );
  return EXIT.ok;
}

export async function runAgentCommand(argv: string[]): Promise<number> {
  const { values: v } = parse(argv, { config: { type: 'string' }, 'log-level': { type: 'string' } });
  if (!v.config) throw new AgentError('E_USAGE', 'run needs --config <agent-config.json>');
  const log = createLogger(v['log-level'] ?? process.env.LOG_LEVEL ?? 'info');
  const agent = new Agent(await loadAgent(v.config), { logger: log });
  await agent.start();
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  log.info('stopping');
  await agent.stop();
  return EXIT.ok;
}

/** "alsa:hw:1", "pulse:default", or a URL. */
function parseAudio(value: string) {
  const m = /^(alsa|pulse):(.+)$/.exec(value);
  if (m) return { kind: m[1] as 'alsa' | 'pulse', device: m[2]! };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return { kind: 'url' as const, url: value };
  throw new AgentError('E_USAGE', `--audio "${value}" is not alsa:<device>, pulse:<device> or a URL`);
}
