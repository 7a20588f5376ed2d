// Seeded random blocks for the parallel executor's property test
// (test/parallel-property.test.ts). Each is a pre-state (EOAs, "actor" contracts, a real
// OpenZeppelin ERC-20, a CREATE2 factory, sometimes an EIP-7702 delegated account) and
// a block, mostly Cancun, some Prague and Osaka, and some Shanghai to Istanbul (where a
// self-destruct deletes), whose transactions mix plain transfers (to fresh and existing
// accounts, the fee recipient, contracts; from accounts funded earlier in the block),
// ERC-20 transfer/approve/transferFrom, contract creations (CREATE, CREATE2, redeploys
// after a self-destruct, address collisions), self-destructs (created and destroyed in
// one transaction, and pre-existing accounts: EIP-6780), reverts (REVERT, out of gas,
// invalid opcode, calls that revert inside a successful transaction), reads and writes
// of shared storage slots, reads of the fee recipient's balance, logs, blob and EIP-7702
// transactions, and now and then an invalid transaction (nonce gap, nonce reuse, a
// sender that cannot pay). Conflicts are random: per block, slots and contracts come
// from a small pool (most transactions conflict) or a large one (few do).
// Deterministic: randomBlock(seed, index) is always the same block.

import { createRequire } from 'node:module';
import { keccak_256 as keccak } from '@noble/hashes/sha3.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { RLP } from '@ethereumjs/rlp';
import type { ExecuteOptions } from '../../src/block/execute.js';
import { EMPTY_OMMERS_HASH, type BlockHeader } from '../../src/block/header.js';
import { createAddress } from '../../src/evm/evm.js';
import type { Authorization, Tx } from '../../src/evm/types.js';
import { forkByName, type Fork } from '../../src/fork/table.js';
import { createAccount, WorldState } from '../../src/state/world.js';
import { senderFromSecretKey } from '../../src/statetest/parse.js';
import { bigintToBytes, bigintToMinimalBytes, bytesToKey, hexToBytes } from '../../src/util/hex.js';
import { CHILD_INIT, CHILD_RUNTIME, FACTORY_CODE, address, asm, concat, create2Address, prng, type Workload } from '../../src/parallel/workloads.js';

/** What a transaction was generated to do: for the coverage check and failure messages. */
export type TxKind =
  | 'transfer' | 'transfer-to-fresh' | 'transfer-to-coinbase' | 'transfer-to-contract' | 'transfer-from-funded' | 'transfer-zero'
  | 'erc20-transfer' | 'erc20-approve' | 'erc20-transferFrom'
  | 'actor' | 'actor-revert' | 'actor-invalid' | 'actor-oog' | 'actor-selfdestruct' | 'actor-call' | 'actor-create2-destroy'
  | 'factory-create2' | 'factory-create-destroy' | 'child-write' | 'child-selfdestruct'
  | 'create' | 'create-actor' | 'create-revert' | 'create-destroy' | 'create-oog' | 'create-collision'
  | 'delegate-7702' | 'call-delegated'
  | 'invalid-nonce-gap' | 'invalid-nonce-reused' | 'invalid-balance';

export interface RandomBlock extends Workload {
  seed: number;
  index: number;
  options: ExecuteOptions;
  kinds: TxKind[];
}

// ---------------------------------------------------------------- the actor contract

/**
 * The actor's operations. Its calldata is a program of 32-byte words, each
 * `op (1 byte) | A (11 bytes) | B (20 bytes: a slot or an address)`, run in order; the
 * accumulator lives at memory 0 and is returned at the end.
 */
export const ACT = {
  add: 1, // slot B += A
  set: 2, // slot B = A
  read: 3, // acc += slot B
  save: 4, // slot B = acc
  log: 5, // LOG2(acc; A, B)
  balance: 6, // acc += BALANCE(B)
  hash: 7, // acc = keccak(acc), A times
  call: 8, // CALL(B, value A, the rest of the program as calldata); slot 0xca11 = success; stop
  create: 9, // acc += CREATE(value A, child init code)
  create2: 10, // acc += CREATE2(0, child init code, salt B)
  selfdestruct: 11, // SELFDESTRUCT(B)
  revert: 12, // REVERT(acc)
  invalid: 13, // INVALID
  spin: 14, // loop until out of gas
  transient: 15, // transient slot B += 1; acc += it
  codehash: 16, // acc += EXTCODEHASH(B)
  selfbalance: 17, // acc += SELFBALANCE
} as const;
type ActOp = keyof typeof ACT;

const M160 = (1n << 160n) - 1n;
const M88 = (1n << 88n) - 1n;

