// Opcode throughput: for each opcode family, a generated loop that runs the opcode
// many times with stack-neutral setup, so a run measures interpreter throughput.
//
// Shape of every loop (the counter stays on top of the stack, the operands below it):
//
//   <setup: push operands>  PUSH4 n
//   loop: JUMPDEST  <body> x unroll  PUSH1 1 SWAP1 SUB DUP1 PUSH2 loop JUMPI
//   STOP
//
// A body is stack-neutral, e.g. DUP3 DUP3 ADD POP. `ops` counts how often the
// measured opcode runs per call (its setup ops are inside the time, so ns/op is
// "the op with its DUP/POP around it").

import { keccak_256 } from '@noble/hashes/sha3.js';
import { asm, type Asm } from './asm.js';
import type { Workload } from './engines.js';
import type { BlockEnv } from '../src/evm/types.js';
import { stateTestBlockHash } from '../src/statetest/parse.js';
import { WorldState, createAccount } from '../src/state/world.js';
import { bigintToBytes, bytesToBigint, bytesToKey } from '../src/util/hex.js';

export const OPCODE_FORK = 'Cancun';

const address = (byte: number) => new Uint8Array(20).fill(byte);
export const CALLER = address(0x11);
export const CONTRACT = address(0x22);
/** A contract whose code is STOP: the target of the CALL family rows. */
export const CALLEE = address(0x33);

/** Fixed, random-looking 256-bit operands (no special-cased values such as 0, 1 or powers of two). */
const word = (tag: string) => bytesToBigint(keccak_256(new TextEncoder().encode(tag)));
const X = word('lanes bench x');
const Y = word('lanes bench y');
const Y128 = Y >> 128n;
const M = word('lanes bench m') | (1n << 255n);
const NEG = X | (1n << 255n);

export const OPCODE_BLOCK: BlockEnv = {
  coinbase: address(0xc0),
  number: 20_000_000n,
  timestamp: 1_710_338_135n,
  gasLimit: 30_000_000n,
  baseFee: 7n,
  prevRandao: keccak_256(new TextEncoder().encode('lanes bench randao')),
  difficulty: 0n,
  excessBlobGas: 0n,
  chainId: 1n,
  blockHash: memoized(stateTestBlockHash(20_000_000n)),
};

/** Block hashes computed once (a node has them in a table; the state-test rule hashes on every call). */
function memoized(f: (n: bigint) => Uint8Array | undefined): (n: bigint) => Uint8Array | undefined {
  const seen = new Map<bigint, Uint8Array | undefined>();
  return (n) => {
    if (!seen.has(n)) seen.set(n, f(n));
    return seen.get(n);
  };
}

const CALLDATA = Uint8Array.from([...keccak_256(new TextEncoder().encode('cd1')), ...keccak_256(new TextEncoder().encode('cd2'))]);

interface LoopSpec {
  group: string;
  name: string;
  /** Pushes the operands the body uses (below the counter). */
  setup?: (a: Asm) => void;
  /** A stack-neutral body; `k` numbers the unrolled copies (for unique labels). */
  body: (a: Asm, k: number) => void;
  /** Times the measured opcode runs in one body. */
  perBody?: number;
  unroll?: number;
  iterations: number;
  /** Slots preset in the contract's storage. */
  storage?: [bigint, bigint][];
}

function loopCode(s: LoopSpec): Uint8Array {
  const unroll = s.unroll ?? 32;
  const a = asm();
  s.setup?.(a);
  a.push(s.iterations, 4).label('loop');
  for (let k = 0; k < unroll; k++) s.body(a, k);
  a.push(1, 1).op('SWAP1', 'SUB', 'DUP1').pushLabel('loop').op('JUMPI', 'STOP');
  return a.bytes();
}

