// What the playground page runs, as plain functions returning plain data (hex strings
// and decimal strings, no bigint or Uint8Array), so the page can show it, a test can
// compare it with what Node computes, and it crosses postMessage unchanged. No DOM.

import type { Evm } from '../evm/evm.js';
import type { Tx } from '../evm/types.js';
import type { Block } from '../block/block.js';
import type { BlockHeader } from '../block/header.js';
import { executeBlock } from '../block/execute.js';
import { forkByName } from '../fork/table.js';
import { WorldState, createAccount } from '../state/world.js';
import { InputError, bytesToHex, bytesToKey, hexToBytes } from '../util/hex.js';
import type { TraceStep, Tracer } from '../trace/step.js';
import { assemble, disassemble, type Instruction } from './opcodes.js';

// ---------------------------------------------------------------------------
// Bytecode

export interface BytecodeRequest {
  /** Hex, with or without 0x; whitespace and newlines are ignored. */
  code: string;
  /** Calldata as hex (empty: none). */
  data?: string;
  /** Decimal or 0x-hex; default 1,000,000. */
  gas?: string;
  fork?: string;
  /** Record a step trace. */
  trace?: boolean;
  /** Trace rows kept from the start (default 2,000); the last 50 steps are kept as well. */
  maxSteps?: number;
}

/** One executed instruction, before it runs. */
export interface TraceRow {
  /** Position in the run, from 0. */
  step: number;
  pc: number;
  op: string;
  depth: number;
  /** Gas left before the instruction. */
  gas: string;
  /** Gas the instruction charged (for calls: with the gas handed to the callee). */
  cost: string;
  /** Stack before the instruction, bottom first, as 0x-hex words without leading zeros. */
  stack: string[];
  /** Set when the instruction failed (out of gas, invalid opcode, ...) or reverted. */
  error: string | null;
}

export interface BytecodeReport {
  status: 'success' | 'revert' | 'halt';
  /** Why it halted (out of gas, invalid opcode, ...), or null. */
  error: string | null;
  gasUsed: string;
  gasRefund: string;
  /** Return data (or revert data) as 0x-hex. */
  output: string;
  /** The revert reason when the output is an Error(string) payload. */
  revertReason: string | null;
  logs: { address: string; topics: string[]; data: string }[];
  /** Storage of the executing account after the run: [slot, value] as 0x-hex. */
  storage: [string, string][];
  /** The step trace (the first maxSteps and the last 50 steps), or null when not asked for. */
  trace: TraceRow[] | null;
  /** Steps executed (more than trace.length when the middle was left out). */
  traceSteps: number;
  disassembly: Instruction[];
  ms: number;
}

/** The address the code runs at (as in `lanes run`). */
export const CODE_ADDRESS = new Uint8Array(20).fill(0xcc);
const CALLER = new Uint8Array(20).fill(0xca);

/** Hex from a text field: 0x optional, whitespace ignored, errors say which field. */
export function parseHexField(text: string, what: string): Uint8Array {
  const t = text.replace(/\s+/g, '');
  if (t === '' || t === '0x' || t === '0X') return new Uint8Array(0);
  return hexToBytes(/^0x/i.test(t) ? '0x' + t.slice(2) : '0x' + t, what);
}

/** A gas amount from a text field: decimal (underscores and commas allowed) or 0x-hex. */
export function parseGasField(text: string | undefined, fallback: bigint): bigint {
  const t = (text ?? '').trim().replace(/[_,]/g, '');
  if (t === '') return fallback;
  if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(t)) throw new InputError(`gas limit: ${JSON.stringify(text)} is not a number`);
  const n = BigInt(t);
  if (n > (1n << 63n) - 1n) throw new InputError('gas limit: above 2^63 - 1');
  return n;
}

/**
 * Runs bytecode as the code of a called account (fresh state each time, the
 * executing account at 0xcccc…cc, the caller 0xcaca…ca). Bad input throws
 * InputError; an execution that fails is a report with status and error.
 */
