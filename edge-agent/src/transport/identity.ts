import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { IDENTIFIER_PATTERN } from '@classroom/protocol';
import { AgentError } from '../errors.ts';
import { writeFileAtomicSync } from './atomic-write.ts';

export interface Identity {
  deviceId: string;
  /** Unix ms of this installation's first run; a re-imaged device gets a new one, so (epoch, seq) never repeats. */
  epoch: number;
}

const ID = new RegExp(IDENTIFIER_PATTERN);

/**
 * Reads `identity.json` from the state folder, creating it on the first run. A requested device
 * id that differs from the stored one is refused: silently re-labelling a device would splice two
 * devices' sequence numbers together.
 */
export function loadIdentity(
  stateDir: string,
  requestedDeviceId?: string,
  now: () => number = Date.now,
): Identity {
  const file = path.join(stateDir, 'identity.json');
  if (requestedDeviceId !== undefined && !ID.test(requestedDeviceId)) {
    throw new AgentError('E_USAGE', `device id "${requestedDeviceId}" must match ${IDENTIFIER_PATTERN}`);
  }
  const stored = readIdentity(file);
  if (stored) {
    if (requestedDeviceId !== undefined && requestedDeviceId !== stored.deviceId) {
      throw new AgentError(
        'E_IDENTITY_MISMATCH',
        `${file} belongs to device "${stored.deviceId}", not "${requestedDeviceId}"; use another --state-dir`,
      );
    }
    return stored;
  }
  const identity: Identity = {
    deviceId: requestedDeviceId ?? `edge-${randomBytes(4).toString('hex')}`,
    epoch: now(),
  };
  writeFileAtomicSync(file, `${JSON.stringify(identity, null, 2)}\n`);
  return identity;
}

function readIdentity(file: string): Identity | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AgentError('E_STATE_DIR', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  let value: Partial<Identity>;
  try {
    value = JSON.parse(text) as Partial<Identity>;
  } catch {
    value = {};
  }
  if (typeof value.deviceId !== 'string' || !ID.test(value.deviceId) || !Number.isSafeInteger(value.epoch)) {
    // Never regenerate silently: a new identity would restart the sequence under a new epoch.
    throw new AgentError('E_STATE_DIR', `${file} is damaged; move it aside to start as a new device`);
  }
  return { deviceId: value.deviceId, epoch: value.epoch as number };
}
