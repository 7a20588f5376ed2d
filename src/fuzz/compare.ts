// Both sides of a differential run: the case on Lanes, and the comparison of two
// outcomes (status, gas used, return data, logs, post-state).

import type { Evm } from '../evm/evm.js';
import type { Tx } from '../evm/types.js';
import { forkByName } from '../fork/table.js';
import type { StateTestCase } from '../statetest/parse.js';
import { bytesToHex } from '../util/hex.js';
import type { Outcome, PostState } from './ethjs.js';

export function runLanes(evm: Evm, c: StateTestCase): Outcome {
  const state = c.pre.copy();
  const r = evm.runTx(state, c.block, c.tx as Tx, forkByName(c.fork));
  if (r.invalid !== undefined) return { status: 'invalid', error: r.invalid, gasUsed: 0n, output: new Uint8Array(0), logs: [], post: state.toJSON() };
  return { status: r.status, error: r.error, gasUsed: r.gasUsed, output: r.output, logs: r.logs, post: state.toJSON() };
}

/**
 * The differences between Lanes' outcome `a` and the reference's `b`; empty when
 * they agree. The output of a successful creation is not compared (it is the
 * deployed code, visible in the post-state; engines differ in what they return).
 */
export function compareOutcomes(a: Outcome, b: Outcome, isCreate: boolean): string[] {
  const d: string[] = [];
  const hex = bytesToHex;
  if (a.status !== b.status) d.push(`status: ${a.status}${a.error ? ` (${a.error})` : ''} vs ${b.status}${b.error ? ` (${b.error})` : ''}`);
  if (a.gasUsed !== b.gasUsed) d.push(`gasUsed: ${a.gasUsed} vs ${b.gasUsed} (${a.gasUsed - b.gasUsed > 0n ? '+' : ''}${a.gasUsed - b.gasUsed})`);
  if (!(isCreate && a.status === 'success') && hex(a.output) !== hex(b.output)) d.push(`output: ${short(hex(a.output))} vs ${short(hex(b.output))}`);
  if (a.logs.length !== b.logs.length) d.push(`logs: ${a.logs.length} vs ${b.logs.length}`);
  else {
    a.logs.forEach((l, i) => {
      const m = b.logs[i];
      if (hex(l.address) !== hex(m.address) || hex(l.data) !== hex(m.data) || l.topics.length !== m.topics.length
        || l.topics.some((t, j) => hex(t) !== hex(m.topics[j]))) d.push(`log ${i} differs`);
    });
  }
  d.push(...comparePost(a.post, b.post));
  return d;
}

export function comparePost(a: PostState, b: PostState): string[] {
  const d: string[] = [];
  for (const addr of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const x = a[addr], y = b[addr];
    if (!x || !y) {
      d.push(`account ${addr}: ${x ? 'exists' : 'absent'} vs ${y ? 'exists' : 'absent'}`);
      continue;
    }
    for (const f of ['balance', 'nonce', 'code'] as const) if (x[f] !== y[f]) d.push(`account ${addr} ${f}: ${short(x[f])} vs ${short(y[f])}`);
    const slots = new Set([...Object.keys(x.storage), ...Object.keys(y.storage)]);
    for (const s of slots) {
      if (x.storage[s] !== y.storage[s]) d.push(`account ${addr} slot ${s}: ${x.storage[s] ?? '0x0'} vs ${y.storage[s] ?? '0x0'}`);
    }
  }
  return d;
}

function short(s: string): string {
  return s.length > 74 ? `${s.slice(0, 66)}...(${(s.length - 2) / 2} bytes)` : s;
}