export const ACTOR_CODE = (() => {
  const low = (depth: number) => [`DUP${depth}`, M160, 'AND']; // B of the word at stack depth `depth`
  const arg = (depth: number) => [`DUP${depth}`, 160, 'SHR', M88, 'AND']; // A of it
  const acc = [0, 'MLOAD', 'ADD', 0, 'MSTORE']; // acc += top
  const next = ['>next', 'JUMP'];
  // Each handler starts and ends (at `next`) with [pc, word, op] on the stack.
  const body = (initAt: number) => asm(
    0, '@loop', 'DUP1', 'CALLDATASIZE', 'GT', 'ISZERO', '>stop', 'JUMPI',
    'DUP1', 'CALLDATALOAD', 'DUP1', 248, 'SHR',
    ...Object.entries(ACT).flatMap(([name, op]) => ['DUP1', op, 'EQ', `>${name}`, 'JUMPI']),
    '@next', 'POP', 'POP', 32, 'ADD', '>loop', 'JUMP',
    '@stop', 32, 0, 'RETURN',
    '@add', ...low(2), 'DUP1', 'SLOAD', ...arg(4), 'ADD', 'SWAP1', 'SSTORE', ...next,
    '@set', ...arg(2), ...low(3), 'SSTORE', ...next,
    '@read', ...low(2), 'SLOAD', ...acc, ...next,
    '@save', 0, 'MLOAD', ...low(3), 'SSTORE', ...next,
    '@log', ...low(2), ...arg(3), 32, 0, 'LOG2', ...next,
    '@balance', ...low(2), 'BALANCE', ...acc, ...next,
    '@hash', ...arg(2), '@hashing', 'DUP1', 'ISZERO', '>hashed', 'JUMPI', 32, 0, 'KECCAK256', 0, 'MSTORE', 1, 'SWAP1', 'SUB', '>hashing', 'JUMP', '@hashed', 'POP', ...next,
    // The rest of the program (p2 = pc + 32, len = size - p2) goes to memory 64 as the callee's calldata.
    '@call', 'DUP3', 32, 'ADD', 'DUP1', 'CALLDATASIZE', 'SUB', 'DUP1', 'DUP3', 64, 'CALLDATACOPY',
    0, 0, 'DUP3', 64, ...arg(8), ...low(9), 'GAS', 'CALL', 0xca11, 'SSTORE', 'STOP',
    '@create', CHILD_INIT.length, initAt, 64, 'CODECOPY', CHILD_INIT.length, 64, ...arg(4), 'CREATE', ...acc, ...next,
    '@create2', CHILD_INIT.length, initAt, 64, 'CODECOPY', ...low(2), CHILD_INIT.length, 64, 0, 'CREATE2', ...acc, ...next,
    '@selfdestruct', ...low(2), 'SELFDESTRUCT',
    '@revert', 32, 0, 'REVERT',
    '@invalid', 'INVALID',
    '@spin', '>spin', 'JUMP',
    '@transient', ...low(2), 'DUP1', 'TLOAD', 1, 'ADD', 'DUP1', ...acc, 'SWAP1', 'TSTORE', ...next,
    '@codehash', ...low(2), 'EXTCODEHASH', ...acc, ...next,
    '@selfbalance', 'SELFBALANCE', ...acc, ...next,
  );
  // The child's init code follows the body; its offset is pushed inside the body, so settle the length first.
  let length = body(0).length;
  while (body(length).length !== length) length = body(length).length;
  return concat(body(length), CHILD_INIT);
})();

/** Init code that deploys `runtime`. */
function deployer(runtime: Uint8Array): Uint8Array {
  const prefix = (at: number) => asm(runtime.length, at, 0, 'CODECOPY', runtime.length, 0, 'RETURN');
  return concat(prefix(prefix(0).length), runtime);
}

function opWord(op: ActOp, a: bigint, b: bigint | Uint8Array): Uint8Array {
  const low = typeof b === 'bigint' ? b : BigInt('0x' + bytesToKey(b));
  return bigintToBytes((BigInt(ACT[op]) << 248n) | ((a & M88) << 160n) | (low & M160), 32);
}

// ---------------------------------------------------------------- the ERC-20

const require = createRequire(import.meta.url);
const ERC20_RUNTIME = hexToBytes((require('@openzeppelin/contracts/build/contracts/ERC20PresetFixedSupply.json') as { deployedBytecode: string }).deployedBytecode);
const selector = (signature: string) => keccak(new TextEncoder().encode(signature)).slice(0, 4);
const TRANSFER = selector('transfer(address,uint256)');
const APPROVE = selector('approve(address,uint256)');
const TRANSFER_FROM = selector('transferFrom(address,address,uint256)');

function word(v: bigint | Uint8Array): Uint8Array {
  return typeof v === 'bigint' ? bigintToBytes(v, 32) : concat(new Uint8Array(32 - v.length), v);
}