export function runBytecode(evm: Evm, req: BytecodeRequest): BytecodeReport {
  const code = parseHexField(req.code, 'bytecode');
  if (code.length === 0) throw new InputError('bytecode: empty');
  const data = parseHexField(req.data ?? '', 'calldata');
  const gasLimit = parseGasField(req.gas, 1_000_000n);
  const fork = forkByName(req.fork || evm.fork.name);
  evm.state = new WorldState();
  evm.setAccount(CODE_ADDRESS, { code });
  const t = req.trace ? makeTracer(req.maxSteps ?? 2000) : undefined;
  const t0 = performance.now();
  const r = evm.runCode({ code, data, gasLimit, fork, address: CODE_ADDRESS, caller: CALLER, trace: t?.tracer });
  const ms = performance.now() - t0;
  const storage: [string, string][] = [];
  for (const [slot, value] of evm.state.peekAccount(bytesToKey(CODE_ADDRESS))?.storage ?? []) {
    storage.push(['0x' + slot.replace(/^0x/, ''), bytesToHex(value)]);
  }
  storage.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return {
    status: r.status,
    error: r.error ?? null,
    gasUsed: r.gasUsed.toString(),
    gasRefund: r.gasRefund.toString(),
    output: bytesToHex(r.output),
    revertReason: r.status === 'revert' ? revertReason(r.output) : null,
    logs: r.logs.map((l) => ({ address: bytesToHex(l.address), topics: l.topics.map(bytesToHex), data: bytesToHex(l.data) })),
    storage,
    trace: t ? t.rows() : null,
    traceSteps: t ? t.steps() : 0,
    disassembly: disassemble(code),
    ms,
  };
}

/**
 * Collects trace steps as rows: the first `max`, then the last TAIL (so a run that
 * ends in an error shows how it ended). `steps` counts them all.
 */
function makeTracer(max: number) {
  const head: TraceRow[] = [];
  const tail: TraceRow[] = [];
  let steps = 0;
  const tracer: Tracer = (s: TraceStep) => {
    const row = {
      step: steps++, pc: s.pc, op: s.opName, depth: s.depth, gas: s.gas.toString(), cost: s.gasCost.toString(),
      stack: s.stack.map((w) => '0x' + w.toString(16)), error: s.error ?? null,
    };
    if (head.length < max) head.push(row);
    else {
      tail.push(row);
      if (tail.length > TAIL) tail.shift();
    }
  };
  return { tracer, rows: () => head.concat(tail), steps: () => steps };
}
const TAIL = 50;

/** The message of an Error(string) revert payload, or null. */
export function revertReason(out: Uint8Array): string | null {
  if (out.length < 68 || out[0] !== 0x08 || out[1] !== 0xc3 || out[2] !== 0x79 || out[3] !== 0xa0) return null;
  const len = Number(BigInt(bytesToHex(out.subarray(36, 68))));
  if (68 + len > out.length) return null;
  return new TextDecoder().decode(out.subarray(68, 68 + len));
}

export interface Sample {
  id: string;
  title: string;
  code: string;
  data?: string;
  gas?: string;
}

const asm = (src: string) => bytesToHex(assemble(src));

