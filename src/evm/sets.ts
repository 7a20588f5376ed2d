// Read and write sets: the two outputs of a transaction's execution that
// commit, parallel validation and tracing consume.
import * as C from '../../assembly/shared/config.js';
import { addressKeyAt, slotKeyAt } from '../wasm/keys.js';
import type { Account, WorldState } from '../state/world.js';
import { ByteChunks } from '../util/chunks.js';
import { wordAt } from '../util/hex.js';
import { EMPTY_CODE_HASH, NO_CODE, accountWith, codeHashAt, isHashAt } from '../state/world.js';

/** Every location read from outside the transaction, in first-read order (keys as in WorldState). */
export interface ReadSet {
  accounts: string[];
  /** [address key, slot key] */
  storage: [string, string][];
  blockHashes: bigint[];
}

export interface AccountWrite {
  address: string;
  deleted: boolean;
  /** New nonce/balance/code hash (absent when only storage changed). */
  account?: { nonce: bigint; balance: bigint; codeHash: Uint8Array };
  code?: Uint8Array;
  /** Storage that existed before the transaction is gone (the account was created in it). */
  storageCleared: boolean;
  /** [slot key, 32-byte value]; a zero value deletes. */
  storage: [string, Uint8Array][];
}

export type WriteSet = AccountWrite[];

// A write-set record's fields (byte offsets; the format is in assembly/shared/config.ts):
// address, flags, and for an account not deleted its nonce, balance, code hash, code
// length and code, then the slot count and per slot its key and value.
const R_FLAGS = 20;
const R_NONCE = 24;
const R_DELETED_SIZE = 24;
const R_BALANCE = 32;
const R_CODE_HASH = 64;
const R_CODE_LENGTH = 96;
const R_CODE = 100;
const SLOT_SIZE = 64;

/**
 * The records of a write-set buffer (format in assembly/shared/config.ts), one at a
 * time, each field read when asked: parsing into objects, applying straight to a
 * state and the parallel executor's collection of writes walk it alike.
 */
export class WriteRecords {
  /** The whole of the buffer the records are in (offsets below are into it). */
  private buf: Uint8Array = new Uint8Array(0);
  private dv: DataView<ArrayBufferLike> = new DataView(this.buf.buffer);
  private o = 0;
  private end = 0;
  /** The current record: its first byte, flags (W_*), code length, first slot and slot count. */
  private at = 0;
  flags = 0;
  private codeLen = 0;
  private slots = 0;
  slotCount = 0;

  /** Starts on `len` bytes of `buf` from `start`. */
  reset(buf: Uint8Array, start: number, len: number): this {
    // Views of one buffer (kept write sets share chunks) share the cursor's views of it.
    if (buf.buffer !== this.buf.buffer) {
      this.buf = new Uint8Array(buf.buffer);
      this.dv = new DataView(buf.buffer);
    }
    this.o = buf.byteOffset + start;
    this.end = this.o + len;
    return this;
  }

  /** Moves to the next record; false after the last. */
  next(): boolean {
    const at = this.o;
    if (at >= this.end) return false;
    const dv = this.dv;
    this.at = at;
    this.flags = dv.getUint32(at + R_FLAGS, true);
    if (this.flags & C.W_DELETED) {
      this.slotCount = 0;
      this.o = at + R_DELETED_SIZE;
      return true;
    }
    this.codeLen = dv.getUint32(at + R_CODE_LENGTH, true);
    const s = at + R_CODE + this.codeLen;
    this.slotCount = dv.getUint32(s, true);
    this.slots = s + 4;
    this.o = this.slots + SLOT_SIZE * this.slotCount;
    return true;
  }

  address(): string {
    return addressKeyAt(this.buf, this.at);
  }

  /** The buffer the offsets below are into (the whole of it). */
  get bytes(): Uint8Array {
    return this.buf;
  }

  /** Offsets of the current record's address (20 bytes), nonce (u64 little-endian), balance (32 bytes big-endian) and code hash. */
  get addressAt(): number {
    return this.at;
  }

  get nonceAt(): number {
    return this.at + R_NONCE;
  }

  get balanceAt(): number {
    return this.at + R_BALANCE;
  }

