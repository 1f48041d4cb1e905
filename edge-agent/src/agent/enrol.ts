import { IDENTIFIER_PATTERN } from '@classroom/protocol';
import { AgentError } from '../errors.ts';

export interface EnrolRequest {
  /** The cloud's HTTP base URL, e.g. http://cloud.local:8080. */
  cloudUrl: string;
  token: string;
  deviceId: string;
  timeoutMs?: number;
}

export interface EnrolResult {
  deviceId: string;
  school: string;
  room: string;
  mqttUrl: string;
  username: string;
  password: string;
}

const ID = new RegExp(IDENTIFIER_PATTERN);

/** POST /api/enrol {token, deviceId}: the cloud consumes the token and returns broker credentials. */
export async function enrol(req: EnrolRequest): Promise<EnrolResult> {
  if (!ID.test(req.deviceId)) throw new AgentError('E_USAGE', `device id must match ${IDENTIFIER_PATTERN}`);
  let url: URL;
  try {
    url = new URL('/api/enrol', req.cloudUrl);
  } catch {
    throw new AgentError('E_USAGE', `--cloud "${req.cloudUrl}" is not a URL`);
  }
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: req.token, deviceId: req.deviceId }),
      signal: AbortSignal.timeout(req.timeoutMs ?? 15_000),
    });
  } catch (err) {
    throw new AgentError('E_ENROL', `${url.origin} unreachable: ${(err as Error).message}`);
  }
  const body = (await res.json().catch(() => null)) as
    (Partial<EnrolResult> & { error?: { code?: string; message?: string } }) | null;
  if (!res.ok) {
    const e = body?.error;
    throw new AgentError('E_ENROL', `${res.status} ${e?.code ?? ''} ${e?.message ?? 'refused'}`.trim());
  }
  const ok =
    body &&
    ['deviceId', 'school', 'room', 'mqttUrl', 'username', 'password'].every(
      (k) => typeof (body as Record<string, unknown>)[k] === 'string',
    );
  if (!ok || body.deviceId !== req.deviceId)
    throw new AgentError('E_ENROL', 'the cloud answered without credentials');
  return body as EnrolResult;
}
