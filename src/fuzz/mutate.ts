// Mutation mode: official state tests (ethereum/tests, Cancun) with their transaction
// and contracts perturbed, run on both engines. Their pre-states reach code paths
// that generated programs seldom do (real contracts, deep call patterns).

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseSpec } from './case.js';
import { Rng } from './generate.js';
import { readStateTestFile, type StateTestCase } from '../statetest/parse.js';
import { bytesToHex } from '../util/hex.js';

// Tests that run long by design: not worth their time on the reference EVM here.
const SLOW = /stTimeConsuming|stQuadraticComplexityTest|stMemoryStressTest|stStaticCall\/static_Call50000|stCreate2\/Create2Recursive|vmPerformance|stAttackTest|Call1024|Callcode1024|CallRecursive|50000|loopMul|loopExp/;

/** The Cancun state-test files under `root` (sorted, slow ones left out). */
export function corpus(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json') && !SLOW.test(p)) out.push(p);
    }
  };
  walk(root);
  return out.sort();
}

const cache = new Map<string, StateTestCase[]>();
function casesOf(file: string): StateTestCase[] {
  let cs = cache.get(file);
  if (!cs) {
    try {
      cs = readStateTestFile(file, { fork: (k) => k === 'Cancun' });
    } catch {
      cs = [];
    }
    if (cache.size > 200) cache.delete(cache.keys().next().value!);
    cache.set(file, cs);
  }
  return cs;
}

const OPS = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0a, 0x10, 0x14, 0x15, 0x16, 0x19, 0x1b, 0x1c, 0x20, 0x30, 0x31, 0x33, 0x34, 0x35, 0x36,
  0x37, 0x39, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x47, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d,
  0x5e, 0x5f, 0x60, 0x61, 0x80, 0x81, 0x90, 0x91, 0xa0, 0xa1, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xfa, 0xfd, 0xfe, 0xff];

/** A mutated Cancun case from the corpus, or null when the pick does not suit (blob or 7702 transactions). */
export function mutatedSpec(files: string[], seed: number): { spec: CaseSpec; origin: Record<string, unknown> } | null {
  const r = new Rng(seed);
  const file = r.pick(files);
  const cases = casesOf(file);
  if (cases.length === 0) return null;
  const c = r.pick(cases);
  const t = c.tx;
  if (t.type > 2 || c.unencodable || c.expectException) return null;
  const pre = c.pre.toJSON();
  const hex = (b: number[]) => '0x' + b.map((x) => x.toString(16).padStart(2, '0')).join('');
  const bytes = (h: string) => Array.from({ length: (h.length - 2) / 2 }, (_, i) => parseInt(h.slice(2 + 2 * i, 4 + 2 * i), 16));
  let data = Array.from(t.data);
  let gasLimit = t.gasLimit;
  let value = t.value;
  const notes: string[] = [];
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) {
    switch (r.int(6)) {
      case 0: // calldata bytes
        if (data.length) {
          for (let k = 1 + r.int(3); k > 0; k--) data[r.int(data.length)] = r.chance(0.5) ? r.int(256) : r.pick([0, 1, 0x20, 0xff]);
          notes.push('data bytes');
        } else {
          data = r.bytes(r.int(68));
          notes.push('data');
        }
        break;
      case 1:
        data = data.slice(0, r.int(data.length + 1));
        notes.push('data cut');
        break;
      case 2: // gas
        gasLimit = 21000n + BigInt(r.int(Number(gasLimit < 4_000_000n ? gasLimit : 4_000_000n) + 1));
        notes.push('gas');
        break;
      case 3:
        value = r.chance(0.5) ? 0n : BigInt(r.int(1_000_000));
        notes.push('value');
        break;
      case 4: { // one byte of one contract's code
        const withCode = Object.keys(pre).filter((a) => pre[a].code.length > 2);
        if (!withCode.length) break;
        const a = r.pick(withCode);
        const code = bytes(pre[a].code);
        const at = r.int(code.length);
        if (r.chance(0.7)) code[at] = r.pick(OPS);
        else if (r.chance(0.5)) code.splice(at, 1);
        else code.splice(at, 0, r.pick(OPS));
        pre[a] = { ...pre[a], code: hex(code) };
        notes.push(`code of ${a} at ${at}`);
        break;
      }
      default: { // a storage value or a balance
        const addrs = Object.keys(pre);
        const a = r.pick(addrs);
        const slots = Object.keys(pre[a].storage);
        if (slots.length && r.chance(0.6)) {
          const k = r.pick(slots);
          const st = { ...pre[a].storage };
          if (r.chance(0.3)) delete st[k];
          else st[k] = '0x' + BigInt(r.pick([0, 1, 2, r.int(1 << 30)])).toString(16);
          pre[a] = { ...pre[a], storage: st };
          notes.push(`storage of ${a}`);
        } else if (bytesToHex(t.sender) !== a) {
          pre[a] = { ...pre[a], balance: '0x' + BigInt(r.pick([0, 1, r.int(1 << 30)])).toString(16) };
          notes.push(`balance of ${a}`);
        }
      }
    }
  }
  if (gasLimit > c.block.gasLimit) gasLimit = c.block.gasLimit;
  if (gasLimit > 8_000_000n) gasLimit = 8_000_000n; // keep the reference's time bounded
  const spec: CaseSpec = {
    fork: 'Cancun',
    env: {
      number: c.block.number, timestamp: c.block.timestamp, gasLimit: c.block.gasLimit, baseFee: c.block.baseFee,
      random: bytesToHex(c.block.prevRandao), coinbase: bytesToHex(c.block.coinbase),
    },
    pre,
    tx: {
      type: t.type as 0 | 1 | 2, nonce: t.nonce, to: t.to ? bytesToHex(t.to) : null, value, data: hex(data), gasLimit,
      gasPrice: t.type === 2 ? t.maxFeePerGas! : t.gasPrice!, maxPriorityFeePerGas: t.maxPriorityFeePerGas ?? 0n,
      accessList: t.accessList.map((e) => ({ address: bytesToHex(e.address), storageKeys: e.storageKeys.map(bytesToHex) })),
      sender: bytesToHex(t.sender),
    },
  };
  return { spec, origin: { seed, mutatedFrom: `${file.slice(file.indexOf('GeneralStateTests'))} ${c.name} d=${c.indexes.data} g=${c.indexes.gas} v=${c.indexes.value}`, mutations: notes } };
}
