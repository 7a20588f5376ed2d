// In-memory world state: accounts keyed by address, each with its own storage, and the
// state root over them (Yellow Paper, section 4.1).
//
// Keys: an address is bytesToKey(address20) (40 lowercase hex digits, no 0x); a slot
// is bytesToKey(slot32) (64 digits). Stored values are 32-byte big-endian and never
// all-zero: writing zero deletes the slot.
//
// copy() is copy-on-write per account: both states share Account objects until one of
// them touches an account (getAccount, a write, accounts()), which clones it first. So
// an Account obtained from getAccount() may be mutated in place, and only that state
// sees it.
//
// stateRoot() keeps the state trie, and each storage map its storage trie, from one
// root to the next (copies share them): a root rehashes only the paths of the accounts
// and slots written since, plus those that may have been changed in place.

import { keccak256 } from '../util/keccak.js';
import {
  InputError,
  bigintToBytes,
  bytesToBigint,
  bytesToHex,
  bytesToKey,
  equalBytes,
  hexToBytes,
  parseQuantity,
  quantityToHex,
} from '../util/hex.js';
import { EMPTY_TRIE_ROOT, Trie, nibble, rlpHeaderSize, stringSize, writeRlpHeader, writeString } from './trie.js';

export { EMPTY_TRIE_ROOT };

/** keccak256 of empty code. */
export const EMPTY_CODE_HASH: Uint8Array = keccak256(new Uint8Array(0));

/**
 * The code hash in buf[at, at + 32): EMPTY_CODE_HASH itself when it is that (most
 * accounts have no code; one shared array instead of a copy each, which write sets and
 * results would keep alive to the end of a block), else a copy.
 */
export function codeHashAt(buf: Uint8Array, at: number): Uint8Array {
  return isHashAt(buf, at, EMPTY_CODE_HASH) ? EMPTY_CODE_HASH : buf.slice(at, at + 32);
}

/** Whether buf[at, at + 32) is `hash` (no copy made). */
export function isHashAt(buf: Uint8Array, at: number, hash: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (buf[at + i] !== hash[i]) return false;
  return true;
}

/** Empty code, shared: an account's code is replaced, never changed in place. */
export const NO_CODE: Uint8Array = new Uint8Array(0);

export interface Account {
  nonce: bigint;
  balance: bigint;
  code: Uint8Array;
  codeHash: Uint8Array;
  storage: Map<string, Uint8Array>;
}

/** Map's own methods, for StorageMap's contents changed without its bookkeeping (a clone, an undo). */
const mapSet = Map.prototype.set;
const mapDelete = Map.prototype.delete;

/**
 * A storage map that keeps its trie from the last root and the slots written since,
 * whether through WorldState methods or through the Map itself, so the next root only
 * rehashes the paths of those slots.
 */
class StorageMap extends Map<string, Uint8Array> {
  trie: Trie = Trie.EMPTY;
  /** Slots written since `trie` was made; null: unknown, build the trie from all slots. */
  touched: Set<string> | null = null;
  /**
   * Under a WorldState checkpoint, for the storage of an account changed in place: each
   * slot's value before its first change (undefined: absent), and `trie` and `touched`
   * then; revert() puts them back (undoInto).
   */
  undo: StorageUndo | null = null;
  /**
   * Slots changed since a reader of this map last took them (takeStorageLog: the
   * parallel executor's snapshot, which then updates only those); null: not logged, or
   * unknown (after clear(), or grown past the map's size).
   */
  logged: Set<string> | null = null;

  override set(key: string, value: Uint8Array): this {
    if (this === EMPTY_STORAGE) throw sharedEmptyStorage();
    this.changing(key);
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    if (this === EMPTY_STORAGE) throw sharedEmptyStorage();
    this.changing(key);
    return super.delete(key);
  }

  /** Notes that `key` is about to change: for the next root, a pending undo and the log. */
  private changing(key: string): void {
    this.touched?.add(key); // undefined while Map's constructor adds the initial entries
    const u = this.undo;
    if (u && !u.slots.has(key)) u.slots.set(key, super.get(key));
    if (this.logged) this.log(key);
  }

