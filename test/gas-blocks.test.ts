// The untraced loop charges static gas and checks the stack per basic block
// (assembly/interpreter.ts, analyseBlocks); the traced loop does it per operation, as
// the Yellow Paper states it. Random programs, run under gas limits that make them
// fail at every kind of place (mid-block, at a block's first operation, in a memory
// expansion, at an ender), must end the same way in both: status, error, gas, output,
// storage written. Programs also run as the child of a STATICCALL (TSTORE fails there)
// and under forks that lack some of their opcodes (the same code, hence the same
// cached analysis, under another opcode table).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createEVM, forkByName, type Evm } from '../src/index.js';

const SEED = Number(process.env.LANES_BLOCKS_SEED ?? 1);
const PROGRAMS = Number(process.env.LANES_BLOCKS_PROGRAMS ?? 1000);
const FORKS = ['Paris', 'Shanghai', 'Cancun', 'Osaka'].map((f) => forkByName(f));

const wrapperAddress = new Uint8Array(20).fill(0xaa);
const childAddress = new Uint8Array(20).fill(0xcc);

/** xorshift32: deterministic programs for a seed. */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

/**
 * Straight-line runs of block operations (arithmetic, stack, memory at small and huge
 * offsets, transient storage, PUSH0/CLZ that some forks lack) cut by JUMPDESTs,
 * conditional jumps forward to them, GAS, SSTORE, INVALID, runs of POPs and stray bytes. The generator keeps
 * an estimate of the stack height and mostly respects it, so that programs get far
 * before they fail, and sometimes does not, so that some underflow.
 */
function program(r: (n: number) => number): Uint8Array {
  const out: number[] = [];
  const dests: number[] = [];
  const pending: number[] = []; // where a jump's PUSH2 operand waits for its destination
  let height = 0;
  const push = (v: number, bytes = 1) => {
    out.push(0x5f + bytes);
    for (let i = bytes - 1; i >= 0; i--) out.push((v >>> (8 * i)) & 0xff);
    height++;
  };
  /** Emits `op` taking `take` items and leaving `give`, if the stack (mostly) has them. */
  const op = (code: number, take: number, give: number) => {
    if (height < take && r(20) !== 0) {
      for (let i = height; i < take; i++) push(r(4) === 0 ? r(1 << 16) : r(64), r(4) === 0 ? 2 : 1);
    }
    out.push(code);
    height = Math.max(0, height - take) + give;
  };
  const len = 20 + r(160);
  while (out.length < len) {
    const k = r(100);
    if (k < 12) push(r(256));
    else if (k < 15) push(r(1 << 24), 3);
    else if (k < 17) { out.push(0x7f); for (let i = 0; i < 32; i++) out.push(r(256)); height++; }
    else if (k < 27) { const n = 1 + r(4); op(0x7f + n, n, n + 1); } // DUPn
    else if (k < 33) { const n = 1 + r(3); op(0x8f + n, n + 1, n + 1); } // SWAPn
    else if (k < 37) op(0x50, 1, 0); // POP
    else if (k < 50) {
      const [code, take] = [[0x01, 2], [0x02, 2], [0x03, 2], [0x04, 2], [0x06, 2], [0x08, 3], [0x09, 3], [0x10, 2], [0x14, 2], [0x15, 1], [0x16, 2], [0x1b, 2], [0x1c, 2], [0x19, 1]][r(14)];
      op(code, take, 1);
    } else if (k < 57) {
      const value = r(2) === 0;
      if (value) push(r(256));
      push(r(6) === 0 ? r(1 << 24) : r(512), r(6) === 0 ? 3 : 2);
      op([0x51, 0x52, 0x53][value ? 1 + r(2) : 0], value ? 2 : 1, value ? 0 : 1);
    } else if (k < 61) { if (r(2) === 0) op(0x5c, 1, 1); else op(0x5d, 2, 0); } // TLOAD, TSTORE
    else if (k < 65) { if (r(2) === 0) op(0x5f, 0, 1); else op(0x1e, 1, 1); } // PUSH0 (Shanghai), CLZ (Osaka)
    else if (k < 71) { dests.push(out.length); out.push(0x5b); }
    else if (k < 74) { push(r(2)); pending.push(out.length + 1); push(0, 2); op(0x57, 2, 0); } // JUMPI, forward
    else if (k < 77) op(0x5a, 0, 1); // GAS
    else if (k < 79) op(0x55, 2, 0); // SSTORE
    else if (k < 80) { op(0x30, 0, 1); op(0x31, 1, 1); } // ADDRESS BALANCE
    else if (k < 81) out.push(0xfe);
    else if (k < 82) out.push(r(256));
    else if (k < 85) { const n = 1 + r(6); for (let i = 0; i < n; i++) out.push(0x50); height = Math.max(0, height - n); } // POPs, maybe too many
    else op(0x58, 0, 1); // PC
  }
  dests.push(out.length);
  out.push(0x5b, 0x60, 0x20, 0x60, 0x00, 0xf3); // JUMPDEST RETURN(0, 32)
  // Jumps go forward only (no loops): to a later JUMPDEST.
  for (const at of pending) {
    const later = dests.filter((d) => d > at);
    const d = later[r(later.length)];
    out[at] = d >> 8;
    out[at + 1] = d & 0xff;
  }
  return Uint8Array.from(out);
}

