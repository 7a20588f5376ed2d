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