function workload(s: LoopSpec, scale: number): Workload {
  const spec = { ...s, iterations: Math.max(1, Math.round(s.iterations * scale)) };
  const pre = new WorldState();
  pre.putAccount(bytesToKey(CALLER), createAccount({ balance: 10n ** 30n }));
  const storage = new Map<string, Uint8Array>();
  for (const [k, v] of s.storage ?? []) storage.set(bytesToKey(bigintToBytes(k, 32)), bigintToBytes(v, 32));
  pre.putAccount(bytesToKey(CONTRACT), createAccount({ balance: 10n ** 18n, code: loopCode(spec), storage }));
  pre.putAccount(bytesToKey(CALLEE), createAccount({ code: Uint8Array.of(0x00) }));
  return {
    suite: 'opcodes', group: s.group, name: s.name, fork: OPCODE_FORK, pre, block: OPCODE_BLOCK,
    call: { caller: CALLER, to: CONTRACT, data: CALLDATA, value: 0n, gasLimit: 1_000_000_000n },
    ops: spec.iterations * (s.unroll ?? 32) * (s.perBody ?? 1),
  };
}

// Body helpers: with operands pushed as push(second), push(first), the stack under
// the counter is [first, second, ...], and DUPn copies reach past the counter.
const binary = (group: string, op: string, first: bigint, second: bigint, iterations = 512): LoopSpec => ({
  group, name: op, iterations,
  setup: (a) => a.push(second).push(first),
  body: (a) => a.op('DUP3', 'DUP3', op, 'POP'),
});
const unary = (group: string, op: string, x: bigint, iterations = 512): LoopSpec => ({
  group, name: op, iterations, setup: (a) => a.push(x), body: (a) => a.op('DUP2', op, 'POP'),
});
const ternary = (op: string, x: bigint, y: bigint, m: bigint): LoopSpec => ({
  group: 'arithmetic', name: op, iterations: 512,
  setup: (a) => a.push(m).push(y).push(x),
  body: (a) => a.op('DUP4', 'DUP4', 'DUP4', op, 'POP'),
});
const getter = (group: string, op: string, iterations = 512): LoopSpec => ({
  group, name: op, iterations, body: (a) => a.op(op, 'POP'),
});
/** CALL-family call to CALLEE with no data; `value` only for CALL/CALLCODE. */
const callBody = (op: string, value?: number) => (a: Asm) => {
  a.push(0).push(0).push(0).push(0);
  if (value !== undefined) a.push(value);
  a.push(bytesToBigint(CALLEE), 20).op('GAS', op, 'POP');
};

