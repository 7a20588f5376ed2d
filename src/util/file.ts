// Reading fixture files (Node only; the browser passes fixture text instead).
import { readFileSync } from 'node:fs';
import { InputError } from './hex.js';
import { parseJson } from './json.js';

export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read: ${(e as Error).message}`);
  }
}

export function readJsonFile(file: string): unknown {
  return parseJson(readText(file), file);
}
