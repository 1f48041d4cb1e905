import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { loadWhisperBinding } from '../speech/asr/whisper-binding.ts';
import type { Check, HardwareFacts } from './types.ts';

/** ggml's compile-time SIMD switches: ggml_cpu_has_<name>() returns a constant 0 or 1. */
const FEATURES = [
  'avx',
  'avx2',
  'fma',
  'f16c',
  'avx512',
  'neon',
  'arm_fma',
  'fp16_va',
  'matmul_int8',
] as const;

export interface WhisperBuildInfo {
  binary: string;
  /** Feature → 1/0 read from the binary's own ggml_cpu_has_* functions; null where unreadable. */
  features: Record<string, 0 | 1 | null>;
  /** -m… / -march / -mcpu flags from node-gyp's recorded compile command for ggml.c. */
  flags: string[];
}

/**
 * What the built smart-whisper binary was compiled with, without running it: the same facts as
 * whisper.cpp's whisper_print_system_info (which smart-whisper does not expose). Each
 * ggml_cpu_has_<f>() compiles to "return 1" or "return 0" from #if defined(__AVX2__) etc., so
 * reading its first instruction in the ELF file gives the answer exactly.
 */
export function inspectWhisperBuild(packageMain: string): WhisperBuildInfo | null {
  let dir = path.dirname(packageMain);
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const binary = path.join(dir, 'build', 'Release', 'smart-whisper.node');
  if (!existsSync(binary)) return null;
  const symbols = readElfFunctions(
    readFileSync(binary),
    FEATURES.map((f) => `ggml_cpu_has_${f}`),
  );
  const features: Record<string, 0 | 1 | null> = {};
  for (const f of FEATURES) features[f] = symbols.get(`ggml_cpu_has_${f}`) ?? null;
  return { binary, features, flags: compileFlags(dir) };
}

function compileFlags(pkgDir: string): string[] {
  const depsDir = path.join(
    pkgDir,
    'build',
    'Release',
    '.deps',
    'Release',
    'obj.target',
    'smart-whisper',
    'whisper.cpp',
    'ggml',
    'src',
  );
  try {
    const file = readdirSync(depsDir).find((f) => f === 'ggml.o.d');
    if (!file) return [];
    const cmd = readFileSync(path.join(depsDir, file), 'utf8').split('\n')[0] ?? '';
    return [
      ...new Set(
        cmd.split(/\s+/).filter((a) => /^'?-m(?!64|32)[a-z0-9=.+-]+/.test(a) || /^-march=|^-mcpu=/.test(a)),
      ),
    ];
  } catch {
    return [];
  }
}

/** Reads 0/1 returned by tiny exported functions of an ELF64 little-endian x86-64 or aarch64 file. */
function readElfFunctions(buf: Buffer, names: string[]): Map<string, 0 | 1 | null> {
  const out = new Map<string, 0 | 1 | null>();
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2 || buf[5] !== 1) return out;
  const machine = buf.readUInt16LE(0x12); // 62 x86-64, 183 aarch64
  const shoff = Number(buf.readBigUInt64LE(0x28));
  const shentsize = buf.readUInt16LE(0x3a);
  const shnum = buf.readUInt16LE(0x3c);
  const sec = (i: number) => {
    const o = shoff + i * shentsize;
    return {
      type: buf.readUInt32LE(o + 4),
      addr: Number(buf.readBigUInt64LE(o + 0x10)),
      offset: Number(buf.readBigUInt64LE(o + 0x18)),
      size: Number(buf.readBigUInt64LE(o + 0x20)),
      link: buf.readUInt32LE(o + 0x28),
    };
  };
  const wanted = new Set(names);
  for (let i = 0; i < shnum; i++) {
    const s = sec(i);
    if (s.type !== 11 && s.type !== 2) continue; // SHT_DYNSYM, SHT_SYMTAB
    const strtab = sec(s.link);
    for (let o = s.offset; o + 24 <= s.offset + s.size; o += 24) {
      const nameOff = strtab.offset + buf.readUInt32LE(o);
      const end = buf.indexOf(0, nameOff);
      const name = buf.toString('latin1', nameOff, end);
      if (!wanted.has(name) || out.get(name) != null) continue;
      const shndx = buf.readUInt16LE(o + 6);
      const value = Number(buf.readBigUInt64LE(o + 8));
      if (shndx === 0 || shndx >= shnum) continue;
      const text = sec(shndx);
      out.set(name, returnedConstant(buf, text.offset + (value - text.addr), machine));
    }
  }
  return out;
}

function returnedConstant(buf: Buffer, at: number, machine: number): 0 | 1 | null {
  if (at < 0 || at + 8 > buf.length) return null;
  if (machine === 62) {
    let p = at;
    if (buf.readUInt32BE(p) === 0xf30f1efa) p += 4; // endbr64
    if (buf[p] === 0xb8) return buf.readUInt32LE(p + 1) === 1 ? 1 : buf.readUInt32LE(p + 1) === 0 ? 0 : null;
    if (buf[p] === 0x31 && buf[p + 1] === 0xc0) return 0; // xor eax, eax
    return null;
  }
  if (machine === 183) {
    const insn = buf.readUInt32LE(at);
    if (insn === 0x52800020) return 1; // mov w0, #1
    if (insn === 0x52800000) return 0; // mov w0, #0
  }
  return null;
}

/** Doctor's line: is the binding there, and does its build use the SIMD this CPU has? */
export function whisperBuildCheck(hardware: HardwareFacts): Check {
  const binding = loadWhisperBinding();
  if (!binding.ok) {
    return { id: 'asr:whisper.cpp', status: 'warn', detail: binding.reason, fix: 'npm run build:whisper' };
  }
  const info = inspectWhisperBuild(binding.path);
  if (!info) return { id: 'asr:whisper.cpp', status: 'warn', detail: 'smart-whisper binary not found' };
  const on = Object.entries(info.features)
    .filter(([, v]) => v === 1)
    .map(([k]) => k.toUpperCase());
  const detail = `smart-whisper built with ${on.join(' ') || 'no SIMD'}; flags ${info.flags.join(' ') || '(default)'}`;
  const cpu = new Set(hardware.simd.map((s) => s.toLowerCase()));
  const missing = ['avx2', 'fma', 'f16c'].filter((f) => cpu.has(f) && info.features[f] === 0);
  if (hardware.arch === 'arm64' && info.features.neon === 0) missing.push('neon');
  if (missing.length > 0) {
    return {
      id: 'asr:whisper.cpp',
      status: 'warn',
      detail: `${detail}; this CPU also has ${missing.join(', ')} (whisper about 10x slower without them)`,
      fix: "npm run build:whisper (rebuilds smart-whisper with this CPU's flags)",
    };
  }
  return { id: 'asr:whisper.cpp', status: 'ok', detail };
}
