import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { AgentError } from '../errors.ts';
import { resolveModel } from '../models/manifest.ts';
import { resolveModelPath } from '../models/resolve-model-path.ts';

let ready: Promise<void> | null = null;

/**
 * Starts TensorFlow.js on its WASM backend (SIMD, one thread in Node: STACK-NOTES). The .wasm
 * binaries are read from the installed package, never fetched [PRIV-10].
 */
export function initTfjs(): Promise<void> {
  ready ??= (async () => {
    const dist = path.dirname(
      resolveModelPath('npm:@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'),
    );
    setWasmPaths(`${dist}${path.sep}`);
    setThreadsCount(1);
    await tf.setBackend('wasm');
    await tf.ready();
  })().catch((err: unknown) => {
    ready = null;
    throw new AgentError('E_MODEL_LOAD', `TensorFlow.js WASM backend did not start: ${String(err)}`, {
      cause: err,
    });
  });
  return ready;
}

export interface TfjsModelOptions {
  manifestPath?: string;
}

/**
 * Loads a TensorFlow.js graph model listed in the manifest as two entries, `<id>` (model.json) and
 * `<id>-weights` (the .bin shard): both are checked against their sha256 before a byte is parsed,
 * then handed to tfjs from memory, so nothing is fetched (no `fetch`, no http) [PRIV-10].
 */
export async function loadTfjsModel(id: string, options: TfjsModelOptions = {}): Promise<GraphModel> {
  await initTfjs();
  const opts = options.manifestPath ? { manifestPath: options.manifestPath } : {};
  const topology = await resolveModel(id, opts);
  const weights = await resolveModel(`${id}-weights`, opts);
  const json = JSON.parse(await readFile(topology.path, 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    signature?: object;
    userDefinedMetadata?: tf.io.ModelArtifacts['userDefinedMetadata'];
  };
  const shards = json.weightsManifest.flatMap((g) => g.paths);
  if (shards.length !== 1 || shards[0] !== path.basename(weights.path)) {
    throw new AgentError(
      'E_MODEL_LOAD',
      `model ${id}: expected one weight shard named ${path.basename(weights.path)}, found ${shards.join(', ')}`,
    );
  }
  const bin = await readFile(weights.path);
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    format: 'graph-model',
    ...(json.signature ? { signature: json.signature } : {}),
    ...(json.userDefinedMetadata ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
  };
  try {
    return await loadGraphModel(tf.io.fromMemory(artifacts));
  } catch (err) {
    throw new AgentError('E_MODEL_LOAD', `model ${id}: ${(err as Error).message}`, { cause: err });
  }
}

export { tf };
