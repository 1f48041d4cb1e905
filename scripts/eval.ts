/**
 * `npm run eval -- <task> [args]`: accuracy against labelled data, printed as JSON on stdout. A
 * task is a module scripts/eval/<task>.ts exporting `run(...args)` (positional arguments as
 * strings); adding a task is adding such a file. Files starting with `_` and modules without
 * `run` (helpers) are not tasks; shared helpers may also live in scripts/eval/lib/.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

type Task = { run?: (...args: string[]) => Promise<unknown> };

const dir = path.join(import.meta.dirname, 'eval');
const candidates = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_') && f.split('.').length === 2)
  .map((f) => f.slice(0, -3))
  .sort();
const [task, ...args] = process.argv.slice(2);
const usage = () => {
  process.stderr.write(`usage: npm run eval -- <task> [args]\ntasks: ${candidates.join(', ')}\n`);
  process.exit(2);
};
if (!task || !candidates.includes(task)) usage();
const mod = (await import(pathToFileURL(path.join(dir, `${task}.ts`)).href)) as Task;
if (typeof mod.run !== 'function') usage();
try {
  const result = await mod.run!(...args);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} catch (err) {
  // A wrong path or a folder in the wrong layout is the user's to fix: say what, not where in
  // our code (EVAL_DEBUG=1 prints the stack).
  const e = err as NodeJS.ErrnoException;
  const what =
    e.code === 'ENOENT' && e.path ? `no such file or folder: ${e.path}` : (e.message ?? String(err));
  process.stderr.write(`eval ${task}: ${what}\n${process.env.EVAL_DEBUG ? `${e.stack}\n` : ''}`);
  process.exit(1);
}