/** Solidity's slot of `mapping[key]` for a mapping at `slot`. */
function mappingSlot(key: Uint8Array, slot: Uint8Array): Uint8Array {
  return keccak(concat(word(key), slot));
}

/** OpenZeppelin 4.9 ERC20's storage: _balances (0), _allowances (1), _totalSupply (2), _name (3), _symbol (4). */
class Erc20State {
  readonly storage = new Map<string, Uint8Array>();
  private total = 0n;
  constructor() {
    this.storage.set(bytesToKey(word(3n)), shortString('Lanes'));
    this.storage.set(bytesToKey(word(4n)), shortString('LNS'));
  }
  mint(to: Uint8Array, amount: bigint): void {
    this.storage.set(bytesToKey(mappingSlot(to, word(0n))), word(amount));
    this.total += amount;
    this.storage.set(bytesToKey(word(2n)), word(this.total));
  }
  approve(owner: Uint8Array, spender: Uint8Array, amount: bigint): void {
    this.storage.set(bytesToKey(mappingSlot(spender, mappingSlot(owner, word(1n)))), word(amount));
  }
}

/** A Solidity string under 32 bytes in its slot: the bytes left-aligned, the length times two in the last byte. */
function shortString(s: string): Uint8Array {
  const out = new Uint8Array(32);
  const b = new TextEncoder().encode(s);
  out.set(b);
  out[31] = b.length * 2;
  return out;
}

// ---------------------------------------------------------------- blocks

const ETH = 10n ** 18n;
const BASE_FEE = 7n;
const MAX_FEE = 1000n;
const MAX_BLOB_FEE = 10n;

interface Sender {
  address: Uint8Array;
  /** What it can still spend, as far as the generator knows (funded EOAs, and accounts funded in the block). */
  funds: bigint;
}

class Generator {
  readonly rnd: () => number;
  readonly pre = new WorldState();
  readonly txs: Tx[] = [];
  readonly kinds: TxKind[] = [];
  readonly fork: Fork;
  readonly coinbase: Uint8Array;
  private nonces = new Map<string, bigint>();
  readonly senders: Sender[] = [];
  /** Accounts that get funds in this block before they send. */
  private fundedInBlock: Sender[] = [];
  readonly actors: Uint8Array[] = [];
  readonly slots: bigint[];
  readonly holders: Uint8Array[] = [];
  /** Owner and spender pairs with an allowance (in the pre-state, or approved in the block). */
  readonly allowances: { owner: Uint8Array; spender: Sender }[] = [];
  readonly token = address(0x70, 1);
  readonly factory = address(0xfa, 1);
  readonly salts: number[];
  private freshCount = 0;
  /** Blobs the block may still carry (above the fork's maximum it is invalid). */
  private blobsLeft: number;
  readonly delegated: Uint8Array | null;
  private delegatedKey: Uint8Array | null = null;
  /** The share of transactions without a tip (which remove an empty fee recipient: EIP-161). */
  private zeroTips = 0.25;

