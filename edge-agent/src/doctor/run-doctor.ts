import { whisperBuildCheck } from './whisper-build.ts';
import { execFile } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { promisify } from 'node:util';
import { connectAsync } from 'mqtt';
import { ffmpegPath } from '../capture/ffmpeg-path.ts';
import { loadAllProfiles } from '../config/load-profile.ts';
import { loadManifest, verifyModelFile } from '../models/manifest.ts';
import { resolveModelPath } from '../models/resolve-model-path.ts';
import { describeFlagRates } from '../vision/adjusted-count.ts';
import { listCameras, listMicrophones, probeStream } from './devices.ts';
import { detectHardware, recommendProfile } from './hardware.ts';
import type { Check, HardwareFacts } from './types.ts';

const run = promisify(execFile);
const GiB = 1024 ** 3;

export interface DoctorOptions {
  /** Folder whose disk holds the outbox and state. */
  stateDir: string;
  broker?: string;
  /** Camera stream URLs to open (RTSP/HTTP). */
  streams?: string[];
  manifestPath?: string;
  profilesDir?: string;
}

export interface DoctorReport {
  hardware: HardwareFacts;
  recommendedProfile: string;
  checks: Check[];
  ok: boolean;
}

function cpuCheck(hw: HardwareFacts): Check {
  const detail = `${hw.cpuModel}, ${hw.cores} cores, ${hw.arch}, SIMD: ${hw.simd.join(' ') || 'none found'}`;
  // Without AVX2/FMA (x86) or NEON (ARM), whisper.cpp and ONNX run about 10x slower (STACK-NOTES).
  const fast =
    hw.arch === 'arm64' ? hw.simd.includes('neon') : hw.simd.includes('avx2') && hw.simd.includes('fma');
  return fast
    ? { id: 'cpu', status: 'ok', detail }
    : {
        id: 'cpu',
        status: 'warn',
        detail,
        fix: 'No AVX2+FMA / NEON: use a profile with the smallest models.',
      };
}

function memoryCheck(hw: HardwareFacts): Check {
  const gib = hw.memTotalBytes / GiB;
  const detail = `${gib.toFixed(1)} GiB`;
  if (gib < 2)
    return {
      id: 'memory',
      status: 'fail',
      detail,
      fix: 'At least 2 GiB is needed (4 GiB with speech recognition).',
    };
  if (gib < 4)
    return {
      id: 'memory',
      status: 'warn',
      detail,
      fix: 'Under 4 GiB: disable speech recognition or use the tiny model.',
    };
  return { id: 'memory', status: 'ok', detail };
}

function diskCheck(stateDir: string): Check {
  try {
    const s = statfsSync(stateDir);
    const free = s.bavail * s.bsize;
    const detail = `${(free / GiB).toFixed(1)} GiB free under ${stateDir}`;
    // The outbox quota is 512 MiB; models need up to about 1 GiB more.
    if (free < 1 * GiB)
      return { id: 'disk', status: 'fail', detail, fix: 'Free at least 1 GiB for the outbox and models.' };
    if (free < 5 * GiB)
      return {
        id: 'disk',
        status: 'warn',
        detail,
        fix: 'Under 5 GiB free: logs and model updates may not fit.',
      };
    return { id: 'disk', status: 'ok', detail };
  } catch (err) {
    return {
      id: 'disk',
      status: 'fail',
      detail: `${stateDir}: ${(err as Error).message}`,
      fix: 'Create the state folder.',
    };
  }
}

/** A check that failed with `err`, whose message says what was wrong. */
const failed = (id: string, err: unknown, fix: string): Check => ({
  id,
  status: 'fail',
  detail: (err as Error).message,
  fix,
});

async function ffmpegCheck(): Promise<Check> {
  try {
    const bin = ffmpegPath();
    const { stdout } = await run(bin, ['-hide_banner', '-version'], { timeout: 10_000 });
    return { id: 'ffmpeg', status: 'ok', detail: `${bin}: ${stdout.split('\n')[0] ?? ''}` };
  } catch (err) {
    return failed('ffmpeg', err, 'Reinstall with npm ci, or set FFMPEG_PATH.');
  }
}

