// Generated blocks for the parallel executor's tests and benchmark: each a pre-state
// and a block shaped to exercise one behaviour of Block-STM (independent heavy
// transactions, one fully dependent chain, a random mix, self-destructs and CREATE2
// redeploys, invalid transactions, the fee recipient read or paid in odd ways).
// Deterministic: the same arguments give the same blocks.

import { keccak_256 as keccak } from '@noble/hashes/sha3.js';
import { EMPTY_OMMERS_HASH, type BlockHeader } from '../block/header.js';
import type { Block } from '../block/block.js';
import type { Tx } from '../evm/types.js';
import { forkByName, type Fork } from '../fork/table.js';
import { createAccount, WorldState } from '../state/world.js';
import { bigintToBytes, bytesToKey } from '../util/hex.js';

export interface Workload {
  name: string;
  description: string;
  fork: Fork;
  pre: WorldState;
  block: Block;
}

// ---------------------------------------------------------------- a tiny assembler

const OP: Record<string, number> = {
  STOP: 0x00, ADD: 0x01, SUB: 0x03, EQ: 0x14, ISZERO: 0x15, KECCAK256: 0x20, ADDRESS: 0x30, BALANCE: 0x31, CALLER: 0x33,
  CALLVALUE: 0x34, CALLDATALOAD: 0x35, CALLDATASIZE: 0x36, CODECOPY: 0x39, COINBASE: 0x41, SELFBALANCE: 0x47, POP: 0x50,
  MLOAD: 0x51, MSTORE: 0x52, SLOAD: 0x54, SSTORE: 0x55, JUMP: 0x56, JUMPI: 0x57, GAS: 0x5a, JUMPDEST: 0x5b,
  DUP1: 0x80, DUP6: 0x85, SWAP1: 0x90, LOG1: 0xa1, CREATE2: 0xf5, CALL: 0xf1, RETURN: 0xf3, SELFDESTRUCT: 0xff,
  // (for the random blocks of test/support/random-blocks.ts)
  GT: 0x11, AND: 0x16, SHR: 0x1c, CALLDATACOPY: 0x37, EXTCODEHASH: 0x3f, TLOAD: 0x5c, TSTORE: 0x5d,
  DUP2: 0x81, DUP3: 0x82, DUP4: 0x83, DUP8: 0x87, DUP9: 0x88, LOG2: 0xa2, CREATE: 0xf0, REVERT: 0xfd, INVALID: 0xfe,
};

/**
 * Assembles mnemonics, numbers (pushed with the smallest PUSH), `@label` (defines a
 * JUMPDEST) and `>label` (PUSH2 of its offset).
 */
export function asm(...items: (string | number | bigint)[]): Uint8Array {
  const out: number[] = [];
  const labels = new Map<string, number>();
  const refs: [number, string][] = [];
  for (const it of items) {
    if (typeof it === 'string' && it.startsWith('@')) {
      labels.set(it.slice(1), out.length);
      out.push(OP.JUMPDEST);
    } else if (typeof it === 'string' && it.startsWith('>')) {
      refs.push([out.length + 1, it.slice(1)]);
      out.push(0x61, 0, 0);
    } else if (typeof it === 'string') {
      const op = OP[it];
      if (op === undefined) throw new Error(`asm: unknown opcode ${it}`);
      out.push(op);
    } else {
      let v = BigInt(it);
      const bytes: number[] = [];
      do {
        bytes.unshift(Number(v & 0xffn));
        v >>= 8n;
      } while (v > 0n);
      out.push(0x5f + bytes.length, ...bytes);
    }
  }
  for (const [at, l] of refs) {
    const to = labels.get(l);
    if (to === undefined) throw new Error(`asm: no label ${l}`);
    out[at] = to >> 8;
    out[at + 1] = to & 0xff;
  }
  return Uint8Array.from(out);
}

