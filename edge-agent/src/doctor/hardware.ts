import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import type { HardwareFacts } from './types.ts';

/** SIMD features that matter for ONNX, whisper.cpp and WASM speed; names as /proc/cpuinfo spells them. */
const SIMD_OF_INTEREST = [
  'sse4_2',
  'avx',
  'avx2',
  'fma',
  'f16c',
  'avx512f',
  'avx_vnni',
  'neon',
  'asimd',
  'asimdhp',
  'asimddp',
  'sve',
  'fphp',
];

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

export function simdFlags(cpuinfo: string | null, arch: string): string[] {
  if (!cpuinfo) return arch === 'arm64' ? ['neon'] : [];
  const line = cpuinfo.split('\n').find((l) => /^(flags|Features)\s*:/.test(l)) ?? '';
  const flags = new Set(line.split(':')[1]?.trim().split(/\s+/) ?? []);
  // Every AArch64 core has NEON; the kernel calls it "asimd".
  if (flags.has('asimd')) flags.add('neon');
  return SIMD_OF_INTEREST.filter((f) => flags.has(f));
}

/** Reads what the machine is, from /proc and /sys; anything unreadable is reported as absent. */
export function detectHardware(): HardwareFacts {
  const cpuinfo = readText('/proc/cpuinfo');
  const board = readText('/proc/device-tree/model') ?? readText('/sys/firmware/devicetree/base/model');
  const gpus: string[] = [];
  if (existsSync('/dev/nvidia0') || existsSync('/dev/nvhost-gpu')) gpus.push('nvidia');
  if (existsSync('/dev/dri')) {
    for (const d of readdirSync('/dev/dri')) if (d.startsWith('renderD')) gpus.push(`dri:${d}`);
  }
  const npus: string[] = [];
  if (
    existsSync('/dev/rknpu') ||
    existsSync('/sys/kernel/debug/rknpu') ||
    existsSync('/proc/device-tree/npu@fdab0000')
  )
    npus.push('rknpu');
  if (existsSync('/dev/accel')) for (const d of readdirSync('/dev/accel')) npus.push(`accel:${d}`);
  return {
    arch: process.arch,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    simd: simdFlags(cpuinfo, process.arch),
    boardModel: board ? board.replace(/\0/g, '').trim() : null,
    memTotalBytes: os.totalmem(),
    gpus,
    npus,
  };
}

/** The device profile this hardware should run; falls back to the generic one of its architecture. */
export function recommendProfile(hw: HardwareFacts, available: readonly string[]): string {
  const board = hw.boardModel ?? '';
  const wanted: string[] = [];
  if (/RK3588/i.test(board)) wanted.push('rockchip-rk3588');
  if (/Jetson|NVIDIA Orin/i.test(board)) wanted.push('jetson-orin-nano');
  if (/Raspberry Pi 5/i.test(board)) wanted.push('raspberry-pi-5');
  if (/\bN(95|97|100|150|200|300|305)\b/.test(hw.cpuModel)) wanted.push('intel-n100');
  wanted.push(hw.arch === 'arm64' ? 'generic-arm64' : 'generic-x86-64');
  return wanted.find((id) => available.includes(id)) ?? wanted[wanted.length - 1]!;
}
