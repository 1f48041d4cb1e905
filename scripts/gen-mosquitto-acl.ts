/**
 * Writes a Mosquitto password file and ACL for the fleet, matching the embedded broker's rules.
 *
 *   npx tsx scripts/gen-mosquitto-acl.ts --devices devices.json --out /etc/mosquitto/classroom \
 *     [--ingest-user classroom-cloud-ingest]   (ingest password from MQTT_INGEST_PASSWORD)
 *
 * devices.json: [{"deviceId": "edge-01", "password": "..."}, ...]. Writes `passwd` (mode 600,
 * the format of `mosquitto_passwd -b`, which can also maintain it afterwards), `acl`, and
 * `auth.conf` to include from mosquitto.conf.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_INGEST_USER,
  mosquittoAcl,
  mosquittoAuthConf,
  mosquittoPasswordLine,
} from '../cloud/src/broker/mosquitto-files.ts';

const { values } = parseArgs({
  options: {
    devices: { type: 'string' },
    out: { type: 'string' },
    'ingest-user': { type: 'string', default: DEFAULT_INGEST_USER },
  },
});
if (!values.devices || !values.out) {
  console.error('usage: gen-mosquitto-acl.ts --devices devices.json --out <dir> [--ingest-user name]');
  process.exit(2);
}
const ingestPassword = process.env.MQTT_INGEST_PASSWORD;
if (!ingestPassword) {
  console.error('set MQTT_INGEST_PASSWORD to the cloud ingest password');
  process.exit(2);
}
const devices = JSON.parse(readFileSync(values.devices, 'utf8')) as { deviceId: string; password: string }[];
const lines = [
  mosquittoPasswordLine(values['ingest-user'], ingestPassword),
  ...devices.map((d) => mosquittoPasswordLine(d.deviceId, d.password)),
];
const passwd = path.join(values.out, 'passwd');
const acl = path.join(values.out, 'acl');
writeFileSync(passwd, `${lines.join('\n')}\n`, { mode: 0o600 });
writeFileSync(acl, mosquittoAcl(values['ingest-user']));
writeFileSync(path.join(values.out, 'auth.conf'), mosquittoAuthConf(passwd, acl));
console.log(`wrote ${passwd} (${lines.length} users), ${acl}, auth.conf`);
