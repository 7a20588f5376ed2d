// The reference side of the differential fuzzer and of the trace comparison:
// a state-test case run on @ethereumjs/evm (a devDependency). That package is an
// EVM, not a transaction processor, so the transaction rules around the message
// call (intrinsic gas, upfront cost, warm sets, refund, fee payment, EIP-161 and
// EIP-6780 clean-up) are written here, from the EIPs, independently of src/tx.
// Only what the fuzzer generates is supported: legacy, EIP-2930 and EIP-1559
// transactions, Cancun and earlier rules from Berlin on.

import { createEVM, getActivePrecompiles } from '@ethereumjs/evm';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { SimpleStateManager } from '@ethereumjs/statemanager';
import { Account, Address } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import type { Log } from '../state/logs.js';
import type { StateTestCase } from '../statetest/parse.js';
import { bigintToBytes, bytesToBigint, bytesToHex, quantityToHex } from '../util/hex.js';

/** The post-state of every account, as WorldState.toJSON() writes it. */
export type PostState = Record<string, { balance: string; nonce: string; code: string; storage: Record<string, string> }>;

export interface Outcome {
  status: 'success' | 'revert' | 'halt' | 'invalid';
  error?: string;
  /** Gas charged to the sender (after the refund). */
  gasUsed: bigint;
  output: Uint8Array;
  logs: Log[];
  post: PostState;
  /**
   * Known reference bugs this run ran into: when the engines differ, the case is
   * reported as known instead of as a mismatch (see KNOWN_REFERENCE_BUGS).
   */
  known?: string[];
}

/** Bugs of @ethereumjs/evm 10.1.x found by the fuzzer (each with a vector in vectors/fuzz/). */
export const KNOWN_REFERENCE_BUGS = {
  eofInitcode: 'CREATE/CREATE2 with initcode starting 0xEF00 pushes 0 without running it (EOF rule applied when EOF is not active): '
    + 'no nonce increment, the child gas is kept. Before EOF the initcode runs, 0xEF is an undefined opcode and the child gas is consumed.',
  revertEf: 'Initcode that REVERTs with data starting 0xEF is treated as deploying code that breaks EIP-3541: the creation fails '
    + 'consuming all its gas. EIP-3541 applies to returned code only; a REVERT returns the remaining gas.',
} as const;

/** A step as @ethereumjs/evm reports it (the fields the trace comparison uses). */
export interface RefStep {
  pc: number;
  op: number;
  gas: bigint;
  stack: bigint[];
  /** 1 for the transaction's own frame, as EIP-3155 counts. */
  depth: number;
  /** The operation's gas as the reference prices it (calls: without the gas given to the callee). */
  fee: bigint;
}

/** Thrown by a step callback to stop the run early (the trace test's step bound). */
export class StopRun extends Error {}

/** Thrown when a case needs something the reference cannot do here (a real KZG proof). */
export class Unsupported extends Error {}

const HARDFORKS: Record<string, Hardfork> = {
  Berlin: Hardfork.Berlin, London: Hardfork.London, Paris: Hardfork.Paris, Merge: Hardfork.Paris,
  Shanghai: Hardfork.Shanghai, Cancun: Hardfork.Cancun,
};

// No KZG library is installed: random inputs to 0x0a never get past the versioned-hash
// check. A case whose input does (mutated official vectors) reaches the stub, which the
// precompile's own error handling would turn into a failure: it is noted, and the case
// is reported unsupported.
let kzgReached = false;
const kzgStub = {
  loadTrustedSetup() {},
  blobToKzgCommitment(): string { kzgReached = true; throw new Unsupported('KZG'); },
  computeBlobProof(): string { kzgReached = true; throw new Unsupported('KZG'); },
  verifyProof(): boolean { kzgReached = true; throw new Unsupported('KZG'); },
  verifyBlobProofBatch(): boolean { kzgReached = true; throw new Unsupported('KZG'); },
};