// STATICCALL(gas - 5000, child, 0, 0, 0, 32), then MSTORE(32, success), MSTORE(64, GAS), RETURN(0, 96)
const wrapper = Uint8Array.from([
  0x60, 0x20, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x73, ...childAddress, 0x61, 0x13, 0x88, 0x5a, 0x03, 0xfa,
  0x60, 0x20, 0x52, 0x5a, 0x60, 0x40, 0x52, 0x60, 0x60, 0x60, 0x00, 0xf3,
]);

interface Ending { status: string; error?: string; gasUsed: bigint; output: string; writes: string }

function run(evm: Evm, code: Uint8Array, viaStatic: boolean, gasLimit: bigint, fork: ReturnType<typeof forkByName>, traced: boolean): Ending {
  evm.setAccount(childAddress, { code, balance: 0n });
  evm.setAccount(wrapperAddress, { code: wrapper });
  const trace = traced ? () => {} : undefined;
  const r = viaStatic
    ? evm.runCall({ to: wrapperAddress, gasLimit, fork, trace })
    : evm.runCall({ to: childAddress, gasLimit, fork, trace });
  const writes = JSON.stringify(r.writeSet, (_k, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
  return { status: r.status, error: r.error, gasUsed: r.gasUsed, output: Buffer.from(r.output).toString('hex'), writes };
}

test('per-block checks end every program as per-operation checks do', async () => {
  const evm = await createEVM({ fork: 'Cancun' });
  const r = rng(SEED);
  const kinds = new Map<string, number>();
  let compared = 0;
  for (let p = 0; p < PROGRAMS; p++) {
    const code = program(r);
    const viaStatic = r(3) === 0;
    const fork = FORKS[r(FORKS.length)];
    const full = run(evm, code, viaStatic, 60_000n, fork, true);
    // Limits below, at and around what the program needs, so that it runs out at many places.
    const limits = new Set<bigint>([60_000n, full.gasUsed, full.gasUsed + 1n]);
    for (let i = 0; i < 6; i++) limits.add(BigInt(r(Number(full.gasUsed) + 10)));
    for (const gas of limits) {
      for (const f of [fork, FORKS[r(FORKS.length)]]) {
        const perOp = run(evm, code, viaStatic, gas, f, true);
        const perBlock = run(evm, code, viaStatic, gas, f, false);
        const replay = `seed ${SEED}, program ${p} (${Buffer.from(code).toString('hex')}), ${viaStatic ? 'via STATICCALL, ' : ''}gas ${gas}, ${f.name}`;
        assert.equal(perBlock, perOp, replay);
        kinds.set(perOp.error ?? perOp.status, (kinds.get(perOp.error ?? perOp.status) ?? 0) + 1);
        compared++;
      }
    }
  }
  // The programs must really end in the ways the checks are about.
  if (process.env.LANES_BLOCKS_VERBOSE) console.log(compared, 'endings:', [...kinds]);
  for (const k of ['success', 'out of gas', 'stack underflow']) assert.ok((kinds.get(k) ?? 0) > 20, `${k}: ${kinds.get(k) ?? 0} endings of ${compared} (${[...kinds]})`);
  assert.ok([...kinds.keys()].some((k) => /invalid opcode|undefined/.test(k)), `no invalid-opcode ending among ${[...kinds.keys()]}`);
});

test.run();