  override clear(): void {
    if (this === EMPTY_STORAGE) throw sharedEmptyStorage();
    const u = this.undo;
    if (u) for (const [key, value] of this) if (!u.slots.has(key)) u.slots.set(key, value);
    this.trie = Trie.EMPTY;
    this.touched = null;
    this.logged = null;
    super.clear();
  }

  private log(key: string): void {
    const logged = this.logged!;
    logged.add(key);
    // A log as long as the map saves its reader nothing: stop it (and bound its memory).
    if (logged.size > 1024 && logged.size > this.size) this.logged = null;
  }

  /** Starts recording what undoInto() needs to bring this storage back to how it is now. */
  startUndo(): void {
    this.undo = { slots: new Map(), trie: this.trie, touched: this.touched && new Set(this.touched) };
  }

  /** Stops recording, and gives `into` (this storage, or a copy of it) the contents and trie of startUndo(). */
  undoInto(into: StorageMap): void {
    const u = this.undo!;
    this.undo = null;
    for (const [key, value] of u.slots) {
      if (value === undefined) mapDelete.call(into, key);
      else mapSet.call(into, key, value);
      if (into.logged) into.log(key);
    }
    into.trie = u.trie;
    into.touched = u.touched;
  }

  root(): Uint8Array {
    const touched = this.touched;
    if (touched === null || touched.size > 0) {
      const changes = new Map<string, Uint8Array | null>();
      if (touched === null) {
        this.trie = Trie.EMPTY;
        for (const [slot, value] of this) changes.set(hashedKey(slot), slotValue(value));
      } else for (const slot of touched) changes.set(hashedKey(slot), slotValue(super.get(slot)));
      this.trie = this.trie.update(changes);
      this.touched = new Set();
    }
    return this.trie.root();
  }
}

/**
 * The storage of every account without storage that the state made itself (created by
 * a write set, a credit, or cloned from an account without storage), shared instead of
 * an empty map each: a map is about 190 bytes, and a block of 10,000 transfers made
 * 20,000 of them, 40% of all it kept. Never changed: a write to such an account's
 * storage gives it a map of its own first (WorldState.storageToWrite), and so does
 * handing the account out for change (getAccount, accounts()).
 */
const EMPTY_STORAGE = new StorageMap();
EMPTY_STORAGE.touched = new Set(); // its root is the empty trie's, with nothing to rehash

function sharedEmptyStorage(): Error {
  return new Error('the shared empty storage map cannot be changed: write storage through WorldState.putStorage, or take the account with getAccount() (peekAccount() gives it read-only)');
}

/** What revert() puts back at an address. */
interface Undo {
  /** The account there at the first change under the checkpoint (undefined: absent). */
  account: Account | undefined;
  /** The state owned it then. */
  owned: boolean;
  /**
   * Changed in place (it was owned): its fields then, and its storage map (which keeps
   * its own undo, unless it is EMPTY_STORAGE: then the account gets it back).
   */
  fields: { nonce: bigint; balance: bigint; code: Uint8Array; codeHash: Uint8Array; storage: Map<string, Uint8Array> } | null;
}

/**
 * Starts a log of the slots of `storage` (an account's, in a state) changed from now on,
 * for takeStorageLog.
 */
export function startStorageLog(storage: Map<string, Uint8Array>): void {
  if (storage instanceof StorageMap) storage.logged = new Set();
}

/**
 * The slots of `storage` changed since startStorageLog or the last call (the log starts
 * again empty); null when they are not known: not logged, cleared since, or more than
 * the map holds.
 */
export function takeStorageLog(storage: Map<string, Uint8Array>): ReadonlySet<string> | null {
  if (!(storage instanceof StorageMap) || storage.logged === null) return null;
  const logged = storage.logged;
  storage.logged = new Set();
  return logged;
}

interface StorageUndo {
  slots: Map<string, Uint8Array | undefined>;
  trie: Trie;
  touched: Set<string> | null;
}

/** A slot's value in the storage trie: RLP of the value without leading zeros (null: absent). */
function slotValue(value: Uint8Array | undefined): Uint8Array | null {
  if (value === undefined) return null;
  let i = 0;
  while (i < value.length && value[i] === 0) i++;
  if (i === value.length) return null; // zero values are absent from the trie
  const v = value.subarray(i);
  const out = new Uint8Array(stringSize(v));
  writeString(out, 0, v);
  return out;
}