/** Bytecode samples for the page (each is short enough to read in the disassembly). */
export const SAMPLES: Sample[] = [
  { id: 'add', title: '1 + 2, returned as a word', code: asm('PUSH1 0x01 PUSH1 0x02 ADD PUSH1 0x00 MSTORE PUSH1 0x20 PUSH1 0x00 RETURN') },
  { id: 'echo', title: 'Echo the calldata', code: asm('CALLDATASIZE PUSH0 PUSH0 CALLDATACOPY CALLDATASIZE PUSH0 RETURN'), data: '0xdeadbeefcafe' },
  {
    id: 'keccak', title: 'keccak256 of the calldata ("hello")',
    code: asm('CALLDATASIZE PUSH0 PUSH0 CALLDATACOPY CALLDATASIZE PUSH0 KECCAK256 PUSH0 MSTORE PUSH1 0x20 PUSH0 RETURN'), data: '0x68656c6c6f',
  },
  {
    id: 'counter', title: 'Counter: SLOAD, add 1, SSTORE, return it',
    code: asm('PUSH1 0x01 PUSH1 0x00 SLOAD ADD DUP1 PUSH1 0x00 SSTORE PUSH1 0x00 MSTORE PUSH1 0x20 PUSH1 0x00 RETURN'),
  },
  { id: 'log', title: 'Emit LOG1 (topic 42) with the calldata', code: asm('CALLDATASIZE PUSH0 PUSH0 CALLDATACOPY PUSH1 0x2a CALLDATASIZE PUSH0 LOG1 STOP'), data: '0x0102030405' },
  {
    id: 'loop', title: 'Count down from 10 in a loop',
    code: asm('PUSH1 0x0a 02: JUMPDEST DUP1 ISZERO PUSH1 0x0f JUMPI PUSH1 0x01 SWAP1 SUB PUSH1 0x02 JUMP 0f: JUMPDEST STOP'),
  },
  {
    id: 'revert', title: 'Revert with Error("nope")',
    code: asm(
      'PUSH4 0x08c379a0 PUSH1 0xe0 SHL PUSH0 MSTORE PUSH1 0x20 PUSH1 0x04 MSTORE PUSH1 0x04 PUSH1 0x24 MSTORE ' +
        'PUSH4 0x6e6f7065 PUSH1 0xe0 SHL PUSH1 0x44 MSTORE PUSH1 0x64 PUSH0 REVERT',
    ),
  },
  { id: 'oog', title: 'Out of gas: an endless loop', code: asm('00: JUMPDEST PUSH1 0x00 JUMP'), gas: '50000' },
  { id: 'invalid', title: 'Invalid opcode (0xfe)', code: asm('PUSH1 0x01 INVALID') },
  { id: 'badjump', title: 'Jump to a byte that is no JUMPDEST', code: asm('PUSH1 0x03 JUMP STOP') },
];

// ---------------------------------------------------------------------------
// A sample block: many senders calling one contract that hashes in a loop and
// stores the result in a slot of its own per caller (independent transactions),
// every k-th of them also incrementing a shared counter (conflicts).

export interface SampleBlockSpec {
  /** Number of transactions (default 64). */
  txs?: number;
  /** keccak256 rounds per transaction (default 200). */
  rounds?: number;
  /** Every k-th transaction increments the shared counter (0: none; default 8). */
  conflictEvery?: number;
}

/**
 * The sample block's contract:
 *   n = calldata[0:32]; mem[0] = CALLER
 *   while n != 0: mem[0] = keccak256(mem[0:32]); n -= 1
 *   storage[CALLER] = mem[0]
 *   if calldata[32:64] != 0: storage[0] += 1
 */
export const SAMPLE_CONTRACT_ASM = [
  '00: PUSH1 0x00 CALLDATALOAD CALLER PUSH1 0x00 MSTORE',
  '07: JUMPDEST DUP1 ISZERO PUSH1 0x1c JUMPI',
  '0d: PUSH1 0x20 PUSH1 0x00 KECCAK256 PUSH1 0x00 MSTORE',
  '15: PUSH1 0x01 SWAP1 SUB PUSH1 0x07 JUMP',
  '1c: JUMPDEST POP PUSH1 0x00 MLOAD CALLER SSTORE',
  '23: PUSH1 0x20 CALLDATALOAD ISZERO PUSH1 0x33 JUMPI',
  '2a: PUSH1 0x00 SLOAD PUSH1 0x01 ADD PUSH1 0x00 SSTORE',
  '33: JUMPDEST STOP',
].join('\n');

const SAMPLE_CODE = assemble(SAMPLE_CONTRACT_ASM);

export const BLOCK_FORK = 'Cancun';
export const SAMPLE_CONTRACT_ADDRESS = new Uint8Array(20).fill(0xc0);
export const SAMPLE_COINBASE = new Uint8Array(20).fill(0xfe);

function senderAddress(i: number): Uint8Array {
  const a = new Uint8Array(20);
  a[0] = 0x5e;
  a[18] = i >> 8;
  a[19] = i & 0xff;
  return a;
}

function word32(n: bigint): Uint8Array {
  const b = new Uint8Array(32);
  for (let i = 31; i >= 0 && n > 0n; i--, n >>= 8n) b[i] = Number(n & 0xffn);
  return b;
}