const commons = new Map<string, Common>();
function commonFor(fork: string): Common {
  let c = commons.get(fork);
  if (!c) {
    const hf = HARDFORKS[fork];
    if (hf === undefined) throw new Error(`reference EVM: fork ${fork} not supported`);
    c = new Common({ chain: Mainnet, hardfork: hf, customCrypto: { kzg: kzgStub as never } });
    commons.set(fork, c);
  }
  return c;
}

const words = (n: number) => BigInt((n + 31) >> 5);

/** Intrinsic gas (EIP-2028 calldata, EIP-2930 access list, EIP-3860 initcode words). */
function intrinsicGas(c: StateTestCase, shanghai: boolean): bigint {
  const tx = c.tx;
  let g = 21000n;
  for (const b of tx.data) g += b === 0 ? 4n : 16n;
  if (tx.to === null) {
    g += 32000n;
    if (shanghai) g += 2n * words(tx.data.length);
  }
  for (const e of tx.accessList) g += 2400n + 1900n * BigInt(e.storageKeys.length);
  return g;
}

/** BLOB_BASE_FEE from excess blob gas (EIP-4844 fake exponential, Cancun's update fraction). */
function blobBaseFee(excess: bigint): bigint {
  const factor = 1n, denominator = 3338477n;
  let i = 1n, output = 0n, acc = factor * denominator;
  while (acc > 0n) {
    output += acc;
    acc = (acc * excess) / (denominator * i);
    i++;
  }
  return output / denominator;
}