/** A new account; codeHash is computed from code. */
export function createAccount(fields: Partial<Omit<Account, 'codeHash'>> = {}): Account {
  const code = fields.code ?? new Uint8Array(0);
  return {
    nonce: fields.nonce ?? 0n,
    balance: fields.balance ?? 0n,
    code,
    codeHash: code.length === 0 ? EMPTY_CODE_HASH : keccak256(code),
    storage: toStorageMap(fields.storage),
  };
}

/**
 * A new account with empty storage, its code hash as given (computed by the caller),
 * for WorldState.putAccount: its storage is the shared empty map, not to be changed
 * through the object (the state gives it a map of its own when its storage is written).
 */
export function accountWith(nonce: bigint, balance: bigint, code: Uint8Array, codeHash: Uint8Array): Account {
  return { nonce, balance, code, codeHash, storage: EMPTY_STORAGE };
}

function toStorageMap(m: Map<string, Uint8Array> | undefined): StorageMap {
  if (m instanceof StorageMap) return m;
  const s = new StorageMap();
  if (m) for (const [k, v] of m) s.set(k, v);
  return s;
}

// A clone's trie body is not carried over (bodies): it is cloned for change, so the next
// root encodes it afresh as a touched account.
function cloneAccount(a: Account): Account {
  return { nonce: a.nonce, balance: a.balance, code: a.code, codeHash: a.codeHash, storage: a.storage.size === 0 ? EMPTY_STORAGE : cloneStorage(a.storage) };
}

function cloneStorage(from: Map<string, Uint8Array>): StorageMap {
  // Not through Map's constructor: it takes the iterator protocol (an entry array and a
  // result object per slot) and calls StorageMap's set for each; a contract's storage
  // cloned on its first write in a copied state was a quarter of what a block of swaps allocated.
  const storage = new StorageMap();
  from.forEach((value, key) => mapSet.call(storage, key, value));
  // Same contents: the trie and the slots written since carry over (tries are immutable).
  if (from instanceof StorageMap) {
    storage.trie = from.trie;
    storage.touched = from.touched && new Set(from.touched);
  }
  return storage;
}