  get codeHashAt(): number {
    return this.at + R_CODE_HASH;
  }

  /** Offset and length of new code (with W_CODE). */
  get codeAt(): number {
    return this.at + R_CODE;
  }

  get codeLength(): number {
    return this.codeLen;
  }

  /** Offset of slot `i`'s key (32 bytes); its value follows. */
  slotAt(i: number): number {
    return this.slots + SLOT_SIZE * i;
  }

  /** Offset just past the current record. */
  get recordEnd(): number {
    return this.o;
  }

  nonce(): bigint {
    return this.dv.getBigUint64(this.nonceAt, true);
  }

  balance(): bigint {
    return wordAt(this.dv, this.balanceAt);
  }

  codeHash(): Uint8Array {
    return codeHashAt(this.buf, this.codeHashAt);
  }

  /** Whether the code hash is `hash` (no copy made). */
  codeHashIs(hash: Uint8Array): boolean {
    return isHashAt(this.buf, this.codeHashAt, hash);
  }

  /** New code (with W_CODE): a copy. */
  code(): Uint8Array {
    return this.buf.slice(this.codeAt, this.codeAt + this.codeLen);
  }

  slotKey(i: number): string {
    return slotKeyAt(this.buf, this.slotAt(i));
  }

  /** A slot's value: a copy (the buffer is the WASM's, reused by the next transaction). */
  slotValue(i: number): Uint8Array {
    const o = this.slotAt(i) + 32;
    return this.buf.slice(o, o + 32);
  }
}

/** The cursors of applyWriteSetBytes and parseWriteSet (neither runs inside the other). */
const applying = new WriteRecords();
const parsing = new WriteRecords();

/**
 * Parses the WASM's write-set buffer (format in assembly/shared/config.ts): `len`
 * bytes of `buf` from `start` (WASM memory itself: values are copied out).
 */
export function parseWriteSet(buf: Uint8Array, start = 0, len = buf.length - start): WriteSet {
  const out: WriteSet = [];
  const r = parsing.reset(buf, start, len);
  while (r.next()) {
    const address = r.address();
    const flags = r.flags;
    if (flags & C.W_DELETED) {
      out.push({ address, deleted: true, storageCleared: true, storage: [] });
      continue;
    }
    const w: AccountWrite = { address, deleted: false, storageCleared: (flags & C.W_STORAGE_CLEARED) !== 0, storage: [] };
    if (flags & C.W_ACCOUNT) w.account = { nonce: r.nonce(), balance: r.balance(), codeHash: r.codeHash() };
    if (flags & C.W_CODE) w.code = r.code();
    for (let i = 0; i < r.slotCount; i++) w.storage.push([r.slotKey(i), r.slotValue(i)]);
    out.push(w);
  }
  return out;
}

/** Applies a write set to a world state. */
export function applyWriteSet(state: WorldState, ws: WriteSet): void {
  for (const w of ws) {
    if (w.deleted) {
      state.deleteAccount(w.address);
      continue;
    }
    const next = w.account;
    if (next) {
      const a = state.getAccountFields(w.address);
      const code = w.code ?? (a !== undefined && isHashAt(next.codeHash, 0, a.codeHash) ? a.code : NO_CODE);
      putAccountFields(state, w.address, a, next.nonce, next.balance, code, next.codeHash, w.storageCleared);
    }
    for (const [slot, value] of w.storage) state.putStorage(w.address, slot, value);
  }
}

/**
 * Applies the write-set buffer `len` bytes of `buf` from `start` straight to a state,
 * as parseWriteSet and applyWriteSet would, without the objects (the sequential
 * executor's path: a transaction's objects would live as long as its result).
 */
export function applyWriteSetBytes(state: WorldState, buf: Uint8Array, start = 0, len = buf.length - start): void {
  const r = applying.reset(buf, start, len);
  while (r.next()) {
    const address = r.address();
    const flags = r.flags;
    if (flags & C.W_DELETED) {
      state.deleteAccount(address);
      continue;
    }
    if (flags & C.W_ACCOUNT) {
      const a = state.getAccountFields(address);
      // An unchanged code hash is the account's own array, not a copy.
      const same = a !== undefined && r.codeHashIs(a.codeHash);
      const code = flags & C.W_CODE ? r.code() : same ? a!.code : NO_CODE;
      putAccountFields(state, address, a, r.nonce(), r.balance(), code, same ? a!.codeHash : r.codeHash(), (flags & C.W_STORAGE_CLEARED) !== 0);
    }
    for (let i = 0; i < r.slotCount; i++) state.putStorage(address, r.slotKey(i), r.slotValue(i));
  }
}

