// One differential run of a generated case, the saved state-test file of a mismatch,
// and the batch loop used by the `fuzz` command and its test.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Evm } from '../evm/evm.js';
import { WorldState } from '../state/world.js';
import { logsHash } from '../state/logs.js';
import { bytesToHex } from '../util/hex.js';
import { toCase, toStateTest, type CaseSpec } from './case.js';
import { compareOutcomes, runLanes } from './compare.js';
import { runReference, Unsupported, type Outcome } from './ethjs.js';
import { generateCase, toSpec, type FuzzCase } from './generate.js';
import { minimise } from './minimise.js';
import { mutatedSpec } from './mutate.js';

export type RunResult =
  | { kind: 'agree' }
  | { kind: 'unsupported'; why: string }
  | { kind: 'known'; why: string[] }
  | { kind: 'mismatch'; lanes: Outcome | { threw: string }; reference: Outcome; diffs: string[] };

export async function runCase(evm: () => Evm, f: FuzzCase): Promise<RunResult> {
  return runSpec(evm, toSpec(f), `fuzz-${f.seed}`);
}

export async function runSpec(evm: () => Evm, spec: CaseSpec, name: string): Promise<RunResult> {
  const c = toCase(name, spec);
  let reference: Outcome;
  try {
    reference = await runReference(c);
  } catch (e) {
    if (e instanceof Unsupported) return { kind: 'unsupported', why: e.message };
    throw e;
  }
  let lanes: Outcome;
  try {
    lanes = runLanes(evm(), c);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { kind: 'mismatch', lanes: { threw: msg }, reference, diffs: [`lanes threw: ${msg}`] };
  }
  const diffs = compareOutcomes(lanes, reference, spec.tx.to === null);
  if (diffs.length && reference.known) return { kind: 'known', why: reference.known };
  return diffs.length ? { kind: 'mismatch', lanes, reference, diffs } : { kind: 'agree' };
}

/** The first word of the first difference ("status", "gasUsed", "account", ...): what the minimiser keeps. */
export function mismatchKind(diffs: string[]): string {
  return diffs[0].split(/[: ]/)[0];
}

export function summarise(o: Outcome | { threw: string }): Record<string, unknown> {
  if ('threw' in o) return { threw: o.threw };
  return {
    status: o.status, ...(o.error ? { error: o.error } : {}), gasUsed: '0x' + o.gasUsed.toString(16), output: bytesToHex(o.output),
    logs: bytesToHex(logsHash(o.logs)), stateRoot: bytesToHex(WorldState.fromJSON(o.post).stateRoot()),
  };
}

/**
 * Writes a mismatch as a state test. Until diagnosed, the expectation (`post`) is the
 * reference's result and `_info.diagnosis` says "pending"; both engines' results
 * are in `_info`.
 */
export function saveMismatch(dir: string, f: FuzzCase, r: Extract<RunResult, { kind: 'mismatch' }>, original: string[]): string {
  return saveSpec(dir, `fuzz_${f.seed}`, toSpec(f), r, original, { seed: f.seed });
}

export function saveSpec(dir: string, name: string, spec: CaseSpec, r: Extract<RunResult, { kind: 'mismatch' }>, original: string[], origin: Record<string, unknown>): string {
  mkdirSync(dir, { recursive: true });
  const ref = r.reference;
  const post = { hash: bytesToHex(WorldState.fromJSON(ref.post).stateRoot()), logs: bytesToHex(logsHash(ref.logs)) };
  const info = {
    comment: 'Differential fuzzing mismatch between Lanes and @ethereumjs/evm (src/fuzz). post = the result the diagnosis says is correct.',
    ...origin,
    diagnosis: 'pending',
    expect: 'reference',
    differences: r.diffs,
    differencesBeforeMinimising: original,
    lanes: summarise(r.lanes),
    reference: summarise(ref),
  };
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(toStateTest(name, spec, post, info), null, 2) + '\n');
  return file;
}

export interface BatchOptions {
  seed: number;
  runs: number;
  /** Where mismatches are written (none when undefined). */
  saveDir?: string;
  minimise?: boolean;
  /** Mutation mode: perturb cases of these state-test files instead of generating programs. */
  corpus?: string[];
  onMismatch?: (seed: number, diffs: string[], file?: string) => void;
  onProgress?: (done: number) => void;
}

export interface BatchSummary {
  runs: number;
  agree: number;
  unsupported: number;
  /** Differences explained by a known bug of the reference. */
  known: number;
  mismatches: { seed: number; diffs: string[]; file?: string }[];
  ms: number;
}

export async function runBatch(makeEvm: () => Promise<Evm>, opts: BatchOptions): Promise<BatchSummary> {
  let evm = await makeEvm();
  const get = () => evm;
  const t0 = performance.now();
  const out: BatchSummary = { runs: 0, agree: 0, unsupported: 0, known: 0, mismatches: [], ms: 0 };
  for (let i = 0; i < opts.runs; i++) {
    const seed = (opts.seed + i) >>> 0;
    if (opts.corpus) {
      const m = mutatedSpec(opts.corpus, seed);
      out.runs++;
      if (!m) {
        out.unsupported++;
        continue;
      }
      const r = await runSpec(get, m.spec, `mutant_${seed}`).catch((e: Error) => ({ kind: 'unsupported' as const, why: e.message }));
      if (r.kind === 'agree') out.agree++;
      else if (r.kind === 'unsupported') out.unsupported++;
      else if (r.kind === 'known') out.known++;
      else {
        if ('threw' in r.lanes) evm = await makeEvm();
        const file = opts.saveDir ? saveSpec(opts.saveDir, `mutant_${seed}`, m.spec, r, r.diffs, m.origin) : undefined;
        out.mismatches.push({ seed, diffs: r.diffs, file });
        opts.onMismatch?.(seed, r.diffs, file);
      }
      opts.onProgress?.(out.runs);
      continue;
    }
    const f = generateCase(seed);
    const r = await runCase(get, f);
    out.runs++;
    if (r.kind === 'agree') out.agree++;
    else if (r.kind === 'unsupported') out.unsupported++;
    else if (r.kind === 'known') out.known++;
    else {
      if ('threw' in r.lanes) evm = await makeEvm();
      let final = f, fr = r;
      if (opts.minimise !== false) {
        const kind = mismatchKind(r.diffs);
        final = await minimise(f, async (g) => {
          const x = await runCase(get, g).catch(() => null);
          if (x?.kind === 'mismatch' && 'threw' in x.lanes) evm = await makeEvm();
          return x?.kind === 'mismatch' && mismatchKind(x.diffs) === kind;
        });
        const again = await runCase(get, final);
        if (again.kind === 'mismatch') fr = again;
        else final = f;
      }
      const file = opts.saveDir ? saveMismatch(opts.saveDir, final, fr, r.diffs) : undefined;
      out.mismatches.push({ seed, diffs: fr.diffs, file });
      opts.onMismatch?.(seed, fr.diffs, file);
    }
    opts.onProgress?.(out.runs);
  }
  out.ms = performance.now() - t0;
  return out;
}
