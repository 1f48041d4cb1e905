import { parseArgs } from 'node:util';
import pino from 'pino';
import { createCloud, type CloudOptions } from './cloud.ts';

const USAGE = `Usage: npx tsx cloud/src/main.ts [options]
  --db <path>            SQLite file (default var/cloud.sqlite; ':memory:' for a throwaway)
  --database-url <url>   PostgreSQL instead of SQLite (postgres://user@host:5432/db); several instances may share it
  --database-schema <s>  PostgreSQL schema for the tables (default: the server's search_path)
  --ingest-concurrency <n>  messages written at once by the external-broker ingest (default 1 SQLite, 256 PostgreSQL)
  --host <addr>          interface for HTTP and the embedded broker (default 127.0.0.1)
  --mqtt-port <n>        embedded broker port, 0 = any free port (default 1883)
  --http-port <n>        HTTP port, 0 = any free port (default 8080)
  --broker-url <url>     use an external broker (e.g. mqtt://localhost:1883) instead of embedding one
  --client-id <id>       ingest MQTT client id (default classroom-cloud-ingest)
  --share-group <name>   MQTT shared-subscription group (external broker, several instances)
  --allow-anonymous-devices  let devices connect to the embedded broker without a password (development only)
  --tls-key <path> --tls-cert <path>            HTTPS for the API and UI (PEM)
  --mqtt-tls-key <path> --mqtt-tls-cert <path>  MQTTS for the embedded broker (PEM)
  --demo-users           create demo users with printed passwords (development only)
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
      'database-url': { type: 'string' },
      'database-schema': { type: 'string' },
      'ingest-concurrency': { type: 'string' },
      host: { type: 'string' },
      'mqtt-port': { type: 'string' },
      'http-port': { type: 'string' },
      'broker-url': { type: 'string' },
      'client-id': { type: 'string' },
      'share-group': { type: 'string' },
      'log-level': { type: 'string' },
      'allow-anonymous-devices': { type: 'boolean' },
      'tls-key': { type: 'string' },
      'tls-cert': { type: 'string' },
      'mqtt-tls-key': { type: 'string' },
      'mqtt-tls-cert': { type: 'string' },
      'demo-users': { type: 'boolean' },
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
  if (values['database-url'] !== undefined) options.databaseUrl = values['database-url'];
  if (values['database-schema'] !== undefined) options.databaseSchema = values['database-schema'];
  if (values['ingest-concurrency'] !== undefined) {
    const n = Number(values['ingest-concurrency']);
    if (!Number.isInteger(n) || n < 1 || n > 10_000)
      throw new Error('--ingest-concurrency must be an integer 1-10000');
    options.ingestConcurrency = n;
  }
  if (values.host !== undefined) options.host = values.host;
  const mqttPort = port(values['mqtt-port'], '--mqtt-port');
  if (mqttPort !== undefined) options.mqttPort = mqttPort;
  const httpPort = port(values['http-port'], '--http-port');
  if (httpPort !== undefined) options.httpPort = httpPort;
  if (values['broker-url'] !== undefined) options.brokerUrl = values['broker-url'];
  if (values['client-id'] !== undefined) options.clientId = values['client-id'];
  if (values['share-group'] !== undefined) options.shareGroup = values['share-group'];
  if (values['allow-anonymous-devices']) options.deviceAuth = { allowAnonymousDevices: true };

  if (values['tls-key'] !== undefined || values['tls-cert'] !== undefined) {
    if (!values['tls-key'] || !values['tls-cert']) throw new Error('--tls-key and --tls-cert go together');
    options.tls = { keyPath: values['tls-key'], certPath: values['tls-cert'] };
  }
  if (values['mqtt-tls-key'] !== undefined || values['mqtt-tls-cert'] !== undefined) {
    if (!values['mqtt-tls-key'] || !values['mqtt-tls-cert'])
      throw new Error('--mqtt-tls-key and --mqtt-tls-cert go together');
    options.mqttTls = { keyPath: values['mqtt-tls-key'], certPath: values['mqtt-tls-cert'] };
  }
  if (values['demo-users']) options.demoUsers = { school: 'demo-school', classId: 'class-5-2' };

  const cloud = createCloud(options);
  const urls = await cloud.start();
  for (const c of cloud.demoCredentials)
    console.log(`demo user (development only): ${c.username} / ${c.password} (${c.role})`);
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
