/**
 * Rebuilds smart-whisper (whisper.cpp, compiled from source by node-gyp) with this CPU's SIMD
 * flags. smart-whisper's own install passes none, and whisper is then about 10x slower
 * (STACK-NOTES). node-gyp's Makefile appends $CFLAGS/$CXXFLAGS to every compile, so the flags
 * go in through the environment. `edge-agent doctor` reads back what the binary got.
 *
 *   npx tsx scripts/build-whisper.ts [--print]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export function whisperFlags(arch: string = process.arch, cpuinfo: string = readCpuinfo()): string[] {
  const has = (f: string) => new RegExp(`\\b${f}\\b`).test(cpuinfo);
  if (arch === 'x64') return ['avx', 'avx2', 'fma', 'f16c'].filter(has).map((f) => `-m${f}`);
  // AArch64 always has NEON; fp16 arithmetic and dot products where the core has them.
  if (arch === 'arm64') {
    const ext = [has('asimdhp') ? '+fp16' : '', has('asimddp') ? '+dotprod' : ''].join('');
    return ext ? [`-march=armv8.2-a${ext}`] : [];
  }
  if (arch === 'arm') return ['-mfpu=neon-fp-armv8', '-mfp16-format=ieee'];
  return [];
}

function readCpuinfo(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}

const flags = whisperFlags().join(' ');
if (process.argv.includes('--print')) {
  console.log(flags);
} else {
  console.error(`rebuilding smart-whisper with CFLAGS="${flags}"`);
  const r = spawnSync('npm', ['rebuild', 'smart-whisper'], {
    stdio: 'inherit',
    env: { ...process.env, CFLAGS: flags, CXXFLAGS: flags },
  });
  process.exit(r.status ?? 1);
}