/** keccak256 `iterations` (calldata word 0) times from a seed; the caller decides what seeds and what is stored. */
function hashLoop(): (string | number)[] {
  return ['@loop', 'DUP1', 'ISZERO', '>end', 'JUMPI', 32, 0, 'KECCAK256', 0, 'MSTORE', 1, 'SWAP1', 'SUB', '>loop', 'JUMP', '@end', 'POP'];
}

/**
 * Independent work on the contract's own storage: seed from slot 0, hash, store the
 * result in slots 0 and 1 and count calls in slot 2.
 */
export const HEAVY_CODE = asm(
  0, 'SLOAD', 'ADDRESS', 'ADD', 0, 'MSTORE', 0, 'CALLDATALOAD', ...hashLoop(),
  0, 'MLOAD', 0, 'SSTORE', 0, 'MLOAD', 1, 'ADD', 1, 'SSTORE', 2, 'SLOAD', 1, 'ADD', 2, 'SSTORE', 'STOP',
);

/** The same work chained through one slot: each call starts from the previous call's result. */
export const CHAIN_CODE = asm(
  0, 'SLOAD', 0, 'MSTORE', 0, 'CALLDATALOAD', ...hashLoop(),
  0, 'MLOAD', 0, 'SSTORE', 1, 'SLOAD', 1, 'ADD', 1, 'SSTORE', 'STOP',
);

/** Stores the fee recipient's balance (slot 0) and its own (slot 1); logs the first. */
export const COINBASE_READER_CODE = asm(
  'COINBASE', 'BALANCE', 'DUP1', 0, 'SSTORE', 'SELFBALANCE', 1, 'SSTORE', 0, 'MSTORE', 7, 32, 0, 'LOG1', 'STOP',
);

/** A CREATE2 child: with calldata, copies slot 0 to slot 2 and stores the word in slot 0; without, self-destructs to the caller. */
export const CHILD_RUNTIME = asm(
  'CALLDATASIZE', 'ISZERO', '>sd', 'JUMPI', 0, 'SLOAD', 2, 'SSTORE', 0, 'CALLDATALOAD', 0, 'SSTORE', 'STOP', '@sd', 'CALLER', 'SELFDESTRUCT',
);

/** The child's init code: slot 1 = 0x42, then the runtime. */
export const CHILD_INIT = (() => {
  const prefix = (off: number) => asm(0x42, 1, 'SSTORE', CHILD_RUNTIME.length, off, 0, 'CODECOPY', CHILD_RUNTIME.length, 0, 'RETURN');
  const p = prefix(0);
  return concat(prefix(p.length), CHILD_RUNTIME);
})();

/**
 * A CREATE2 factory: calldata (op, salt). Op 1 deploys a child with `salt` and stores
 * its address at slot `salt` (zero when the address is taken); op 2 also calls it
 * without data in the same transaction, so it self-destructs where it was created.
 */
export const FACTORY_CODE = (() => {
  const body = (initAt: number) => asm(
    CHILD_INIT.length, initAt, 0, 'CODECOPY',
    32, 'CALLDATALOAD', CHILD_INIT.length, 0, 0, 'CREATE2',
    'DUP1', 32, 'CALLDATALOAD', 'SSTORE',
    0, 'CALLDATALOAD', 2, 'EQ', '>call', 'JUMPI', 'STOP',
    '@call', 0, 0, 0, 0, 0, 'DUP6', 'GAS', 'CALL', 'POP', 'STOP',
  );
  const b = body(0);
  return concat(body(b.length), CHILD_INIT);
})();

// ---------------------------------------------------------------- blocks

export const ETH = 10n ** 18n;
const COINBASE = address(0xc0, 0xffee);

export function address(prefix: number, i: number): Uint8Array {
  const a = new Uint8Array(20);
  a[0] = prefix;
  a[16] = (i >>> 24) & 0xff;
  a[17] = (i >>> 16) & 0xff;
  a[18] = (i >>> 8) & 0xff;
  a[19] = i & 0xff;
  return a;
}

export function word(n: bigint | number): Uint8Array {
  return bigintToBytes(BigInt(n), 32);
}