/** The pre-state and the block of a sample (deterministic for a spec). */
export function sampleBlock(spec: SampleBlockSpec = {}): { pre: WorldState; block: Block; spec: Required<SampleBlockSpec> } {
  const full = { txs: spec.txs ?? 64, rounds: spec.rounds ?? 200, conflictEvery: spec.conflictEvery ?? 8 };
  if (!Number.isInteger(full.txs) || full.txs < 1 || full.txs > 4096) throw new InputError('transactions: 1 to 4096');
  if (!Number.isInteger(full.rounds) || full.rounds < 0 || full.rounds > 100_000) throw new InputError('rounds: 0 to 100000');
  if (!Number.isInteger(full.conflictEvery) || full.conflictEvery < 0) throw new InputError('conflict every: 0 or more');
  const pre = new WorldState();
  pre.putAccount(bytesToKey(SAMPLE_CONTRACT_ADDRESS), createAccount({ code: SAMPLE_CODE }));
  const gasPerTx = 100_000n + BigInt(full.rounds) * 120n;
  const transactions: Tx[] = [];
  for (let i = 0; i < full.txs; i++) {
    const sender = senderAddress(i);
    pre.putAccount(bytesToKey(sender), createAccount({ balance: 10n ** 18n }));
    const bump = full.conflictEvery > 0 && i % full.conflictEvery === 0 ? 1n : 0n;
    const data = new Uint8Array(64);
    data.set(word32(BigInt(full.rounds)), 0);
    data.set(word32(bump), 32);
    transactions.push({
      type: 2, sender, nonce: 0n, gasLimit: gasPerTx, to: SAMPLE_CONTRACT_ADDRESS, value: 0n, data,
      maxFeePerGas: 10n, maxPriorityFeePerGas: 1n, accessList: [],
    });
  }
  const header: BlockHeader = {
    parentHash: new Uint8Array(32), ommersHash: new Uint8Array(32), coinbase: SAMPLE_COINBASE,
    stateRoot: new Uint8Array(32), transactionsRoot: new Uint8Array(32), receiptsRoot: new Uint8Array(32),
    logsBloom: new Uint8Array(256), difficulty: 0n, number: 1n, gasLimit: gasPerTx * BigInt(full.txs) + 1_000_000n,
    gasUsed: 0n, timestamp: 1_700_000_000n, extraData: new Uint8Array(0), mixHash: new Uint8Array(32),
    nonce: new Uint8Array(8), baseFeePerGas: 7n,
  };
  return { pre, block: { header, transactions, uncles: [] }, spec: full };
}

export interface BlockReport {
  mode: 'sequential' | 'parallel';
  workers: number;
  /** Why a parallel run ran sequentially instead (no SharedArrayBuffer, ...), or null. */
  fallback: string | null;
  txs: number;
  gasUsed: string;
  stateRoot: string;
  receiptsRoot: string;
  ms: number;
  /** Per transaction, in block order: gas used and status. */
  perTx: { gasUsed: string; status: string }[];
  /** Per-transaction wall time (sequential runs only; empty otherwise). */
  txMs: number[];
}

/** Runs a sample block on the main thread with the sequential executor. */
export function runBlockSequential(evm: Evm, spec: SampleBlockSpec = {}): BlockReport {
  const { pre, block } = sampleBlock(spec);
  const fork = forkByName(BLOCK_FORK);
  const txMs: number[] = [];
  const t0 = performance.now();
  let last = t0;
  const r = executeBlock(evm, pre, block, {
    fork,
    onTx: () => {
      const now = performance.now();
      txMs.push(now - last);
      last = now;
    },
  });
  const ms = performance.now() - t0;
  return {
    mode: 'sequential', workers: 1, fallback: null, txs: block.transactions.length,
    gasUsed: r.gasUsed.toString(), stateRoot: bytesToHex(r.stateRoot!), receiptsRoot: bytesToHex(r.receiptsRoot), ms,
    perTx: r.results.map((x) => ({ gasUsed: x.gasUsed.toString(), status: x.status })), txMs,
  };
}