function isZero(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

// keccak256 of address and slot keys, as hex. Keys recur across stateRoot() calls, so
// hashing each once pays; the caches are cleared when they grow past a bound.
const HASHED_KEY_LIMIT = 1 << 20;
const hashedKeys = new Map<string, string>();

function hashedKey(key: string): string {
  let h = hashedKeys.get(key);
  if (h === undefined) {
    if (hashedKeys.size >= HASHED_KEY_LIMIT) hashedKeys.clear();
    h = bytesToKey(keccak256(hexToBytes(key)));
    hashedKeys.set(key, h);
  }
  return h;
}

function storageRootOf(storage: Map<string, Uint8Array>): Uint8Array {
  return (storage instanceof StorageMap ? storage : toStorageMap(storage)).root();
}

// The last trie value encoded for each Account object, reused while its fields are
// unchanged: for the accounts a root verifies (after a copy, most are unchanged),
// remembered by a state's first root and by verification. An account touched since the
// last root is encoded afresh: it was handed out for change, and a WeakMap entry per
// account cost more than the encoding (about 2.5 us an account of (a), 20,000 a root).
const bodies = new WeakMap<Account, { nonce: bigint; balance: bigint; storageRoot: Uint8Array; codeHash: Uint8Array; body: Uint8Array }>();

/** accountBody, remembered for the account object (see bodies). */
function cachedAccountBody(a: Account): Uint8Array {
  const storageRoot = storageRootOf(a.storage);
  const c = bodies.get(a);
  if (c !== undefined && c.nonce === a.nonce && c.balance === a.balance && c.storageRoot === storageRoot && c.codeHash === a.codeHash) {
    return c.body;
  }
  const body = accountBody(a, storageRoot);
  bodies.set(a, { nonce: a.nonce, balance: a.balance, storageRoot, codeHash: a.codeHash, body });
  return body;
}

/** RLP([nonce, balance, storageRoot, codeHash]), the account's value in the state trie. */
function accountBody(a: Account, storageRoot = storageRootOf(a.storage)): Uint8Array {
  const nonce = a.nonce.toString(16);
  const balance = a.balance.toString(16);
  const payload = quantitySize(a.nonce, nonce) + quantitySize(a.balance, balance) + 66; // + two 32-byte strings
  const body = new Uint8Array(rlpHeaderSize(payload) + payload);
  let at = writeRlpHeader(body, 0, payload, 0xc0);
  at = writeQuantity(body, at, a.nonce, nonce);
  at = writeQuantity(body, at, a.balance, balance);
  at = writeString(body, at, storageRoot);
  writeString(body, at, a.codeHash);
  return body;
}

// RLP of a quantity (its minimal big-endian bytes) written from its hex digits `h`:
// one toString per field instead of a byte array each.

function quantitySize(n: bigint, h: string): number {
  return n < 0x80n ? 1 : 1 + ((h.length + 1) >> 1);
}

function writeQuantity(out: Uint8Array, at: number, n: bigint, h: string): number {
  if (n === 0n) out[at++] = 0x80;
  else if (n < 0x80n) out[at++] = Number(n);
  else {
    const len = (h.length + 1) >> 1; // at most 32 bytes: a one-byte header
    out[at++] = 0x80 + len;
    let d = 0;
    if (h.length & 1) out[at++] = nibble(h.charCodeAt(d++));
    for (; d < h.length; d += 2) out[at++] = (nibble(h.charCodeAt(d)) << 4) | nibble(h.charCodeAt(d + 1));
  }
  return at;
}

export class WorldState {
  private map = new Map<string, Account>();
  /** Accounts this state may mutate in place (not shared with a copy). */
  private owned = new Set<string>();
  /** The state trie as of the last stateRoot(). */
  private trie: Trie = Trie.EMPTY;
  /** Accounts put, deleted or handed out for change since `trie` was made; null: unknown, build the trie from all accounts. */
  private touched: Set<string> | null = null;
  /**
   * Accounts that may differ from `trie` without being touched: after a copy(), those
   * owned before it (an object handed out before may yet be changed in place). An owned
   * account handed out since the last root is touched (own()).
   */
  private unverified = new Set<string>();
  /** Between checkpoint() and revert(): what each changed address had before its first change. */
  private journal: Map<string, Undo> | null = null;
  /** A copy() was made since checkpoint(): it may share accounts changed in place, which revert() then leaves alone. */
  private copiedSinceCheckpoint = false;
  /** What revert() restores besides the accounts. */
  private saved: { trie: Trie; touched: Set<string> | null; unverified: Set<string> } | null = null;
  /** Accounts that may have changed since resetChanges() (null: not tracked). */
  private changed: Set<string> | null = null;

  /**
   * The account, cloned first if it is shared with a copy; undefined if absent. The
   * caller may change it in place until the next stateRoot(), copy() or checkpoint():
   * the next root rehashes it; after those, it must ask again.
   */
  getAccount(addr: string): Account | undefined {
    const a = this.own(addr);
    if (a !== undefined) this.storageToWrite(a);
    return a;
  }

  /**
   * As getAccount, for a change of the account's fields only (nonce, balance, code,
   * code hash): its storage may be the shared empty map, changed through putStorage and
   * clearStorage only. The state's own write paths take this one: getAccount gives an
   * account without storage a map of its own, in case its caller fills it.
   */
  getAccountFields(addr: string): Account | undefined {
    return this.own(addr);
  }

  /** The account without taking ownership: callers must not mutate it (the hot read path of execution). */
  peekAccount(addr: string): Readonly<Account> | undefined {
    return this.map.get(addr);
  }

  /**
   * Whether this state may still change the account object in place (it owns it). An
   * object it does not own is shared with a copy, and no state changes it any more: a
   * write clones it first. Caches keyed by account objects rely on this.
   */
  mayChange(addr: string): boolean {
    return this.owned.has(addr);
  }

  hasAccount(addr: string): boolean {
    return this.map.has(addr);
  }

  /** Replaces the account. codeHash is taken as given (createAccount computes it from code). */
  putAccount(addr: string, a: Account): void {
    if (!(a.storage instanceof StorageMap)) a = { ...a, storage: toStorageMap(a.storage) };
    this.remember(addr);
    this.map.set(addr, a);
    this.owned.add(addr);
    this.touched?.add(addr);
  }

  deleteAccount(addr: string): void {
    this.remember(addr);
    this.map.delete(addr);
    this.owned.delete(addr);
    this.touched?.add(addr);
  }

  /** Sets code and codeHash, creating an empty account if needed. */
  setCode(addr: string, code: Uint8Array): void {
    const a = this.ownOrCreate(addr);
    a.code = code;
    a.codeHash = code.length === 0 ? EMPTY_CODE_HASH : keccak256(code);
  }

  getStorage(addr: string, slot: string): Uint8Array | undefined {
    return this.map.get(addr)?.storage.get(slot);
  }

  /** Writes a 32-byte value; an all-zero value deletes the slot. Creates the account if needed. */
  putStorage(addr: string, slot: string, value: Uint8Array): void {
    if (isZero(value)) {
      const existing = this.map.get(addr);
      if (existing === undefined || !existing.storage.has(slot)) return;
      this.storageToWrite(this.own(addr)!).delete(slot);
    } else this.storageToWrite(this.ownOrCreate(addr)).set(slot, value);
  }

  clearStorage(addr: string): void {
    const existing = this.map.get(addr);
    if (existing === undefined || existing.storage.size === 0) return;
    this.storageToWrite(this.own(addr)!).clear();
  }

  /** All accounts (each cloned first if shared with a copy, so they may be mutated). */
  *accounts(): IterableIterator<[string, Account]> {
    for (const addr of [...this.map.keys()]) {
      const a = this.own(addr);
      if (a === undefined) continue;
      this.storageToWrite(a);
      yield [addr, a];
    }
  }

  /** All accounts, read-only (without taking ownership: no copy-on-write clone); callers must not mutate them. */
  peekAccounts(): IterableIterator<[string, Readonly<Account>]> {
    return this.map.entries();
  }

  get size(): number {
    return this.map.size;
  }

  /** An independent state: mutating either never affects the other (accounts are shared until written). */
  copy(): WorldState {
    const c = new WorldState();
    c.map = new Map(this.map);
    if (this.journal !== null) this.copiedSinceCheckpoint = true;
    // Accounts owned here may have changed since the last root; after the copy neither state owns them.
    if (this.touched !== null) for (const addr of this.owned) this.unverified.add(addr);
    this.owned.clear();
    c.trie = this.trie;
    c.touched = this.touched && new Set(this.touched);
    c.unverified = new Set(this.unverified);
    return c;
  }

  /**
   * Marks this state so that revert() can bring it back: what copy() gives, for the
   * price of the changes made in between rather than of every account (the parallel
   * executor's probe runs a block's first transactions for real, then the block runs
   * from its start; on a million accounts a copy took 0.5-0.9 s). An account this
   * state owns is changed in place, its fields and the old values of the slots written
   * kept aside (a contract's storage is not copied); one it shares with a copy is
   * cloned, as always, and the original kept. One mark at a time.
   */
  checkpoint(): void {
    if (this.journal !== null) throw new Error('WorldState.checkpoint: a checkpoint is already set');
    this.journal = new Map();
    this.copiedSinceCheckpoint = false;
    this.saved = { trie: this.trie, touched: this.touched && new Set(this.touched), unverified: new Set(this.unverified) };
  }

  /** Back to the state at checkpoint(): every account, the state trie and what it has to rehash. */
  revert(): void {
    const journal = this.journal;
    const saved = this.saved;
    if (journal === null || saved === null) throw new Error('WorldState.revert: no checkpoint');
    const copied = this.copiedSinceCheckpoint;
    for (const [addr, u] of journal) {
      let a = u.account;
      if (a !== undefined && u.fields !== null) {
        // Changed in place: its fields and slots put back (into a clone if a copy may hold it as it is).
        const storage = a.storage as StorageMap;
        if (copied) a = cloneAccount(a);
        // It had no storage: the map it got since goes (a clone of it must not keep the slots either).
        if (u.fields.storage === EMPTY_STORAGE) a.storage = EMPTY_STORAGE;
        else storage.undoInto(this.storageToWrite(a)); // (a clone of a map emptied since has the shared one)
        a.nonce = u.fields.nonce;
        a.balance = u.fields.balance;
        a.code = u.fields.code;
        a.codeHash = u.fields.codeHash;
      }
      if (a === undefined) this.map.delete(addr);
      else this.map.set(addr, a);
      // Owned as at the checkpoint, unless a copy since may share it (a restored clone is ours).
      if (copied ? u.fields !== null : u.owned) this.owned.add(addr);
      else this.owned.delete(addr);
    }
    this.trie = saved.trie;
    this.touched = saved.touched;
    this.unverified = saved.unverified;
    this.journal = null;
    this.saved = null;
  }

  /** Under a checkpoint, keeps the account `addr` had there before its first change; notes the change for changes(). */
  private remember(addr: string): void {
    const journal = this.journal;
    if (journal !== null && !journal.has(addr)) journal.set(addr, { account: this.map.get(addr), owned: this.owned.has(addr), fields: null });
    this.noteChange(addr);
  }

  private noteChange(addr: string): void {
    const changed = this.changed;
    if (changed === null) return;
    changed.add(addr);
    // Past a quarter of the accounts, a list of changes saves nothing over reading them all: stop keeping it.
    if (changed.size > 1024 && changed.size * 4 > this.map.size) this.changed = null;
  }

  /**
   * Starts (again) a list of the accounts changed from now on, for a cache of this
   * state that updates itself from it (the parallel executor's snapshot). Accounts a
   * pending checkpoint changed are listed too: revert() will change them back.
   */
  resetChanges(): void {
    this.changed = new Set(this.journal?.keys() ?? []);
  }

  /**
   * The accounts that may differ from the state at resetChanges() (those whose objects
   * were handed out for change count, changed or not); null when not tracked, or when
   * the list grew past a quarter of the accounts.
   */
  changes(): ReadonlySet<string> | null {
    return this.changed;
  }

  /** Root of the storage trie of `addr` (the empty root if absent). */
  storageRoot(addr: string): Uint8Array {
    const a = this.map.get(addr);
    return a === undefined ? EMPTY_TRIE_ROOT.slice() : storageRootOf(a.storage).slice();
  }

  /** Secure trie of RLP([nonce, balance, storageRoot, codeHash]) over all accounts, empty ones included. */
  stateRoot(): Uint8Array {
    const changes = new Map<string, Uint8Array | null>();
    // The first root remembers every account's body (a copy's first root verifies them:
    // see bodies); later ones encode the touched accounts afresh.
    const check = (addr: string, body: (a: Account) => Uint8Array): void => {
      const a = this.map.get(addr);
      changes.set(hashedKey(addr), a === undefined ? null : body(a));
    };
    if (this.touched === null) {
      this.trie = Trie.EMPTY;
      for (const addr of this.map.keys()) check(addr, cachedAccountBody);
    } else {
      for (const addr of this.touched) check(addr, accountBody);
      // Most of these are unchanged: look them up rather than sorting them into the update.
      const verify = (addr: string): void => {
        const a = this.map.get(addr);
        if (a === undefined || this.touched!.has(addr)) return;
        const key = hashedKey(addr);
        const body = cachedAccountBody(a);
        const old = this.trie.get(key);
        if (old === null || (old !== body && !equalBytes(old, body))) changes.set(key, body);
      };
      for (const addr of this.unverified) verify(addr);
    }
    this.trie = this.trie.update(changes);
    this.touched = new Set();
    this.unverified.clear();
    return this.trie.root().slice();
  }

  /**
   * Reads an ethereum/tests "pre"/"postState" object:
   * { "0xaddr": { balance, nonce, code, storage: { "0xslot": "0xvalue" } } }.
   * Quantities may carry leading zeros; storage keys and values are quantities of any
   * length; zero-valued slots are dropped. Missing fields default to zero/empty.
   */
  static fromJSON(pre: unknown, what = 'pre'): WorldState {
    if (pre === null || typeof pre !== 'object' || Array.isArray(pre)) throw new InputError(`${what}: expected an object of accounts`);
    const w = new WorldState();
    for (const [rawAddr, rawAcc] of Object.entries(pre as Record<string, unknown>)) {
      const where = `${what}[${rawAddr}]`;
      const addrBytes = hexToBytes(rawAddr, `${where} address`);
      if (addrBytes.length !== 20) throw new InputError(`${where} address: expected 20 bytes, got ${addrBytes.length}`);
      const addr = bytesToKey(addrBytes);
      if (w.map.has(addr)) throw new InputError(`${where}: address appears twice`);
      if (rawAcc === null || typeof rawAcc !== 'object' || Array.isArray(rawAcc)) throw new InputError(`${where}: expected an account object`);
      const acc = rawAcc as Record<string, unknown>;
      const nonce = acc.nonce === undefined ? 0n : parseQuantity(acc.nonce, `${where}.nonce`, 64);
      const balance = acc.balance === undefined ? 0n : parseQuantity(acc.balance, `${where}.balance`);
      const code = acc.code === undefined ? new Uint8Array(0) : hexToBytes(acc.code, `${where}.code`);
      const storage = new StorageMap();
      if (acc.storage !== undefined) {
        if (acc.storage === null || typeof acc.storage !== 'object' || Array.isArray(acc.storage)) {
          throw new InputError(`${where}.storage: expected an object of slots`);
        }
        for (const [rawSlot, rawValue] of Object.entries(acc.storage as Record<string, unknown>)) {
          const slot = parseQuantity(rawSlot, `${where}.storage key ${rawSlot}`);
          const value = parseQuantity(rawValue, `${where}.storage[${rawSlot}]`);
          const key = bytesToKey(bigintToBytes(slot, 32));
          if (storage.has(key)) throw new InputError(`${where}.storage: slot ${rawSlot} appears twice`);
          if (value !== 0n) storage.set(key, bigintToBytes(value, 32));
        }
      }
      w.putAccount(addr, createAccount({ nonce, balance, code, storage }));
    }
    return w;
  }

  /** The fromJSON format back, addresses and slots sorted, numbers as minimal hex. */
  toJSON(): Record<string, { balance: string; nonce: string; code: string; storage: Record<string, string> }> {
    const out: Record<string, { balance: string; nonce: string; code: string; storage: Record<string, string> }> = {};
    for (const addr of [...this.map.keys()].sort()) {
      const a = this.map.get(addr)!;
      const storage: Record<string, string> = {};
      for (const slot of [...a.storage.keys()].sort()) {
        const v = a.storage.get(slot)!;
        if (isZero(v)) continue;
        storage[quantityToHex(bytesToBigint(hexToBytes(slot)))] = quantityToHex(bytesToBigint(v));
      }
      out['0x' + addr] = { balance: quantityToHex(a.balance), nonce: quantityToHex(a.nonce), code: bytesToHex(a.code), storage };
    }
    return out;
  }

  /** This state's own copy of `addr` (cloning a shared one), or undefined. */
  private own(addr: string): Account | undefined {
    const a = this.map.get(addr);
    if (a === undefined) return a;
    // Handed out for change: the next root rehashes it (it need not check every owned account).
    this.touched?.add(addr);
    if (this.owned.has(addr)) {
      const journal = this.journal;
      if (journal !== null && !journal.has(addr)) {
        // Changed in place under a checkpoint: what revert() needs to undo it.
        journal.set(addr, { account: a, owned: true, fields: { nonce: a.nonce, balance: a.balance, code: a.code, codeHash: a.codeHash, storage: a.storage } });
        if (a.storage !== EMPTY_STORAGE) (a.storage as StorageMap).startUndo();
      }
      this.noteChange(addr);
      return a;
    }
    this.remember(addr);
    const c = cloneAccount(a);
    this.map.set(addr, c);
    this.owned.add(addr);
    return c;
  }

  /** The storage map of `a` (an account this state owns), its own one made first if it has the shared empty one. */
  private storageToWrite(a: Account): StorageMap {
    if (a.storage === EMPTY_STORAGE) a.storage = new StorageMap();
    return a.storage as StorageMap;
  }

  private ownOrCreate(addr: string): Account {
    const a = this.own(addr);
    if (a !== undefined) return a;
    this.remember(addr);
    const c = createAccount();
    this.map.set(addr, c);
    this.owned.add(addr);
    this.touched?.add(addr);
    return c;
  }
}