/** Runs a case's transaction on @ethereumjs/evm; `onStep` sees every operation. */
export async function runReference(c: StateTestCase, onStep?: (s: RefStep) => void): Promise<Outcome> {
  const common = commonFor(c.fork);
  const b = c.block;
  const enc = new TextEncoder();
  const chain = {
    getBlock: async (n: number) => ({ hash: () => keccak_256(enc.encode(String(n))) }),
    putBlock: async () => {},
    shallowCopy: () => chain,
  };
  const sm = new SimpleStateManager({ common });
  const evm = await createEVM({ common, stateManager: sm, blockchain: chain as never });
  const known = new Set<string>();
  watchEofInitcode(evm, () => known.add(KNOWN_REFERENCE_BUGS.eofInitcode));
  watchRevertEf(evm, () => known.add(KNOWN_REFERENCE_BUGS.revertEf));
  for (const [addrHex, a] of Object.entries(c.pre.toJSON())) {
    const address = new Address(hexBytes(addrHex));
    // SimpleStateManager keeps no storage roots, but the reference's EIP-7610 collision
    // check reads one: give accounts with storage theirs.
    const storageRoot = Object.keys(a.storage).length ? c.pre.storageRoot(addrHex.slice(2)) : undefined;
    await sm.putAccount(address, new Account(BigInt(a.nonce), BigInt(a.balance), storageRoot));
    if (a.code !== '0x') await sm.putCode(address, hexBytes(a.code));
    for (const [slot, value] of Object.entries(a.storage)) {
      await sm.putStorage(address, bigintToBytes(BigInt(slot), 32), minimal(bigintToBytes(BigInt(value), 32)));
    }
  }
  const tx = c.tx;
  const shanghai = common.gteHardfork(Hardfork.Shanghai);
  const london = common.gteHardfork(Hardfork.London);
  const intrinsic = intrinsicGas(c, shanghai);
  const price = tx.type >= 2 ? min(tx.maxFeePerGas!, b.baseFee + tx.maxPriorityFeePerGas!) : tx.gasPrice!;
  const sender = new Address(tx.sender);
  const senderAcc = (await sm.getAccount(sender)) ?? new Account();
  const maxFee = tx.type >= 2 ? tx.maxFeePerGas! : tx.gasPrice!;
  const bad = (why: string): Outcome => ({ status: 'invalid', error: why, gasUsed: 0n, output: new Uint8Array(0), logs: [], post: c.pre.toJSON() });
  if (tx.gasLimit < intrinsic) return bad('intrinsic gas too low');
  if (tx.gasLimit > b.gasLimit) return bad('gas limit above block gas limit');
  if (senderAcc.nonce !== tx.nonce) return bad('nonce');
  if (senderAcc.balance < tx.gasLimit * maxFee + tx.value) return bad('insufficient funds');
  if (london && maxFee < b.baseFee) return bad('fee cap below base fee');
  if (tx.type >= 2 && tx.maxPriorityFeePerGas! > tx.maxFeePerGas!) return bad('priority fee above fee cap'); // EIP-1559
  if (tx.to === null && shanghai && tx.data.length > 49152) return bad('initcode too large');
  if (senderAcc.codeHash && !equal(senderAcc.codeHash, keccak_256(new Uint8Array(0)))) return bad('sender has code');

  // Upfront: gas at the effective price (EIP-1559); the nonce moves in runCall.
  senderAcc.balance -= tx.gasLimit * price;
  await evm.journal.putAccount(sender, senderAcc);
  const warm = (a: Uint8Array) => evm.journal.addAlwaysWarmAddress(bytesToHex(a));
  warm(tx.sender);
  if (tx.to) warm(tx.to);
  for (const p of getActivePrecompiles(common).keys()) evm.journal.addAlwaysWarmAddress(p);
  if (shanghai) warm(b.coinbase); // EIP-3651
  for (const e of tx.accessList) {
    warm(e.address);
    for (const k of e.storageKeys) evm.journal.addAlwaysWarmSlot(bytesToHex(e.address), bytesToHex(k));
  }

  if (onStep) {
    evm.events.on('step', (e) => {
      onStep({ pc: e.pc, op: e.opcode.code, gas: e.gasLeft, stack: e.stack.slice(), depth: e.depth + 1, fee: e.opcode.dynamicFee ?? BigInt(e.opcode.fee) });
    });
  }
  const block = {
    header: {
      number: b.number, coinbase: new Address(b.coinbase), timestamp: b.timestamp, difficulty: b.difficulty,
      prevRandao: b.prevRandao, gasLimit: b.gasLimit, baseFeePerGas: b.baseFee, getBlobGasPrice: () => blobBaseFee(b.excessBlobGas),
    },
  };
  kzgReached = false;
  const r = await evm.runCall({
    caller: sender, origin: sender, to: tx.to ? new Address(tx.to) : undefined, value: tx.value, data: tx.data,
    gasLimit: tx.gasLimit - intrinsic, gasPrice: price, block: block as never,
  });
  if (kzgReached) throw new Unsupported('KZG point evaluation with a matching versioned hash (no KZG library here)');
  const e = r.execResult;
  const err = e.exceptionError?.error;
  let gasUsed = intrinsic + e.executionGasUsed;
  const refund = min(e.gasRefund ?? 0n, gasUsed / (london ? 5n : 2n)); // EIP-3529
  gasUsed -= refund;

  const acc = (await sm.getAccount(sender)) ?? new Account();
  acc.balance += (tx.gasLimit - gasUsed) * price;
  await evm.journal.putAccount(sender, acc);
  const cb = new Address(b.coinbase);
  const cbAcc = (await sm.getAccount(cb)) ?? new Account();
  cbAcc.balance += gasUsed * (london ? price - b.baseFee : price);
  await evm.journal.putAccount(cb, cbAcc);
  // Self-destructs: from Cancun only of accounts created in this transaction (EIP-6780).
  const cancun = common.gteHardfork(Hardfork.Cancun);
  for (const addr of e.selfdestruct?.keys() ?? []) {
    if (cancun && !e.createdAddresses?.has(addr)) continue;
    await evm.journal.deleteAccount(new Address(hexBytes(addr)));
  }
  await evm.journal.cleanup(); // EIP-161: touched empty accounts go

  // A top-level call to a failing precompile consumes all gas: an exceptional halt. The
  // reference labels some of those failures (bn254 on points off the curve) "revert";
  // only the label differs, so it is normalised here.
  let status: Outcome['status'] = err === undefined ? 'success' : err === 'revert' ? 'revert' : 'halt';
  const toPrecompile = tx.to !== null && getActivePrecompiles(common).has(bytesToHex(tx.to).slice(2));
  if (status === 'revert' && toPrecompile && e.executionGasUsed === tx.gasLimit - intrinsic) status = 'halt';
  return {
    status,
    error: err,
    gasUsed,
    output: e.returnValue,
    logs: err === undefined ? (e.logs ?? []).map(([address, topics, data]) => ({ address, topics, data })) : [],
    post: dumpState(sm),
    ...(known.size ? { known: [...known] } : {}),
  };
}

