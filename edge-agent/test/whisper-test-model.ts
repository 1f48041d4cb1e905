import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataDir } from './helpers.ts';

/**
 * A loadable whisper.cpp model of the tiny model's exact shapes, with seeded random weights,
 * built from the shared file that holds tiny's real header, mel filters and vocabulary but no
 * tensors. Its transcripts are meaningless; its loading, encoder and decoder paths (and speed)
 * are the real tiny model's. Written to os.tmpdir(), never committed.
 *
 * Layout after the vocabulary (whisper.cpp whisper_model_load): per tensor int32 n_dims,
 * int32 name length, int32 ttype (0 F32, 1 F16), n_dims int32 dims (innermost first), the name,
 * then the data. Every tensor the loader creates must appear once with its exact shape.
 */
const VOCAB_FILE = path.join(dataDir, 'models/whisper-vocab/for-tests-ggml-tiny.bin');
const GGML_MAGIC = 0x67676d6c;

interface Hparams {
  nVocab: number;
  nAudioCtx: number;
  nAudioState: number;
  nAudioLayer: number;
  nTextCtx: number;
  nTextState: number;
  nTextLayer: number;
  nMels: number;
}

type Tensor = { name: string; dims: number[]; f16: boolean };

function readHparams(buf: Buffer): Hparams {
  if (buf.readUInt32LE(0) !== GGML_MAGIC) throw new Error(`${VOCAB_FILE}: not a ggml file`);
  const h = (i: number) => buf.readInt32LE(4 + 4 * i);
  return {
    nVocab: h(0),
    nAudioCtx: h(1),
    nAudioState: h(2),
    nAudioLayer: h(4),
    nTextCtx: h(5),
    nTextState: h(6),
    nTextLayer: h(8),
    nMels: h(9),
  };
}

/** The tensors whisper.cpp allocates for these hyper-parameters (ftype F16: matrices F16, rest F32). */
export function whisperTensors(p: Hparams): Tensor[] {
  const out: Tensor[] = [];
  const f32 = (name: string, ...dims: number[]) => out.push({ name, dims, f16: false });
  const f16 = (name: string, ...dims: number[]) => out.push({ name, dims, f16: true });
  const a = p.nAudioState;
  f32('encoder.positional_embedding', a, p.nAudioCtx);
  f16('encoder.conv1.weight', 3, p.nMels, a);
  f32('encoder.conv1.bias', 1, a);
  f16('encoder.conv2.weight', 3, a, a);
  f32('encoder.conv2.bias', 1, a);
  f32('encoder.ln_post.weight', a);
  f32('encoder.ln_post.bias', a);
  const block = (prefix: string, s: number, cross: boolean) => {
    f32(`${prefix}.mlp_ln.weight`, s);
    f32(`${prefix}.mlp_ln.bias`, s);
    f16(`${prefix}.mlp.0.weight`, s, 4 * s);
    f32(`${prefix}.mlp.0.bias`, 4 * s);
    f16(`${prefix}.mlp.2.weight`, 4 * s, s);
    f32(`${prefix}.mlp.2.bias`, s);
    const attn = (name: string) => {
      f32(`${prefix}.${name}_ln.weight`, s);
      f32(`${prefix}.${name}_ln.bias`, s);
      f16(`${prefix}.${name}.query.weight`, s, s);
      f32(`${prefix}.${name}.query.bias`, s);
      f16(`${prefix}.${name}.key.weight`, s, s);
      f16(`${prefix}.${name}.value.weight`, s, s);
      f32(`${prefix}.${name}.value.bias`, s);
      f16(`${prefix}.${name}.out.weight`, s, s);
      f32(`${prefix}.${name}.out.bias`, s);
    };
    attn('attn');
    if (cross) attn('cross_attn');
  };
  for (let i = 0; i < p.nAudioLayer; i++) block(`encoder.blocks.${i}`, a, false);
  const t = p.nTextState;
  f32('decoder.positional_embedding', t, p.nTextCtx);
  f16('decoder.token_embedding.weight', t, p.nVocab);
  f32('decoder.ln.weight', t);
  f32('decoder.ln.bias', t);
  for (let i = 0; i < p.nTextLayer; i++) block(`decoder.blocks.${i}`, t, true);
  return out;
}

/** float32 → IEEE half bits (round to nearest; values here are small and normal). */
function toHalf(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  if (exp <= 0) return sign;
  const mant = (x >>> 13) & 0x3ff;
  return sign | (exp << 10) | mant;
}

/** xorshift32: fast, seeded, good enough for weights nobody reads. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function tensorBytes(t: Tensor, next: () => number, table: Uint16Array): Buffer {
  const n = t.dims.reduce((x, y) => x * y, 1);
  const isNorm =
    t.name.endsWith('_ln.weight') || t.name.endsWith('ln_post.weight') || t.name === 'decoder.ln.weight';
  if (t.f16) {
    const out = new Uint16Array(n);
    for (let i = 0; i < n; i++) out[i] = table[next() & 0xffff]!;
    return Buffer.from(out.buffer);
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (isNorm ? 1 : 0) + ((next() & 0xffff) / 0x8000 - 1) * 0.05;
  return Buffer.from(out.buffer);
}

export interface TestModel {
  path: string;
  sha256: string;
  bytes: number;
}

/** Builds (or reuses) the tiny-shaped random model in os.tmpdir(); deterministic for a seed. */
export function buildTestWhisperModel(seed = 1234): TestModel {
  const head = readFileSync(VOCAB_FILE);
  const tag = createHash('sha256').update(head).update(String(seed)).digest('hex').slice(0, 12);
  const file = path.join(os.tmpdir(), `classroom-whisper-tiny-random-${tag}.bin`);
  const shaFile = `${file}.sha256`;
  if (existsSync(file) && existsSync(shaFile)) {
    return { path: file, sha256: readFileSync(shaFile, 'utf8').trim(), bytes: statSync(file).size };
  }
  const p = readHparams(head);
  const next = rng(seed);
  // 65,536 half values spread evenly over ±0.08: a table lookup per weight instead of a conversion.
  const table = new Uint16Array(65536);
  for (let i = 0; i < 65536; i++) table[i] = toHalf((i / 32768 - 1) * 0.08);
  const parts: Buffer[] = [head];
  for (const t of whisperTensors(p)) {
    const name = Buffer.from(t.name, 'utf8');
    const meta = Buffer.alloc(12 + 4 * t.dims.length);
    meta.writeInt32LE(t.dims.length, 0);
    meta.writeInt32LE(name.length, 4);
    meta.writeInt32LE(t.f16 ? 1 : 0, 8);
    t.dims.forEach((d, i) => meta.writeInt32LE(d, 12 + 4 * i));
    parts.push(meta, name, tensorBytes(t, next, table));
  }
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  const sha256 = hash.digest('hex');
  const tmp = `${file}.${process.pid}.part`;
  writeFileSync(tmp, Buffer.concat(parts));
  writeFileSync(shaFile, sha256);
  renameSync(tmp, file); // atomic: parallel test workers never see a half-written model
  return { path: file, sha256, bytes: statSync(file).size };
}