  constructor(seed: number, high: boolean) {
    this.rnd = prng(seed);
    // Mostly Cancun (EIP-6780); some Prague and Osaka (EIP-7702), and some before Cancun, where a self-destruct deletes
    // (back to Istanbul: the actor needs Constantinople's SHR, CREATE2 and EXTCODEHASH).
    const f = this.rnd();
    this.fork = forkByName(f < 0.5 ? 'Cancun' : f < 0.6 ? 'Prague' : f < 0.7 ? 'Osaka' : f < 0.82 ? 'Shanghai' : f < 0.88 ? 'London' : f < 0.94 ? 'Berlin' : 'Istanbul');
    this.blobsLeft = this.fork.blobs?.max ?? 0;
    const r = this.rnd;
    // Senders: funded EOAs.
    const eoas = 4 + this.int(high ? 8 : 28);
    for (let i = 0; i < eoas; i++) {
      const a = address(0xee, i);
      const balance = (1n + BigInt(this.int(100))) * ETH;
      this.pre.putAccount(bytesToKey(a), createAccount({ balance }));
      this.senders.push({ address: a, funds: balance });
    }
    // Empty accounts (pre-Spurious Dragon leftovers): a zero-value touch removes them (EIP-161).
    for (let i = 0; i < 3; i++) this.pre.putAccount(bytesToKey(address(0xe0, i)), createAccount());
    // Actors with storage in the shared slots, some funds, and tokens.
    const actors = high ? 1 + this.int(2) : 3 + this.int(8);
    const slotCount = high ? 1 + this.int(4) : 32 + this.int(500);
    this.slots = Array.from({ length: slotCount }, (_, i) => BigInt(i * 7 + 1));
    for (let i = 0; i < actors; i++) {
      const a = address(0xac, i);
      const storage = new Map<string, Uint8Array>();
      for (const s of this.slots) if (r() < 0.3) storage.set(bytesToKey(word(s)), word(BigInt(1 + this.int(1000))));
      this.pre.putAccount(bytesToKey(a), createAccount({ code: ACTOR_CODE, nonce: 1n, balance: BigInt(this.int(3)) * ETH, storage }));
      this.actors.push(a);
    }
    // The token: balances for most senders and every actor, a few allowances.
    const erc20 = new Erc20State();
    for (const s of this.senders) if (r() < 0.7) { erc20.mint(s.address, BigInt(1 + this.int(5000))); this.holders.push(s.address); }
    for (const a of this.actors) erc20.mint(a, 10_000n);
    for (let i = 0; i < 4 && this.holders.length > 0; i++) {
      const owner = this.pick(this.holders);
      const spender = this.pick(this.senders);
      erc20.approve(owner, spender.address, BigInt(this.int(3000)));
      this.allowances.push({ owner, spender });
    }
    this.pre.putAccount(bytesToKey(this.token), createAccount({ code: ERC20_RUNTIME, nonce: 1n, storage: erc20.storage }));
    // The CREATE2 factory, with a pre-existing child at some salts (CREATE2 there collides; a self-destruct keeps it: EIP-6780).
    this.pre.putAccount(bytesToKey(this.factory), createAccount({ code: FACTORY_CODE, nonce: 1n }));
    this.salts = Array.from({ length: high ? 2 : 6 }, (_, i) => i + 1);
    for (const s of this.salts) {
      if (r() < 0.3) {
        const storage = new Map([[bytesToKey(word(1n)), word(0x42n)], [bytesToKey(word(0n)), word(BigInt(s))]]);
        this.pre.putAccount(bytesToKey(create2Address(this.factory, s, CHILD_INIT)), createAccount({ code: CHILD_RUNTIME, nonce: 1n, balance: 1000n, storage }));
      }
    }
    // EIP-7702 (Prague on): an EOA of known key that delegates to an actor in this block.
    if (this.fork.eips.has(7702) && r() < 0.6) {
      this.delegatedKey = keccak(Uint8Array.of(0x7a, ...word(BigInt(seed >>> 0))));
      this.delegated = senderFromSecretKey(this.delegatedKey);
      this.pre.putAccount(bytesToKey(this.delegated), createAccount({ balance: ETH }));
    } else this.delegated = null;
    // The fee recipient: fresh, an existing empty account (a zero tip removes it: EIP-161), a sender, a contract, or the delegated EOA.
    const c = r();
    if (c < 0.35) this.coinbase = address(0xcb, 0);
    else if (c < 0.5) {
      this.coinbase = address(0xcb, 1);
      this.pre.putAccount(bytesToKey(this.coinbase), createAccount());
      this.zeroTips = 0.7;
    } else if (c < 0.85) this.coinbase = this.pick(this.senders).address;
    else if (c < 0.95 || this.delegated === null) this.coinbase = this.pick(this.actors);
    else this.coinbase = this.delegated;
  }

  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }

  pick<T>(xs: T[]): T {
    return xs[this.int(xs.length)];
  }

  fresh(): Uint8Array {
    return address(0xf0, this.freshCount++);
  }

  /** Somewhere value can go: an EOA, a fresh account, the fee recipient, a contract, a precompile. */
  anyAddress(): Uint8Array {
    const r = this.rnd();
    if (r < 0.3) return this.pick(this.senders).address;
    if (r < 0.45) return this.fresh();
    if (r < 0.55) return this.coinbase;
    if (r < 0.75) return this.pick(this.actors);
    if (r < 0.85) return create2Address(this.factory, this.pick(this.salts), CHILD_INIT);
    if (r < 0.9) return address(0, 1 + this.int(10)); // a precompile
    if (r < 0.92 && this.delegated) return this.delegated;
    if (r < 0.95) return address(0xe0, this.int(3)); // an empty account
    if (r < 0.97) {
      // Where a sender's next creations will land: funded before the contract exists.
      const s = this.pick(this.senders).address;
      return createAddress(s, this.nextNonce(s) + BigInt(this.int(3)));
    }
    return this.token;
  }

  /** A sender that can pay `need`, preferring accounts funded earlier in the block when `fromFunded`. */
  sender(need: bigint, fromFunded = false): Sender {
    const funded = this.fundedInBlock.filter((s) => s.funds >= need);
    if (fromFunded && funded.length > 0) return this.pick(funded);
    const able = this.senders.filter((s) => s.funds >= need);
    return able.length > 0 ? this.pick(able) : this.senders[0];
  }

  /** Appends a transaction in a random fee style; `nonce` overrides the sender's next nonce (without moving it). */
  add(kind: TxKind, from: Sender, to: Uint8Array | null, o: { value?: bigint; data?: Uint8Array; gas: bigint; nonce?: bigint; authorizations?: Authorization[] }): void {
    const k = bytesToKey(from.address);
    const next = this.nonces.get(k) ?? this.pre.peekAccount(k)?.nonce ?? 0n;
    if (o.nonce === undefined) this.nonces.set(k, next + 1n);
    const value = o.value ?? 0n;
    const tip = this.rnd() < this.zeroTips ? 0n : BigInt(1 + this.int(3));
    const style = this.rnd();
    const blobs = style >= 0.92 && to !== null && !o.authorizations ? Math.min(1 + this.int(2), this.blobsLeft) : 0;
    this.blobsLeft -= blobs;
    // EIP-2930 (a sixth of them): one address and one key, 4,300 more intrinsic gas.
    const accessList = style >= 0.75 && blobs === 0 && !o.authorizations && this.fork.eips.has(2930);
    const gas = o.gas + (accessList ? 4_300n : 0n);
    from.funds -= value + gas * MAX_FEE + BigInt(blobs) * 131_072n * MAX_BLOB_FEE;
    const base = { sender: from.address, nonce: o.nonce ?? next, gasLimit: gas, to, value, data: o.data ?? new Uint8Array(0), accessList: [] };
    let tx: Tx;
    if (o.authorizations) tx = { ...base, type: 4, maxFeePerGas: MAX_FEE, maxPriorityFeePerGas: tip, authorizationList: o.authorizations };
    else if (blobs > 0) {
      // EIP-4844: blob gas is paid and counted; BLOBHASH is not used, so any versioned hashes will do.
      const hashes = Array.from({ length: blobs }, (_, i) => Uint8Array.of(1, ...keccak(Uint8Array.of(i, this.int(256))).subarray(1)));
      tx = { ...base, type: 3, maxFeePerGas: MAX_FEE, maxPriorityFeePerGas: tip, maxFeePerBlobGas: MAX_BLOB_FEE, blobVersionedHashes: hashes };
    } else if (style < 0.6 && this.fork.eips.has(1559)) tx = { ...base, type: 2, maxFeePerGas: MAX_FEE, maxPriorityFeePerGas: tip };
    else if (!accessList) tx = { ...base, type: 0, gasPrice: BASE_FEE + tip };
    else {
      // Warm a shared slot of an actor (or of the callee).
      const at = to ?? this.pick(this.actors);
      tx = { ...base, type: 1, gasPrice: BASE_FEE + tip, accessList: [{ address: at, storageKeys: [word(this.pick(this.slots))] }] };
    }
    this.txs.push(tx);
    this.kinds.push(kind);
  }

  nextNonce(a: Uint8Array): bigint {
    const k = bytesToKey(a);
    return this.nonces.get(k) ?? this.pre.peekAccount(k)?.nonce ?? 0n;
  }

  // ---------------------------------------------------------------- transaction kinds

  transfer(): void {
    const r = this.rnd();
    const value = BigInt(1 + this.int(1_000_000)) * 10n ** 9n;
    const gas = 21_000n;
    if (r < 0.2) {
      // Fund a fresh account, which may send later in the block.
      const from = this.sender(ETH + gas * MAX_FEE);
      const to = this.fresh();
      this.add('transfer-to-fresh', from, to, { value: ETH, gas });
      this.fundedInBlock.push({ address: to, funds: ETH });
    } else if (r < 0.35 && this.fundedInBlock.some((s) => s.funds >= 10n ** 9n)) {
      // Spend what an earlier transaction sent; half of it goes to a fresh account, which may pass it on in turn.
      const from = this.sender(10n ** 9n, true);
      const amount = from.funds / 2n - gas * MAX_FEE;
      const to = this.rnd() < 0.7 ? this.fresh() : this.pick(this.senders).address;
      this.add('transfer-from-funded', from, to, { value: amount, gas });
      if (to[0] === 0xf0) this.fundedInBlock.push({ address: to, funds: amount });
    } else if (r < 0.45) {
      this.add('transfer-to-coinbase', this.sender(value + gas * MAX_FEE), this.coinbase, { value, gas });
    } else if (r < 0.55) {
      // Code runs (an actor with empty calldata returns), or reverts (the token has no receive function).
      const to = this.rnd() < 0.7 ? this.pick(this.actors) : this.token;
      this.add('transfer-to-contract', this.sender(value + 60_000n * MAX_FEE), to, { value, gas: 60_000n });
    } else if (r < 0.6) {
      this.add('transfer-zero', this.sender(gas * MAX_FEE), this.anyAddress(), { gas: 60_000n });
    } else {
      const from = this.sender(value + 40_000n * MAX_FEE);
      const t = this.rnd();
      if (t < 0.3) this.add('transfer', from, this.anyAddress(), { value, gas: 40_000n }); // code may run there
      else this.add('transfer', from, t < 0.4 ? from.address : this.pick(this.senders).address, { value, gas });
    }
  }

  erc20(): void {
    const r = this.rnd();
    const amount = BigInt(this.int(3000));
    const gas = 120_000n;
    const holderAddress = this.holders.length > 0 && this.rnd() < 0.9 ? this.pick(this.holders) : null;
    const holder = this.senders.find((s) => s.address === holderAddress) ?? this.pick(this.senders);
    if (r < 0.55) {
      this.add('erc20-transfer', holder, this.token, { data: concat(TRANSFER, word(this.anyAddress()), word(amount)), gas });
    } else if (r < 0.75) {
      const spender = this.pick(this.senders);
      this.add('erc20-approve', holder, this.token, { data: concat(APPROVE, word(spender.address), word(amount)), gas });
      this.allowances.push({ owner: holder.address, spender });
    } else {
      // Mostly a spender with an allowance (which may be too small), else anyone.
      const pair = this.allowances.length > 0 && this.rnd() < 0.8 ? this.pick(this.allowances) : { owner: holder.address, spender: this.sender(gas * MAX_FEE) };
      this.add('erc20-transferFrom', pair.spender, this.token, { data: concat(TRANSFER_FROM, word(pair.owner), word(this.anyAddress()), word(amount / 3n)), gas });
    }
  }

  /** A random actor program; `depth` bounds nested calls. Returns its words and what it ends in. */
  program(actor: Uint8Array, depth: number): { words: Uint8Array[]; kind: TxKind; iterations: number } {
    const words: Uint8Array[] = [];
    let iterations = 0;
    const created: number[] = [];
    const steps = 1 + this.int(6);
    for (let i = 0; i < steps; i++) {
      const r = this.rnd();
      const slot = this.pick(this.slots);
      if (r < 0.2) words.push(opWord('add', BigInt(1 + this.int(100)), slot));
      else if (r < 0.3) words.push(opWord('set', BigInt(this.int(3)), slot)); // sometimes zero: clears the slot
      else if (r < 0.45) words.push(opWord('read', 0n, slot));
      else if (r < 0.55) words.push(opWord('save', 0n, slot));
      else if (r < 0.62) words.push(opWord('log', BigInt(this.int(1 << 20)), slot));
      else if (r < 0.7) words.push(opWord('balance', 0n, this.rnd() < 0.5 ? this.coinbase : this.anyAddress()));
      else if (r < 0.78) {
        const n = this.int(400);
        iterations += n;
        words.push(opWord('hash', BigInt(n), 0n));
      } else if (r < 0.82 && this.fork.eips.has(1153)) words.push(opWord('transient', 0n, BigInt(this.int(3))));
      else if (r < 0.86) words.push(opWord('codehash', 0n, this.rnd() < 0.5 ? this.coinbase : this.anyAddress())); // tells an empty account from none
      else if (r < 0.89) words.push(opWord('selfbalance', 0n, 0n));
      else if (r < 0.93) words.push(opWord('create', BigInt(this.int(2)), 0n));
      else {
        const salt = this.pick(this.salts);
        created.push(salt);
        words.push(opWord('create2', 0n, BigInt(salt)));
      }
    }
    const end = this.rnd();
    if (end < 0.06) return { words: [...words, opWord('revert', 0n, 0n)], kind: 'actor-revert', iterations };
    if (end < 0.09) return { words: [...words, opWord('invalid', 0n, 0n)], kind: 'actor-invalid', iterations };
    if (end < 0.11) return { words: [...words, opWord('spin', 0n, 0n)], kind: 'actor-oog', iterations };
    if (end < 0.17) {
      const to = this.rnd() < 0.2 ? actor : this.anyAddress();
      return { words: [...words, opWord('selfdestruct', 0n, to)], kind: 'actor-selfdestruct', iterations };
    }
    if (end < 0.22 && created.length > 0) {
      // Call the child just made with no data: it self-destructs in the transaction that created it (EIP-6780: deleted).
      const child = create2Address(actor, created[0], CHILD_INIT);
      return { words: [...words, opWord('call', 0n, child)], kind: 'actor-create2-destroy', iterations };
    }
    if (end < 0.45) {
      const c = this.rnd();
      const value = this.rnd() < 0.3 ? BigInt(this.int(1000)) : 0n;
      let to: Uint8Array;
      let rest: Uint8Array[] = [];
      if (c < 0.4 && depth < 2) {
        to = this.pick(this.actors);
        const sub = this.program(to, depth + 1);
        iterations += sub.iterations;
        rest = sub.words;
      } else if (c < 0.6) {
        to = this.token;
        rest = [concat(TRANSFER, word(this.anyAddress()), word(BigInt(this.int(20_000))))];
      } else if (c < 0.75) {
        to = this.factory;
        rest = [word(BigInt(1 + this.int(2))), word(BigInt(this.pick(this.salts)))];
      } else if (c < 0.85) {
        to = create2Address(this.factory, this.pick(this.salts), CHILD_INIT);
        rest = this.rnd() < 0.5 ? [word(BigInt(this.int(100)))] : [];
      } else to = this.anyAddress();
      return { words: [...words, opWord('call', value, to), ...rest], kind: 'actor-call', iterations };
    }
    return { words, kind: 'actor', iterations };
  }

  actorCall(): void {
    const delegated = this.delegated !== null && this.rnd() < 0.15;
    const to = delegated ? this.delegated! : this.pick(this.actors);
    const p = this.program(to, 0);
    // Generous gas, or now and then too little (out of gas part way).
    const gas = this.rnd() < 0.08 ? BigInt(25_000 + this.int(40_000)) : 400_000n + BigInt(p.iterations) * 150n;
    const value = this.rnd() < 0.2 ? BigInt(this.int(10_000)) : 0n;
    this.add(delegated ? 'call-delegated' : p.kind, this.sender(value + gas * MAX_FEE), to, { value, data: concat(...p.words), gas });
  }

  factoryCall(): void {
    const op = this.rnd() < 0.6 ? 1 : 2; // 1 deploys, 2 deploys and self-destructs in the same transaction
    this.add(op === 1 ? 'factory-create2' : 'factory-create-destroy', this.sender(300_000n * MAX_FEE), this.factory, { data: concat(word(BigInt(op)), word(BigInt(this.pick(this.salts)))), gas: 300_000n });
  }

  childCall(): void {
    const child = create2Address(this.factory, this.pick(this.salts), CHILD_INIT);
    const write = this.rnd() < 0.6;
    this.add(write ? 'child-write' : 'child-selfdestruct', this.sender(100_000n * MAX_FEE), child, { data: write ? word(BigInt(this.int(1000))) : undefined, gas: 100_000n });
  }

  creation(): void {
    const r = this.rnd();
    const value = this.rnd() < 0.3 ? BigInt(this.int(100_000)) : 0n;
    const from = this.sender(value + 600_000n * MAX_FEE);
    if (r < 0.3) this.add('create', from, null, { value, data: CHILD_INIT, gas: 200_000n });
    else if (r < 0.5) {
      // An actor deployed in the block; later transactions may call it.
      this.actors.push(createAddress(from.address, this.nextNonce(from.address)));
      this.add('create-actor', from, null, { value, data: deployer(ACTOR_CODE), gas: 600_000n });
    } else if (r < 0.6) this.add('create-revert', from, null, { value, data: asm(0x77, 0, 'SSTORE', 32, 0, 'REVERT'), gas: 100_000n });
    else if (r < 0.75) this.add('create-destroy', from, null, { value, data: asm(0x55, 1, 'SSTORE', BigInt('0x' + bytesToKey(this.anyAddress())), 'SELFDESTRUCT'), gas: 100_000n });
    else if (r < 0.85) this.add('create-oog', from, null, { value, data: this.rnd() < 0.5 ? asm('@l', '>l', 'JUMP') : asm(1, 1, 'SSTORE', 'INVALID'), gas: 80_000n });
    else {
      // The address is taken (EIP-7610: storage alone is enough; or a nonce, or code): the creation fails.
      const at = createAddress(from.address, this.nextNonce(from.address));
      const t = this.rnd();
      const storage = new Map([[bytesToKey(word(1n)), word(1n)]]);
      this.pre.putAccount(bytesToKey(at), t < 0.5 ? createAccount({ storage }) : t < 0.75 ? createAccount({ nonce: 1n }) : createAccount({ code: Uint8Array.of(0) }));
      this.add('create-collision', from, null, { value, data: CHILD_INIT, gas: 200_000n });
    }
  }

  /** EIP-7702: the delegated EOA points at an actor (or at nothing), sometimes with a stale nonce (skipped). */
  delegation(): void {
    const authority = this.delegated!;
    const sender = this.sender(200_000n * MAX_FEE);
    const target = this.rnd() < 0.85 ? this.pick(this.actors.slice(0, 2)) : new Uint8Array(20);
    const nonce = this.nextNonce(authority) + (this.rnd() < 0.1 ? 1n : 0n);
    const chainId = this.rnd() < 0.5 ? 0n : 1n;
    const msg = keccak(concat(Uint8Array.of(0x05), RLP.encode([bigintToMinimalBytes(chainId), target, bigintToMinimalBytes(nonce)])));
    const sig = secp256k1.sign(msg, this.delegatedKey!, { prehash: false, format: 'recovered' });
    const r = BigInt('0x' + bytesToKey(sig.subarray(1, 33)));
    const s = BigInt('0x' + bytesToKey(sig.subarray(33, 65)));
    if (nonce === this.nextNonce(authority)) this.nonces.set(bytesToKey(authority), nonce + 1n);
    const p = this.program(authority, 1);
    this.add('delegate-7702', sender, authority, { data: concat(...p.words), gas: 200_000n + BigInt(p.iterations) * 150n, authorizations: [{ chainId, address: target, nonce, yParity: BigInt(sig[0]), r, s }] });
  }

  /** A transaction the block cannot include: the block must be rejected at it. */
  invalid(): void {
    const r = this.rnd();
    const from = this.pick(this.senders);
    const next = this.nextNonce(from.address);
    if (r < 0.35) this.add('invalid-nonce-gap', from, this.pick(this.senders).address, { value: 1n, gas: 21_000n, nonce: next + 1n + BigInt(this.int(3)) });
    else if (r < 0.5 && next > 0n) this.add('invalid-nonce-reused', from, this.pick(this.senders).address, { value: 1n, gas: 21_000n, nonce: next - 1n });
    else {
      // A sender without the funds: a fresh account, or one that has too little right now.
      const poor = this.rnd() < 0.5 ? { address: this.fresh(), funds: 0n } : from;
      const value = this.pre.peekAccount(bytesToKey(poor.address))?.balance ?? 0n;
      this.add('invalid-balance', poor, this.pick(this.senders).address, { value: value + 10n ** 20n + 1n, gas: 21_000n });
    }
  }
}