/** A header for `fork` with room for `gas` (at least 60M: the GASLIMIT existing workloads see). */
function header(fork: Fork, gas: bigint, coinbase = COINBASE): BlockHeader {
  const london = fork.eips.has(1559);
  return {
    parentHash: new Uint8Array(32), ommersHash: EMPTY_OMMERS_HASH, coinbase, stateRoot: new Uint8Array(32),
    transactionsRoot: new Uint8Array(32), receiptsRoot: new Uint8Array(32), logsBloom: new Uint8Array(256),
    difficulty: fork.eips.has(3675) ? 0n : 131072n, number: 20_000_000n, gasLimit: gas > 60_000_000n ? gas : 60_000_000n, gasUsed: 0n,
    timestamp: 1_720_000_000n, extraData: new Uint8Array(0), mixHash: new Uint8Array(32).fill(7), nonce: new Uint8Array(8),
    ...(london ? { baseFeePerGas: 7n } : {}),
  };
}

/** Builds transactions with per-sender nonces, in the fork's fee style (max fee 1,000 wei per gas). */
export class TxBuilder {
  private nonces = new Map<string, bigint>();
  readonly txs: Tx[] = [];
  constructor(private readonly fork: Fork, private readonly pre: WorldState) {}

  add(sender: Uint8Array, to: Uint8Array | null, opts: { data?: Uint8Array; value?: bigint; gas?: bigint; tip?: bigint; nonce?: bigint } = {}): Tx {
    const k = bytesToKey(sender);
    const nonce = opts.nonce ?? this.nonces.get(k) ?? this.pre.peekAccount(k)?.nonce ?? 0n;
    this.nonces.set(k, nonce + 1n);
    // One object literal for both types: objects made by spreading a base object get a
    // hidden class each in V8, which made every later read of a transaction's fields
    // megamorphic (~1 us per transaction in the tx encoder alone).
    const dynamicFee = this.fork.eips.has(1559);
    const tip = opts.tip ?? 2n;
    const tx: Tx = {
      type: dynamicFee ? 2 : 0, sender, to, nonce, gasLimit: opts.gas ?? 100_000n, value: opts.value ?? 0n, data: opts.data ?? new Uint8Array(0), accessList: [],
      gasPrice: dynamicFee ? undefined : 7n + tip, maxFeePerGas: dynamicFee ? 1000n : undefined, maxPriorityFeePerGas: dynamicFee ? tip : undefined,
    };
    this.txs.push(tx);
    return tx;
  }
}

export function fund(pre: WorldState, a: Uint8Array, balance = 100n * ETH): Uint8Array {
  pre.putAccount(bytesToKey(a), createAccount({ balance }));
  return a;
}

function deploy(pre: WorldState, a: Uint8Array, code: Uint8Array, storage: [bigint, bigint][] = []): Uint8Array {
  const s = new Map<string, Uint8Array>();
  for (const [k, v] of storage) s.set(bytesToKey(word(k)), word(v));
  pre.putAccount(bytesToKey(a), createAccount({ code, nonce: 1n, storage: s }));
  return a;
}

/** A block of `txs` whose gas limit holds them all. */
export function block(fork: Fork, txs: Tx[], coinbase = COINBASE): Block {
  const gas = txs.reduce((s, tx) => s + tx.gasLimit, 0n);
  return { header: header(fork, gas, coinbase), transactions: txs, uncles: [] };
}

/** `n` calls, each by its own sender to its own contract: no conflicts but the fee recipient. */
export function independentWorkload(n: number, iterations: number, fork = forkByName('Cancun')): Workload {
  const pre = new WorldState();
  const b = new TxBuilder(fork, pre);
  const gas = 100_000n + BigInt(iterations) * 100n;
  for (let i = 0; i < n; i++) {
    const c = deploy(pre, address(0xcc, i), HEAVY_CODE, [[0n, BigInt(i + 1)]]);
    b.add(fund(pre, address(0xee, i)), c, { data: word(iterations), gas });
  }
  return { name: `independent-${n}x${iterations}`, description: `${n} calls, each on its own contract (${iterations} hashes)`, fork, pre, block: block(fork, b.txs) };
}

