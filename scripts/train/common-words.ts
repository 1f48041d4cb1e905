/**
 * Builds the English common-word list the talk-move tagger uses to tell a student's name from a
 * word: every word of the NCTE uptake exchanges (MIT), whose names are anonymised to initials, so
 * the list holds classroom English and no names. Single letters (the initials) are left out.
 * TalkMoves (CC BY-NC-SA) is never read here.
 *
 *   npx tsx scripts/train/common-words.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { englishTokens } from '../../edge-agent/src/speech/text.ts';
import { parseCsv } from './linear.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const file = path.resolve(here, '../../../shared/data/transcripts/ncte-uptake/uptake_data.csv');
const out = path.resolve(here, '../../edge-agent/src/speech/models/common-words-en.json');

const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
const columns = ['student_text', 'teacher_text'].map((n) => header!.indexOf(n));
const words = new Set<string>();
for (const row of rows) {
  for (const c of columns) {
    for (const t of englishTokens(row[c] ?? '')) {
      if ((t.length > 1 || t === 'a' || t === 'i') && !/\d/.test(t)) words.add(t);
    }
  }
}
const sorted = [...words].sort();
const json = JSON.stringify({ source: 'NCTE uptake (MIT), student and teacher turns', words: sorted });
writeFileSync(out, await format(json, { ...(await resolveConfig(out)), parser: 'json' }));
console.log(`${sorted.length} words -> ${path.relative(process.cwd(), out)}`);