/**
 * An account write's fields into the state: `a` is the account there (getAccount: in
 * place, cloned first if shared with a copy; no second object per write), undefined
 * to create it. `code` is the account's code after the write.
 */
export function putAccountFields(state: WorldState, address: string, a: Account | undefined, nonce: bigint, balance: bigint, code: Uint8Array,
  codeHash: Uint8Array, storageCleared: boolean): void {
  if (a === undefined) {
    state.putAccount(address, accountWith(nonce, balance, code, code.length === 0 ? EMPTY_CODE_HASH : codeHash));
    return;
  }
  a.nonce = nonce;
  a.balance = balance;
  a.code = code;
  a.codeHash = code.length === 0 ? EMPTY_CODE_HASH : codeHash;
  if (storageCleared) state.clearStorage(address);
}

const kept = new ByteChunks();

/**
 * A copy of `len` bytes of `buf` from `start` (the WASM's write-set buffer, which the
 * next transaction reuses) that a result can keep (a view of a shared chunk).
 */
export function keepWriteSetBytes(buf: Uint8Array, start: number, len: number): Uint8Array {
  return kept.copy(buf, start, len);
}

/**
 * A write set kept in an encoding until someone reads it: `parse` makes its objects,
 * `applyTo` applies it to a state without them. (The WASM's own bytes are kept as a
 * Uint8Array, see keepWriteSetBytes.)
 */
export interface PendingWriteSet {
  parse(): WriteSet;
  applyTo(state: WorldState): void;
}

const PENDING_WRITES = Symbol('writeSet');
type HasWriteSet = { writeSet: WriteSet; [PENDING_WRITES]?: WriteSet | Uint8Array | PendingWriteSet };

/**
 * result.writeSet as an accessor that parses the kept encoding on first read. One
 * shared descriptor, defined in the same place on every result, keeps results on one
 * hidden class (as the Evm's lazy logs do).
 */
const LAZY_WRITE_SET: PropertyDescriptor & ThisType<HasWriteSet> = {
  get(): WriteSet {
    const w = this[PENDING_WRITES]!;
    if (Array.isArray(w)) return w;
    return (this[PENDING_WRITES] = w instanceof Uint8Array ? parseWriteSet(w) : w.parse());
  },
  set(v: WriteSet) {
    this[PENDING_WRITES] = v;
  },
  enumerable: true,
  configurable: true,
};

/**
 * Sets result.writeSet from an encoding of it: its objects (an address key, an account
 * and a storage list per account) are made only if someone reads it, and applying it
 * (applyResultWriteSet) needs none. A block's results then do not keep those objects
 * alive to its end.
 */
export function putWriteSet(result: { writeSet: WriteSet }, encoded: Uint8Array | PendingWriteSet): void {
  (result as HasWriteSet)[PENDING_WRITES] = encoded;
  Object.defineProperty(result, 'writeSet', LAZY_WRITE_SET);
}

/** The WASM's bytes of a result's write set (keepWriteSetBytes), while nobody has read or replaced its objects; else undefined. */
export function writeSetBytesOf(result: { writeSet: WriteSet }): Uint8Array | undefined {
  const pending = (result as HasWriteSet)[PENDING_WRITES];
  return pending instanceof Uint8Array ? pending : undefined;
}

/** Applies a result's write set to `state`: from its encoding while nobody has read (or replaced) its objects. */
export function applyResultWriteSet(state: WorldState, result: { writeSet: WriteSet }): void {
  const pending = (result as HasWriteSet)[PENDING_WRITES];
  if (pending === undefined || Array.isArray(pending)) applyWriteSet(state, result.writeSet);
  else if (pending instanceof Uint8Array) applyWriteSetBytes(state, pending);
  else pending.applyTo(state);
}