/** `n` plain transfers between distinct accounts. */
export function transfersWorkload(n: number, fork = forkByName('Cancun')): Workload {
  const pre = new WorldState();
  const b = new TxBuilder(fork, pre);
  for (let i = 0; i < n; i++) b.add(fund(pre, address(0xee, i)), address(0xdd, i), { value: 1000n + BigInt(i), gas: 21_000n });
  return { name: `transfers-${n}`, description: `${n} value transfers, distinct senders and recipients`, fork, pre, block: block(fork, b.txs) };
}

/**
 * A chain of `n` transfers: account i sends to account i + 1, which starts empty and
 * sends on what it received less its gas (21,000 at the 1,000 wei maximum fee). Each
 * transaction depends on the one before: its sender is funded only by it.
 */
export function transferChainWorkload(n: number, fork = forkByName('Cancun')): Workload {
  const pre = new WorldState();
  const b = new TxBuilder(fork, pre);
  const gasCost = 21_000n * 1000n;
  let value = ETH;
  fund(pre, address(0xe0, 0), 2n * ETH);
  for (let i = 0; i < n; i++, value -= gasCost) b.add(address(0xe0, i), address(0xe0, i + 1), { value, gas: 21_000n });
  return { name: `transfer-chain-${n}`, description: `${n} transfers, each spending what the previous one received`, fork, pre, block: block(fork, b.txs) };
}

/**
 * `n` transfers into one account (an exchange's deposit address), which itself sends
 * twice in between (then its balance must include every credit before); some transfers
 * go to a contract instead (code runs: no delta), and some are worth zero.
 */
export function hotRecipientWorkload(n: number, fork = forkByName('Cancun')): Workload {
  const pre = new WorldState();
  const b = new TxBuilder(fork, pre);
  const exchange = fund(pre, address(0xea, 0), 0n);
  const contract = deploy(pre, address(0xcc, 0), HEAVY_CODE);
  for (let i = 0; i < n; i++) {
    const from = fund(pre, address(0xee, i));
    if (i === Math.floor(n / 2) || i === n - 1) b.add(exchange, address(0xdd, i), { value: 1000n * BigInt(i), gas: 21_000n });
    if (i % 7 === 3) b.add(from, contract, { value: 5n, data: word(10), gas: 100_000n });
    else b.add(from, exchange, { value: i % 11 === 5 ? 0n : 10n ** 15n + BigInt(i), gas: 21_000n });
  }
  return { name: `hot-recipient-${n}`, description: `${n} transfers into one account that also sends`, fork, pre, block: block(fork, b.txs) };
}

/** `n` calls to one contract, each starting from the previous one's result: fully dependent. */
export function chainWorkload(n: number, iterations: number, fork = forkByName('Cancun')): Workload {
  const pre = new WorldState();
  const b = new TxBuilder(fork, pre);
  const c = deploy(pre, address(0xcc, 0), CHAIN_CODE, [[0n, 1n]]);
  const gas = 100_000n + BigInt(iterations) * 100n;
  for (let i = 0; i < n; i++) b.add(fund(pre, address(0xee, i)), c, { data: word(iterations), gas });
  return { name: `chain-${n}x${iterations}`, description: `${n} calls chained through one slot (${iterations} hashes)`, fork, pre, block: block(fork, b.txs) };
}