/** Block `index` of the run seeded `seed`. */
export function randomBlock(seed: number, index: number): RandomBlock {
  const blockSeed = Number(BigInt('0x' + bytesToKey(keccak(Uint8Array.of(...word(BigInt(seed >>> 0)), ...word(BigInt(index))))).slice(0, 8)) & 0xffffffffn);
  const high = prng(blockSeed ^ 0x5eed)() < 0.5;
  const g = new Generator(blockSeed, high);
  const size = g.rnd();
  const n = 8 + g.int(size < 0.5 ? 16 : size < 0.95 ? 56 : 200);
  const invalidAt = g.rnd() < 0.1 ? g.int(n) : -1;
  for (let i = 0; i < n; i++) {
    if (i === invalidAt) {
      g.invalid();
      continue;
    }
    const r = g.rnd();
    if (r < 0.25) g.transfer();
    else if (r < 0.45) g.erc20();
    else if (r < 0.75) g.actorCall();
    else if (r < 0.81) g.factoryCall();
    else if (r < 0.86) g.childCall();
    else if (r < 0.95 || g.delegated === null) g.creation();
    else g.delegation();
  }
  const fork = g.fork;
  const header: BlockHeader = {
    parentHash: keccak(word(BigInt(blockSeed))), ommersHash: EMPTY_OMMERS_HASH, coinbase: g.coinbase, stateRoot: new Uint8Array(32),
    transactionsRoot: new Uint8Array(32), receiptsRoot: new Uint8Array(32), logsBloom: new Uint8Array(256),
    difficulty: 0n, number: 20_000_000n + BigInt(index), gasLimit: 60_000_000n, gasUsed: 0n, timestamp: 1_720_000_000n + BigInt(index) * 12n,
    extraData: new Uint8Array(0), mixHash: keccak(word(BigInt(index))), nonce: new Uint8Array(8), baseFeePerGas: fork.eips.has(1559) ? BASE_FEE : undefined,
    withdrawalsRoot: new Uint8Array(32), blobGasUsed: 0n, excessBlobGas: 0n, parentBeaconBlockRoot: new Uint8Array(32).fill(3),
  };
  const withdrawals = fork.eips.has(4895) && g.rnd() < 0.3 ? [{ index: 0n, validatorIndex: 1n, address: g.pick(g.senders).address, amount: 5n }] : [];
  return {
    name: `random-${seed}-${index}`,
    description: `${n} random transactions (${high ? 'high' : 'low'} conflict, ${fork.name})`,
    seed, index, fork, pre: g.pre, kinds: g.kinds,
    block: { header, transactions: g.txs, uncles: [], withdrawals },
    // The system contracts of Prague's requests (EIP-7002, EIP-7251) are not in these pre-states.
    options: { fork, requireSystemContracts: false },
  };
}
