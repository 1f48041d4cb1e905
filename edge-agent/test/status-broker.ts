import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { Aedes } from 'aedes';
import { decodeMessage, type StatusV1 } from '@classroom/protocol';
import { ALL_DAY_TIMETABLE } from './helpers.ts';

/**
 * A real broker (Aedes on a local port) that keeps every status/1 a device publishes, decoded and
 * validated as the cloud would: the agent's status tests assert what IT would see, not what the
 * agent meant to send.
 */
export interface StatusBroker {
  url: string;
  readonly statuses: readonly StatusV1[];
  /**
   * The first status published from now on that `match` accepts; on timeout the error lists the
   * statuses seen, through `show` (the fields the test is about).
   */
  next(
    match: (s: StatusV1) => boolean,
    what: string,
    ms: number,
    show: (s: StatusV1) => unknown,
  ): Promise<StatusV1>;
  close(): Promise<void>;
}

export async function startStatusBroker(): Promise<StatusBroker> {
  const broker = await Aedes.createBroker();
  const statuses: StatusV1[] = [];
  broker.on('publish', (packet, client) => {
    if (!client || !packet.topic.endsWith('/status')) return;
    const d = decodeMessage(packet.topic, packet.payload.toString());
    if (d.message.schema === 'status/1') statuses.push(d.message);
  });
  const server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    statuses,
    async next(match, what, ms, show) {
      const from = statuses.length;
      const deadline = Date.now() + ms;
      for (;;) {
        const s = statuses.slice(from).find(match);
        if (s) return s;
        if (Date.now() > deadline)
          throw new Error(`no status with ${what}; got ${JSON.stringify(statuses.slice(from).map(show))}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Writes an agent-config.json (and an all-day timetable) into `dir` for a device on this broker,
 * heartbeating at the schema's minimum (5 s); `extra` adds the sources and the profile. Returns
 * the config file's path.
 */
export function writeStatusAgentConfig(
  dir: string,
  broker: StatusBroker,
  deviceId: string,
  extra: Record<string, unknown>,
): string {
  writeFileSync(path.join(dir, 'timetable.json'), JSON.stringify(ALL_DAY_TIMETABLE));
  const file = path.join(dir, 'agent-config.json');
  writeFileSync(
    file,
    JSON.stringify({
      version: 1,
      deviceId,
      school: 'sch-001',
      room: 'r101',
      mqttUrl: broker.url,
      username: deviceId,
      password: 'pw',
      timetable: 'timetable.json',
      statusIntervalS: 5,
      ...extra,
    }),
  );
  return file;
}
