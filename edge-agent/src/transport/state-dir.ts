import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AgentError } from '../errors.ts';

/** The agent's state folder: option, then EDGE_AGENT_STATE_DIR, then var/agent under the working directory. */
export function resolveStateDir(option?: string): string {
  const dir = path.resolve(option ?? process.env.EDGE_AGENT_STATE_DIR ?? path.join('var', 'agent'));
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new AgentError('E_STATE_DIR', `cannot create state directory ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return dir;
}