async function modelChecks(manifestPath?: string): Promise<Check[]> {
  let manifest;
  try {
    manifest = await loadManifest(manifestPath);
  } catch (err) {
    return [failed('models', err, 'Restore models/manifest.json.')];
  }
  const checks: Check[] = [];
  for (const entry of manifest.models) {
    const file = resolveModelPath(entry.file);
    // Only the VAD is required: without it nothing is measured. Other models degrade gracefully.
    const required = entry.task === 'vad';
    try {
      await verifyModelFile(file, entry);
      checks.push({ id: `model:${entry.id}`, status: 'ok', detail: `${file} (sha256 ok)` });
    } catch (err) {
      const missing = (err as { code?: string }).code === 'E_MODEL_MISSING';
      checks.push({
        id: `model:${entry.id}`,
        status: required || !missing ? 'fail' : 'absent',
        detail: (err as Error).message,
        fix: missing
          ? 'Run scripts/fetch-models (or install the offline bundle).'
          : 'Delete the file and fetch it again.',
      });
    }
  }
  return checks;
}

async function brokerCheck(url: string): Promise<Check> {
  try {
    const client = await connectAsync(url, {
      connectTimeout: 5000,
      reconnectPeriod: 0,
      clientId: `doctor-${process.pid}`,
    });
    await client.endAsync();
    return { id: 'broker', status: 'ok', detail: `${url.replace(/\/\/[^@/]*@/, '//***@')} reachable` };
  } catch (err) {
    return failed('broker', err, 'Check the broker address, firewall and credentials.');
  }
}

/** Looks at the machine and everything the agent needs; a `fail` anywhere makes `ok` false. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const hardware = detectHardware();
  const checks: Check[] = [cpuCheck(hardware), memoryCheck(hardware), diskCheck(options.stateDir)];
  checks.push({
    id: 'accelerator',
    status: hardware.gpus.length + hardware.npus.length > 0 ? 'ok' : 'absent',
    detail: [...hardware.gpus, ...hardware.npus].join(', ') || 'no GPU or NPU device nodes',
  });
  checks.push(await ffmpegCheck());
  const cams = listCameras();
  checks.push({
    id: 'camera:v4l2',
    status: cams.length ? 'ok' : 'absent',
    detail: cams.map((c) => `${c.device} (${c.name})`).join(', ') || 'no /dev/video* devices',
  });
  for (const url of options.streams ?? []) {
    const probe = await probeStream(ffmpegPath(), url);
    checks.push({
      id: 'camera:stream',
      status: probe.ok ? 'ok' : 'fail',
      detail: probe.detail,
      ...(probe.ok ? {} : { fix: 'Check the camera URL, credentials and network.' }),
    });
  }
  const mics = listMicrophones();
  checks.push({
    id: 'microphone:alsa',
    status: mics.length ? 'ok' : 'absent',
    detail: mics.map((m) => `${m.card} (${m.name})`).join(', ') || 'no ALSA cards',
  });
  checks.push(...(await modelChecks(options.manifestPath)));
  checks.push(whisperBuildCheck(hardware));
  checks.push(flagRatesCheck());
  let profileIds: string[] = [];
  try {
    profileIds = (await loadAllProfiles(options.profilesDir)).map((p) => p.id);
    checks.push({
      id: 'profiles',
      status: 'ok',
      detail: `${profileIds.length} valid: ${profileIds.join(', ')}`,
    });
  } catch (err) {
    checks.push(failed('profiles', err, 'Fix the named file and field.'));
  }
  if (options.broker) checks.push(await brokerCheck(options.broker));
  return {
    hardware,
    recommendedProfile: recommendProfile(hardware, profileIds),
    checks,
    ok: checks.every((c) => c.status !== 'fail'),
  };
}

/** Which vision figures go out corrected for the rules' measured error rates, per pose model. */
function flagRatesCheck(): Check {
  try {
    return { id: 'vision:flag-rates', status: 'ok', detail: describeFlagRates() };
  } catch (err) {
    return failed(
      'vision:flag-rates',
      err,
      'Restore edge-agent/src/vision/flag-rates.json from the release.',
    );
  }
}

export function formatDoctorReport(report: DoctorReport): string {
  const mark = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', absent: '--  ' } as const;
  const lines = report.checks.map(
    (c) => `${mark[c.status]}  ${c.id.padEnd(28)} ${c.detail}${c.fix ? `\n      → ${c.fix}` : ''}`,
  );
  lines.push(
    '',
    `recommended profile: ${report.recommendedProfile}`,
    report.ok ? 'doctor: no problems' : 'doctor: problems found (FAIL above)',
  );
  return lines.join('\n');
}