interface OpEntry { opHandler: (runState: RunState, common: unknown) => unknown }
interface RunState { stack: { peek(n: number): bigint[] }; memory: { read(offset: number, size: number, avoidCopy?: boolean): Uint8Array } }

/** Calls `seen` when a CREATE/CREATE2 gets initcode the reference takes for EOF (0xEF00...). */
function watchEofInitcode(evm: unknown, seen: () => void): void {
  const map = (evm as { _opcodeMap: OpEntry[] })._opcodeMap;
  for (const op of [0xf0, 0xf5]) {
    const entry = map[op];
    const handler = entry.opHandler;
    entry.opHandler = (runState, common) => {
      const [, offset, length] = runState.stack.peek(3);
      if (length >= 2n && offset < 1n << 32n) {
        const b = runState.memory.read(Number(offset), 2, true); // within what the handler reads next
        if (b[0] === 0xef && b[1] === 0x00) seen();
      }
      return handler(runState, common);
    };
  }
}

/** Calls `seen` when a REVERT's data starts with 0xEF (in any frame: only creations are affected). */
function watchRevertEf(evm: unknown, seen: () => void): void {
  const entry = (evm as { _opcodeMap: OpEntry[] })._opcodeMap[0xfd];
  const handler = entry.opHandler;
  entry.opHandler = (runState, common) => {
    const [offset, length] = runState.stack.peek(2);
    if (length >= 1n && offset < 1n << 32n && runState.memory.read(Number(offset), 1, true)[0] === 0xef) seen();
    return handler(runState, common);
  };
}

/** Every live account of a SimpleStateManager, in the WorldState.toJSON() format. */
function dumpState(sm: SimpleStateManager): PostState {
  const top = <T>(stack: Map<string, T>[]) => stack[stack.length - 1];
  const s = sm as unknown as { accountStack: Map<string, Account | undefined>[]; codeStack: Map<string, Uint8Array>[]; storageStack: Map<string, Uint8Array>[] };
  const accounts = top(s.accountStack);
  const code = top(s.codeStack);
  const out: PostState = {};
  const storage = new Map<string, Record<string, string>>();
  for (const [key, value] of top(s.storageStack)) {
    const [addr, slot] = key.split('_');
    const v = bytesToBigint(value);
    if (v === 0n) continue;
    if (!storage.has(addr)) storage.set(addr, {});
    storage.get(addr)![quantityToHex(BigInt(slot))] = quantityToHex(v);
  }
  for (const addr of [...accounts.keys()].sort()) {
    const a = accounts.get(addr);
    if (a === undefined) continue;
    const st = storage.get(addr) ?? {};
    const sorted: Record<string, string> = {};
    for (const k of Object.keys(st).sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1))) sorted[k] = st[k];
    out[addr] = { balance: quantityToHex(a.balance), nonce: quantityToHex(a.nonce), code: bytesToHex(code.get(addr) ?? new Uint8Array(0)), storage: sorted };
  }
  return out;
}

function hexBytes(h: string): Uint8Array {
  const s = h.startsWith('0x') ? h.slice(2) : h;
  const b = new Uint8Array(s.length >> 1);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return b;
}
function minimal(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return b.slice(i);
}
function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
