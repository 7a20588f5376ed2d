// Shape checks for parsed JSON fixtures: each names what it was reading.
import { InputError } from './hex.js';

export function asObject(v: unknown, what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new InputError(`${what}: expected an object`);
  return v as Record<string, unknown>;
}

export function array(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new InputError(`${what}: expected an array`);
  return v;
}

/** Parses fixture text, naming the file on a syntax error. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: invalid JSON: ${(e as Error).message}`);
  }
}
