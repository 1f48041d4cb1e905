import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AgentError } from '../errors.ts';
import { formatDoctorReport, runDoctor } from '../doctor/index.ts';
import { resolveStateDir } from '../transport/state-dir.ts';
import { EXIT } from './exit-codes.ts';

export const DOCTOR_USAGE = `usage: edge-agent doctor [--broker <url>] [--stream <rtsp-url>]... [--state-dir <dir>] [--json]

  Checks CPU and SIMD, memory, disk, GPU/NPU, ffmpeg, cameras (v4l2, and each --stream),
  microphones (ALSA), model files and checksums, device profiles and the broker; recommends a
  profile. Exits 1 when any check fails.`;

/** `edge-agent doctor`: prints a table (or JSON) and returns the exit status. */
export async function runDoctorCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        broker: { type: 'string' },
        stream: { type: 'string', multiple: true },
        'state-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    throw new AgentError('E_USAGE', `${(err as Error).message}\n${DOCTOR_USAGE}`);
  }
  const stateDir = resolveStateDir(values['state-dir']);
  mkdirSync(stateDir, { recursive: true });
  const report = await runDoctor({
    stateDir,
    ...(values.broker ? { broker: values.broker } : {}),
    ...(values.stream ? { streams: values.stream } : {}),
  });
  process.stdout.write(
    values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatDoctorReport(report)}\n`,
  );
  return report.ok ? EXIT.ok : EXIT.other;
}
