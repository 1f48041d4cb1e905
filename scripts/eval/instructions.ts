/**
 * Teacher instruction-type accuracy on a DialogID-style CSV (columns text,label; labels 0-8).
 *
 *   npx tsx scripts/eval/instructions.ts ../shared/data/transcripts/dialogid-zh/dev.csv
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyInstruction, INSTRUCTION_TYPES } from '../../edge-agent/src/speech/instruction.ts';
import { parseCsv } from '../train/linear.ts';

function f1(tp: number, fp: number, fn: number): number {
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

export async function run(target: string, options: { limit?: number } = {}): Promise<object> {
  const [header, ...rows] = parseCsv(readFileSync(target, 'utf8'));
  const ti = header!.indexOf('text');
  const li = header!.indexOf('label');
  if (ti < 0 || li < 0) throw new Error(`${target}: expected columns text,label`);
  const k = INSTRUCTION_TYPES.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const started = Date.now();
  let n = 0;
  for (const r of rows.slice(0, options.limit ?? rows.length)) {
    const gold = Number(r[li]);
    if (!Number.isInteger(gold) || gold < 0 || gold >= k) continue;
    const pred = INSTRUCTION_TYPES.indexOf(classifyInstruction(r[ti] ?? ''));
    confusion[gold]![pred]! += 1;
    n++;
  }
  const perClassF1: Record<string, number> = {};
  let correct = 0;
  INSTRUCTION_TYPES.forEach((name, c) => {
    const tp = confusion[c]![c]!;
    correct += tp;
    const fp = confusion.reduce((s, row) => s + row[c]!, 0) - tp;
    const fn = confusion[c]!.reduce((s, v) => s + v, 0) - tp;
    perClassF1[name] = Number(f1(tp, fp, fn).toFixed(4));
  });
  const macro = Object.values(perClassF1).reduce((a, b) => a + b, 0) / k;
  return {
    task: 'instruction-type (DialogID categories)',
    file: path.basename(target),
    utterances: n,
    accuracy: Number((correct / Math.max(1, n)).toFixed(4)),
    macroF1: Number(macro.toFixed(4)),
    perClassF1,
    labels: INSTRUCTION_TYPES,
    confusion: { rows: 'gold', columns: 'predicted', matrix: confusion },
    seconds: (Date.now() - started) / 1000,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: npx tsx scripts/eval/instructions.ts <dialogid-style.csv>');
    process.exit(2);
  }
  console.log(JSON.stringify(await run(target), null, 2));
}