export function opcodeSpecs(): LoopSpec[] {
  return [
    // arithmetic
    binary('arithmetic', 'ADD', X, Y),
    binary('arithmetic', 'MUL', X, Y),
    binary('arithmetic', 'SUB', X, Y),
    binary('arithmetic', 'DIV', X, Y128),
    binary('arithmetic', 'SDIV', NEG, Y128),
    binary('arithmetic', 'MOD', X, Y128),
    binary('arithmetic', 'SMOD', NEG, Y128),
    ternary('ADDMOD', X, Y, M),
    ternary('MULMOD', X, Y, M),
    { ...binary('arithmetic', 'EXP', X, Y, 64), name: 'EXP (32-byte exponent)' },
    { ...binary('arithmetic', 'EXP', X, 0xffn), name: 'EXP (1-byte exponent)' },
    binary('arithmetic', 'SIGNEXTEND', 15n, X),
    // bitwise and shifts
    binary('bitwise', 'AND', X, Y),
    binary('bitwise', 'OR', X, Y),
    binary('bitwise', 'XOR', X, Y),
    unary('bitwise', 'NOT', X),
    binary('bitwise', 'BYTE', 7n, X),
    binary('bitwise', 'SHL', 77n, X),
    binary('bitwise', 'SHR', 77n, X),
    binary('bitwise', 'SAR', 77n, NEG),
    // comparisons
    binary('comparison', 'LT', X, Y),
    binary('comparison', 'GT', X, Y),
    binary('comparison', 'SLT', NEG, Y),
    binary('comparison', 'SGT', NEG, Y),
    binary('comparison', 'EQ', X, Y),
    unary('comparison', 'ISZERO', X),
    // stack
    { group: 'stack', name: 'PUSH1 + POP', iterations: 512, body: (a) => a.push(0x42, 1).op('POP') },
    { group: 'stack', name: 'PUSH32 + POP', iterations: 512, body: (a) => a.push(X, 32).op('POP') },
    { group: 'stack', name: 'PUSH0 + POP', iterations: 512, body: (a) => a.op('PUSH0', 'POP') },
    { group: 'stack', name: 'DUP1 + POP', iterations: 512, body: (a) => a.op('DUP1', 'POP') },
    {
      group: 'stack', name: 'DUP16 + POP', iterations: 512,
      setup: (a) => a.repeat(15, (b, i) => b.push(X - BigInt(i))), body: (a) => a.op('DUP16', 'POP'),
    },
    { group: 'stack', name: 'SWAP1', perBody: 2, iterations: 512, setup: (a) => a.push(X), body: (a) => a.op('SWAP1', 'SWAP1') },
    {
      group: 'stack', name: 'SWAP16', perBody: 2, iterations: 512,
      setup: (a) => a.repeat(16, (b, i) => b.push(X - BigInt(i))), body: (a) => a.op('SWAP16', 'SWAP16'),
    },
    // memory
    { group: 'memory', name: 'MLOAD', iterations: 512, body: (a) => a.push(0x100, 2).op('MLOAD', 'POP') },
    { group: 'memory', name: 'MSTORE', iterations: 512, setup: (a) => a.push(X), body: (a) => a.op('DUP2').push(0x100, 2).op('MSTORE') },
    { group: 'memory', name: 'MSTORE8', iterations: 512, setup: (a) => a.push(X), body: (a) => a.op('DUP2').push(0x100, 2).op('MSTORE8') },
    { group: 'memory', name: 'MCOPY (256 bytes)', iterations: 256, body: (a) => a.push(256, 2).push(0x20).push(0x200, 2).op('MCOPY') },
    // Each MSTORE writes at MSIZE, so memory grows by a word every time (quadratic cost).
    { group: 'memory', name: 'MSTORE at MSIZE (growth)', iterations: 256, setup: (a) => a.push(X), body: (a) => a.op('DUP2', 'MSIZE', 'MSTORE') },
    { group: 'memory', name: 'MSIZE', iterations: 512, body: (a) => a.op('MSIZE', 'POP') },
    // keccak
    { group: 'keccak', name: 'KECCAK256 (32 bytes)', iterations: 256, body: (a) => a.push(32).push(0).op('KECCAK256', 'POP') },
    { group: 'keccak', name: 'KECCAK256 (256 bytes)', iterations: 128, body: (a) => a.push(256, 2).push(0).op('KECCAK256', 'POP') },
    // storage; the cold rows touch a new slot each iteration (no unrolling)
    { group: 'storage', name: 'SLOAD warm', iterations: 256, storage: [[1n, X]], body: (a) => a.push(1).op('SLOAD', 'POP') },
    {
      group: 'storage', name: 'SLOAD cold (present slots)', iterations: 2048, unroll: 1,
      storage: Array.from({ length: 2048 }, (_, i) => [BigInt(i + 1), X - BigInt(i)] as [bigint, bigint]),
      body: (a) => a.op('DUP1', 'SLOAD', 'POP'),
    },
    { group: 'storage', name: 'SLOAD cold (absent slots)', iterations: 2048, unroll: 1, body: (a) => a.op('DUP1', 'SLOAD', 'POP') },
    { group: 'storage', name: 'SSTORE warm (dirty)', iterations: 256, storage: [[1n, X]], body: (a) => a.op('DUP1').push(1).op('SSTORE') },
    {
      group: 'storage', name: 'SSTORE cold (new slots)', iterations: 1024, unroll: 1,
      body: (a) => a.op('DUP1', 'DUP1').push(1n << 128n).op('ADD', 'SSTORE'),
    },
    { group: 'storage', name: 'TLOAD', iterations: 256, body: (a) => a.push(1).op('TLOAD', 'POP') },
    { group: 'storage', name: 'TSTORE', iterations: 256, body: (a) => a.op('DUP1').push(1).op('TSTORE') },
    // environment (transaction and account)
    ...['ADDRESS', 'ORIGIN', 'CALLER', 'CALLVALUE', 'CALLDATASIZE', 'CODESIZE', 'GASPRICE', 'RETURNDATASIZE', 'PC', 'GAS']
      .map((op) => getter('environment', op)),
    { group: 'environment', name: 'CALLDATALOAD', iterations: 512, body: (a) => a.push(7).op('CALLDATALOAD', 'POP') },
    { group: 'environment', name: 'CALLDATACOPY (64 bytes)', iterations: 256, body: (a) => a.push(64).push(0).push(0).op('CALLDATACOPY') },
    { group: 'environment', name: 'CODECOPY (64 bytes)', iterations: 256, body: (a) => a.push(64).push(0).push(0).op('CODECOPY') },
    getter('environment', 'SELFBALANCE'),
    { group: 'environment', name: 'BALANCE (warm)', iterations: 256, body: (a) => a.op('ADDRESS', 'BALANCE', 'POP') },
    { group: 'environment', name: 'EXTCODESIZE (warm)', iterations: 256, body: (a) => a.op('ADDRESS', 'EXTCODESIZE', 'POP') },
    { group: 'environment', name: 'EXTCODEHASH (warm)', iterations: 256, body: (a) => a.op('ADDRESS', 'EXTCODEHASH', 'POP') },
    // block
    ...['COINBASE', 'TIMESTAMP', 'NUMBER', 'PREVRANDAO', 'GASLIMIT', 'CHAINID', 'BASEFEE', 'BLOBBASEFEE']
      .map((op) => getter('block', op)),
    { group: 'block', name: 'BLOCKHASH', iterations: 64, body: (a) => a.push(OPCODE_BLOCK.number - 3n).op('BLOCKHASH', 'POP') },
    // control flow
    { group: 'control', name: 'empty loop (per iteration)', iterations: 16384, unroll: 1, body: () => {} },
    { group: 'control', name: 'JUMP', iterations: 512, body: (a, k) => a.pushLabel(`j${k}`).op('JUMP').label(`j${k}`) },
    { group: 'control', name: 'JUMPI taken', iterations: 512, body: (a, k) => a.push(1).pushLabel(`j${k}`).op('JUMPI').label(`j${k}`) },
    { group: 'control', name: 'JUMPI not taken', iterations: 512, body: (a) => a.push(0).pushLabel('loop').op('JUMPI') },
    // logs: the topics are copies of the loop counter
    ...[0, 1, 2, 3, 4].map((n): LoopSpec => ({
      group: 'log', name: `LOG${n} (32 bytes)`, iterations: 64,
      body: (a) => a.repeat(n, (b) => b.op('DUP1')).push(32).push(0).op(`LOG${n}`),
    })),
    // calls and creation
    { group: 'call', name: 'CALL (warm, no value)', iterations: 256, unroll: 8, body: callBody('CALL', 0) },
    { group: 'call', name: 'CALL (warm, 1 wei)', iterations: 256, unroll: 8, body: callBody('CALL', 1) },
    { group: 'call', name: 'CALLCODE', iterations: 256, unroll: 8, body: callBody('CALLCODE', 0) },
    { group: 'call', name: 'DELEGATECALL', iterations: 256, unroll: 8, body: callBody('DELEGATECALL') },
    { group: 'call', name: 'STATICCALL', iterations: 256, unroll: 8, body: callBody('STATICCALL') },
    {
      group: 'call', name: 'STATICCALL identity (32 bytes)', iterations: 256, unroll: 8,
      body: (a) => a.push(32).push(0).push(32).push(0).push(4).op('GAS', 'STATICCALL', 'POP'),
    },
    // Init code 0x00 (STOP): an empty account is created; CREATE2 salts by the counter.
    { group: 'create', name: 'CREATE (empty code)', iterations: 256, unroll: 1, body: (a) => a.push(1).push(31).push(0).op('CREATE', 'POP') },
    { group: 'create', name: 'CREATE2 (empty code)', iterations: 256, unroll: 1, body: (a) => a.op('DUP1').push(1).push(31).push(0).op('CREATE2', 'POP') },
  ];
}

/** All opcode workloads; `scale` shrinks the loop counts (tests, --quick). */
export function opcodeWorkloads(scale = 1): Workload[] {
  return opcodeSpecs().map((s) => workload(s, scale));
}
