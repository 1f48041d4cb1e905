import { parseArgs } from 'node:util';
import pino from 'pino';
import { createCloud, type CloudOptions } from './cloud.ts';

const USAGE = `Usage: npx tsx cloud/src/main.ts [options]
  --db <path>            SQLite file (default var/cloud.sqlite; ':memory:' for a throwaway)
  --host <addr>          interface for HTTP and the embedded broker (default 127.0.0.1)
  --mqtt-port <n>        embedded broker port, 0 = any free port (default 1883)
  --http-port <n>        HTTP port, 0 = any free port (default 8080)
  --broker-url <url>     use an external broker (e.g. mqtt://localhost:1883) instead of embedding one
  --client-id <id>       ingest MQTT client id (default classroom-cloud-ingest)
  --share-group <name>   MQTT shared-subscription group (external broker, several instances)
  --allow-anonymous-devices  let devices connect to the embedded broker without a password (development only)
  --log-level <level>    pino level (default info)
  --help`;

function port(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^[0-9]{1,5}$/.test(value) || n > 65_535) throw new Error(`${name} must be a port number 0-65535`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      host: { type: 'string' },
      'mqtt-port': { type: 'string' },
      'http-port': { type: 'string' },
      'broker-url': { type: 'string' },
      'client-id': { type: 'string' },
      'share-group': { type: 'string' },
      'log-level': { type: 'string' },
      'allow-anonymous-devices': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const logger = pino({ name: 'cloud', level: values['log-level'] ?? 'info' });
  const options: CloudOptions = { logger };
  if (values.db !== undefined) options.dbPath = values.db;
  if (values.host !== undefined) options.host = values.host;
  const mqttPort = port(values['mqtt-port'], '--mqtt-port');
  if (mqttPort !== undefined) options.mqttPort = mqttPort;
  const httpPort = port(values['http-port'], '--http-port');
  if (httpPort !== undefined) options.httpPort = httpPort;
  if (values['broker-url'] !== undefined) options.brokerUrl = values['broker-url'];
  if (values['client-id'] !== undefined) options.clientId = values['client-id'];
  if (values['share-group'] !== undefined) options.shareGroup = values['share-group'];
  if (values['allow-anonymous-devices']) options.deviceAuth = { allowAnonymousDevices: true };

  const cloud = createCloud(options);
  const urls = await cloud.start();
  console.log(`cloud ready: ${urls.httpUrl} (mqtt ${urls.mqttUrl})`);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    cloud.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err: { message: (err as Error).message } }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(`cloud: ${(err as Error).message}`);
  process.exit(1);
});