/** A seeded random mix: shared and own contracts, transfers within a small group, same-sender runs, fee-recipient reads. */
export function mixedWorkload(n: number, seed: number, iterations = 300, fork = forkByName('Cancun'), contractCount = 12): Workload {
  const rnd = prng(seed);
  const pre = new WorldState();
  const b = new TxBuilder(fork, pre);
  const senders = Array.from({ length: 24 }, (_, i) => fund(pre, address(0xee, i)));
  const contracts = Array.from({ length: contractCount }, (_, i) => deploy(pre, address(0xcc, i), HEAVY_CODE, [[0n, BigInt(i)]]));
  const chain = deploy(pre, address(0xcb, 0), CHAIN_CODE);
  const reader = deploy(pre, address(0xcd, 0), COINBASE_READER_CODE);
  const gas = 100_000n + BigInt(iterations) * 100n;
  for (let i = 0; i < n; i++) {
    const from = senders[Math.floor(rnd() * senders.length)];
    const r = rnd();
    if (r < 0.4) b.add(from, contracts[Math.floor(rnd() * contracts.length)], { data: word(iterations), gas });
    else if (r < 0.55) b.add(from, chain, { data: word(iterations), gas });
    else if (r < 0.8) b.add(from, senders[Math.floor(rnd() * senders.length)], { value: BigInt(Math.floor(rnd() * 1e6)), gas: 21_000n, tip: BigInt(Math.floor(rnd() * 3)) });
    else if (r < 0.85) b.add(from, reader, { gas: 100_000n, value: 5n });
    else b.add(from, address(0xdd, Math.floor(rnd() * 1000)), { value: 1n + BigInt(Math.floor(rnd() * 100)), gas: 21_000n });
  }
  return { name: `mixed-${n}-seed${seed}-c${contractCount}`, description: `${n} random transactions (seed ${seed}, ${contractCount} shared contracts)`, fork, pre, block: block(fork, b.txs) };
}

/**
 * CREATE2 deploys, self-destructs and redeploys at the same address, storage of a
 * destroyed account read after its redeploy, create-and-destroy in one transaction,
 * a contract creation transaction; amid independent work.
 */
export function lifecycleWorkload(fork: Fork): Workload {
  const pre = new WorldState();
  const b = new TxBuilder(fork, pre);
  const factory = deploy(pre, address(0xfa, 0), FACTORY_CODE);
  const e = Array.from({ length: 16 }, (_, i) => fund(pre, address(0xee, i)));
  const heavy = Array.from({ length: 6 }, (_, i) => deploy(pre, address(0xcc, i), HEAVY_CODE));
  const op = (o: number, salt: number) => concat(word(o), word(salt));
  const child = (salt: number) => create2Address(factory, salt, CHILD_INIT);
  const pad = (i: number) => b.add(e[10 + (i % 6)], heavy[i % 6], { data: word(200), gas: 200_000n });
  b.add(e[0], factory, { data: op(1, 1), gas: 300_000n });
  pad(0);
  b.add(e[1], child(1), { data: word(7), value: 1000n, gas: 100_000n });
  pad(1);
  b.add(e[2], child(1), { gas: 100_000n }); // self-destruct (a deletion before Cancun, EIP-6780)
  b.add(e[3], factory, { data: op(1, 1), gas: 300_000n }); // redeploy: fresh before Cancun, collision from it
  pad(2);
  b.add(e[4], child(1), { data: word(9), gas: 100_000n }); // slot 0: 0 after a redeploy, 7 otherwise
  b.add(e[5], factory, { data: op(2, 2), gas: 300_000n }); // create and destroy in one transaction
  pad(3);
  b.add(e[6], factory, { data: op(2, 2), gas: 300_000n });
  b.add(e[7], child(2), { data: word(5), gas: 100_000n });
  b.add(e[8], null, { data: CHILD_INIT, gas: 300_000n });
  pad(4);
  b.add(e[9], child(1), { value: 77n, gas: 50_000n });
  b.add(e[2], child(1), { data: word(11), gas: 100_000n });
  pad(5);
  return { name: `lifecycle-${fork.name}`, description: 'CREATE2 redeploys, self-destructs, creations', fork, pre, block: block(fork, b.txs) };
}

/**
 * The fee recipient read and paid in every way: an existing empty recipient with a
 * zero-tip transaction first (EIP-161 removes it), BALANCE of it, value sent to it, it
 * sending a transaction itself; amid independent work.
 */
