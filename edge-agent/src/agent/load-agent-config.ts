import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { loadProfile } from '../config/load-profile.ts';
import type { DeviceProfile } from '../config/profile-schema.ts';
import { AgentError } from '../errors.ts';
import { loadTimetable } from '../schedule/load-timetable.ts';
import type { Timetable } from '../schedule/timetable-schema.ts';
import { AgentConfig } from './agent-config-schema.ts';

const check = TypeCompiler.Compile(AgentConfig);

export interface LoadedAgent {
  file: string;
  config: AgentConfig;
  profile: DeviceProfile;
  timetable: Timetable | null;
  stateDir: string;
}

/** Parses agent-config.json, listing every error with the file and field [style 8]. */
export function parseAgentConfig(text: string, file: string): AgentConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AgentError('E_CONFIG_INVALID', `${file}: not JSON (${(err as Error).message.slice(0, 80)})`);
  }
  const errors = [...check.Errors(value)].map((e) => {
    // Never echo the password back into a log.
    const shown = e.path === '/password' ? '***' : (JSON.stringify(e.value) ?? 'nothing');
    return `${file}: ${e.path ? e.path.slice(1).replaceAll('/', '.') : '(root)'}: ${e.message} (got ${shown})`;
  });
  if (!errors.length) errors.push(...crossFieldErrors(value as AgentConfig, file));
  if (errors.length)
    throw new AgentError('E_CONFIG_INVALID', `invalid agent config:\n  ${errors.join('\n  ')}`);
  return value as AgentConfig;
}

/**
 * What the schema cannot say: a teacher channel must be one of the audio source's channels (at
 * validate-config time, not when the first lesson starts), and notes must name real fields.
 */
function crossFieldErrors(config: AgentConfig, file: string): string[] {
  const errors: string[] = [];
  const t = config.teacherChannel;
  if (t !== undefined) {
    const channels = config.audio?.channels ?? 1;
    if (!config.audio) errors.push(`${file}: teacherChannel: set, but there is no audio source`);
    else if (channels < 2 || t >= channels)
      errors.push(
        `${file}: teacherChannel: ${t} is not one of audio.channels (${channels}); a teacher channel needs a source with 2 or more`,
      );
  }
  for (const key of Object.keys(config.notes ?? {})) {
    let cur: unknown = config;
    for (const part of key.split('.')) {
      cur =
        typeof cur === 'object' && cur !== null && Object.hasOwn(cur, part)
          ? (cur as Record<string, unknown>)[part]
          : undefined;
    }
    if (cur === undefined) errors.push(`${file}: notes.${key}: names no field of the config`);
  }
  return errors;
}

/**
 * Loads the config, the profile and the timetable it names, and reports the errors of all three
 * files together, so one `validate-config` run shows everything IT has to fix.
 */
export async function loadAgent(file: string): Promise<LoadedAgent> {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (err) {
    throw new AgentError(
      'E_CONFIG_INVALID',
      `${abs}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const config = parseAgentConfig(text, abs);
  const errors: string[] = [];
  const resolve = (p: string) => (p.endsWith('.json') ? path.resolve(dir, p) : p);
  const [profile, timetable] = await Promise.all([
    loadProfile(config.profile === undefined ? undefined : resolve(config.profile)).catch((err: Error) => {
      errors.push(err.message);
      return null;
    }),
    config.timetable === undefined
      ? null
      : loadTimetable(path.resolve(dir, config.timetable)).catch((err: Error) => {
          errors.push(err.message);
          return null;
        }),
  ]);
  if (errors.length || !profile) throw new AgentError('E_CONFIG_INVALID', errors.join('\n'));
  return { file: abs, config, profile, timetable, stateDir: path.resolve(dir, config.stateDir ?? '.') };
}
