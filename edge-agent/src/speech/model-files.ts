import { readFileSync } from 'node:fs';
import { LinearModel, type LinearModelFile } from './linear-model.ts';

const cache = new Map<string, LinearModel>();

/** Loads a committed model file from ./models once per process (trained by scripts/train/). */
export function loadModel(name: 'instruction-zh' | 'question-zh' | 'question-en'): LinearModel {
  let model = cache.get(name);
  if (!model) {
    const url = new URL(`./models/${name}.json`, import.meta.url);
    model = new LinearModel(JSON.parse(readFileSync(url, 'utf8')) as LinearModelFile);
    cache.set(name, model);
  }
  return model;
}

const lists = new Map<string, ReadonlySet<string>>();

/** Loads a committed word list from ./models once per process (built by scripts/train/). */
export function loadWordList(name: 'common-words-en'): ReadonlySet<string> {
  let list = lists.get(name);
  if (!list) {
    const url = new URL(`./models/${name}.json`, import.meta.url);
    list = new Set((JSON.parse(readFileSync(url, 'utf8')) as { words: string[] }).words);
    lists.set(name, list);
  }
  return list;
}