export function coinbaseWorkload(fork: Fork): Workload {
  const pre = new WorldState();
  const b = new TxBuilder(fork, pre);
  pre.putAccount(bytesToKey(COINBASE), createAccount());
  const e = Array.from({ length: 12 }, (_, i) => fund(pre, address(0xee, i)));
  const reader = deploy(pre, address(0xcd, 0), COINBASE_READER_CODE);
  const heavy = Array.from({ length: 6 }, (_, i) => deploy(pre, address(0xcc, i), HEAVY_CODE));
  const pad = (i: number) => b.add(e[6 + (i % 6)], heavy[i % 6], { data: word(300), gas: 200_000n });
  b.add(e[0], address(0xdd, 1), { value: 1n, gas: 21_000n, tip: 0n });
  pad(0);
  pad(1);
  b.add(e[1], reader, { gas: 100_000n });
  pad(2);
  b.add(e[2], COINBASE, { value: ETH, gas: 21_000n });
  pad(3);
  b.add(e[3], reader, { gas: 100_000n, value: 3n });
  b.add(COINBASE, address(0xdd, 2), { value: 5n, gas: 21_000n });
  pad(4);
  b.add(e[4], reader, { gas: 100_000n });
  pad(5);
  pad(6);
  return { name: `coinbase-${fork.name}`, description: 'the fee recipient empty, read, paid and sending', fork, pre, block: block(fork, b.txs) };
}

/** An account funded in transaction 2 spends in transaction 6: valid only in block order. */
export function fundedLaterWorkload(fork = forkByName('Cancun')): Workload {
  const pre = new WorldState();
  const b = new TxBuilder(fork, pre);
  const e = Array.from({ length: 8 }, (_, i) => fund(pre, address(0xee, i)));
  const heavy = Array.from({ length: 8 }, (_, i) => deploy(pre, address(0xcc, i), HEAVY_CODE));
  const poor = address(0xab, 1);
  for (let i = 0; i < 10; i++) {
    if (i === 2) b.add(e[0], poor, { value: ETH, gas: 21_000n });
    else if (i === 6) b.add(poor, address(0xdd, 9), { value: ETH / 10n, gas: 21_000n });
    else if (i === 8) b.add(poor, address(0xdd, 10), { value: ETH / 10n, gas: 21_000n });
    else b.add(e[1 + (i % 7)], heavy[i % 8], { data: word(300), gas: 200_000n });
  }
  return { name: 'funded-later', description: 'a sender funded earlier in the block', fork, pre, block: block(fork, b.txs) };
}

/** A block with an invalid transaction at `bad`: too high a nonce, or a sender that cannot pay yet. */
export function invalidWorkload(kind: 'nonce' | 'balance', bad: number, fork = forkByName('Cancun')): Workload {
  const pre = new WorldState();
  const b = new TxBuilder(fork, pre);
  const e = Array.from({ length: 8 }, (_, i) => fund(pre, address(0xee, i)));
  const heavy = Array.from({ length: 8 }, (_, i) => deploy(pre, address(0xcc, i), HEAVY_CODE));
  const poor = address(0xab, 2);
  for (let i = 0; i < 10; i++) {
    if (i === bad && kind === 'nonce') b.add(e[0], address(0xdd, 1), { value: 1n, gas: 21_000n, nonce: 5n });
    else if (i === bad) b.add(poor, address(0xdd, 1), { value: 1n, gas: 21_000n });
    else if (i === bad + 2 && kind === 'balance') b.add(e[0], poor, { value: ETH, gas: 21_000n });
    else b.add(e[1 + (i % 7)], heavy[i % 8], { data: word(300), gas: 200_000n });
  }
  return { name: `invalid-${kind}-at-${bad}`, description: `invalid transaction ${bad} (${kind})`, fork, pre, block: block(fork, b.txs) };
}

// ---------------------------------------------------------------- helpers

export function create2Address(deployer: Uint8Array, salt: number, init: Uint8Array): Uint8Array {
  return keccak(concat(Uint8Array.of(0xff), deployer, word(salt), keccak(init))).slice(12);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Mulberry32: a small seeded generator. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
