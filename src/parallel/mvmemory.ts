// Block-STM's multi-version memory (Gelashvili et al., 2022, section 3) in shared
// memory: for each location, the values written by the block's transactions, indexed
// by transaction, so that transaction j reads the write of the highest i < j (or the
// pre-state snapshot). Layout in README.md, "Multi-version memory".
//
// Locations:
//   ACCOUNT(a)     exists, nonce, balance, code hash and code of an account;
//   STORAGE(a, s)  a storage slot;
//   META(a)        storage-wide events: CLEAR (the account was deleted or created
//                  over, its old storage is gone) and NZ (nonzero storage written while
//                  the account has nonce 0 and no code: EIP-7610 collisions). Created
//                  with ACCOUNT(a), as the next record (not in the hash table).
// An entry is an absolute value (ABS), an ESTIMATE (its incarnation was aborted: a
// reader waits for the transaction instead of reading a value about to change), or for
// ACCOUNT a balance DELTA: a credit applied at commit without reading the balance
// (fees to the block's fee recipient). A reader of the full account sums the deltas
// above the highest absolute value.
//
// Each location's entries form a list sorted by descending transaction, guarded by a
// mutex in the location record. Location records are found through a hash table of
// chains: a bucket holds the newest record pushed on it, each record the one before
// (L_NEXT); a record is pushed lock-free (compare-and-swap of the bucket). Chains let
// the table be sized for the locations a block is likely to use, not for the most it
// could (a bound from its gas limits: 1M on (c), of which it uses 16,000): a table
// that large made every look-up a cache miss. Entries, read logs and code live in a
// bump-allocated arena; nothing is freed during a block.

import { EMPTY_CODE_HASH } from '../state/world.js';
import { lock, unlock } from './atomics.js';
import { hashWords, nextPow2 } from './keys.js';
import { C_ARENA_TOP, C_LOC_COUNT } from './layout.js';
import {
  SA_BALANCE, SA_CODE_HASH, SA_CODE_LEN, SA_CODE_OFF, SA_FLAGS, SA_NONCE_HI, SA_NONCE_LO, SF_HAS_STORAGE, type Snapshot,
} from './snapshot.js';

export const K_ACCOUNT = 1;
export const K_STORAGE = 2;
export const K_META = 3;

// Location record (words).
const L_LOCK = 0;
const L_HEAD = 1; // arena word offset of the highest entry, 0 = none
const L_KIND = 2;
/**
 * The location's highest entry that is not a DELTA (0: none; changed under the mutex).
 * A code read below no such entry, or above it, needs no walk: deltas never change
 * code, and a plain transfer reads its recipient's code, which for a deposit address
 * or the fee recipient meant walking every earlier credit (777,000 entries walked by
 * the committing thread's lane alone in block 14396881, 1,346 transactions).
 */
const L_TOP_FULL = 3;
export const L_KEY = 4; // address (5 words), then slot (8 words) for STORAGE
/**
 * Where the snapshot holds the location's pre-block value, found once when the record
 * is created: ACCOUNT, the account's record (-1: absent); STORAGE, the value's byte
 * offset (-1: zero).
 */
const L_SNAP = 17;
/** The record pushed on the same bucket before this one, + 1 (0: none). */
const L_NEXT = 18;
export const LOC_WORDS = 20;

// Entry (words).
const E_TX = 0;
const E_KIND = 1;
const E_NEXT = 2;
const E_INC = 3;
const E_VAL = 4;
export const EK_ABS = 1;
export const EK_DELTA = 2;
export const EK_ESTIMATE = 3;
const ENTRY_WORDS = [0, 4 + 22, 4 + 8, 4 + 2];

// An account value (words), in entries and in resolved form (RESOLVED_WORDS long).
export const AV_FLAGS = 0; // bit 0: exists
export const AV_CODE_SRC = 1;
export const AV_CODE_OFF = 2; // byte offset in the snapshot or arena
export const AV_CODE_LEN = 3;
export const AV_NONCE_LO = 4;
export const AV_NONCE_HI = 5;
export const AV_BALANCE = 6; // 8 words: 32 bytes big-endian (a DELTA's amount)
export const AV_CODE_HASH = 14; // 8 words
export const AV_WORDS = 22;
export const AV_HAS_STORAGE = 22; // resolved only: EIP-7610 (meaningful for nonce 0, no code)
export const RESOLVED_WORDS = 23;
export const CODE_NONE = 0;
export const CODE_SNAPSHOT = 1;
export const CODE_ARENA = 2;

export const META_CLEAR = 1;
export const META_NZ = 2;

/** "No blocking transaction": the read resolved. */
export const RESOLVED = -1;

export interface MvBuffers {
  locTable: SharedArrayBuffer;
  locRecords: SharedArrayBuffer;
  arena: SharedArrayBuffer;
  /** The table's buckets this block uses, a power of two (the buffer may have room for more: an earlier block's). */
  buckets: number;
}

/**
 * Buckets of the location table for a block of `transactions` with room for
 * `locations`: about one per location such a block is likely to use (eight a
 * transaction; measured: 4 on (a), 8 on (c), 10-15 on mainnet blocks). A block that
 * uses more only makes its chains longer.
 */
export function locationBuckets(transactions: number, locations: number): number {
  return nextPow2(Math.min(8 * transactions + 4096, 2 * locations));
}

/** Buffers sized for a block; `locations` bounds the distinct locations, `arenaBytes` all entries, logs and code. */
export function allocateMvBuffers(locations: number, buckets: number, arenaBytes: number): MvBuffers {
  return {
    locTable: new SharedArrayBuffer(buckets * 4),
    locRecords: new SharedArrayBuffer(locations * LOC_WORDS * 4),
    arena: new SharedArrayBuffer(arenaBytes),
    buckets,
  };
}

/**
 * Buffers of finished blocks, kept for the next: allocating tens of megabytes of
 * SharedArrayBuffer per block makes every isolate sharing them collect garbage.
 */
const spare: MvBuffers[] = [];

/**
 * Buffers at least this large, reused when a finished block left some. New ones are
 * made no smaller than the largest spare in either dimension, so that blocks asking
 * for more locations but less arena than an earlier one (or the reverse) stop
 * allocating after the first few: they did, 0.1-9 ms each, every time, on mainnet blocks.
 */
export function acquireMvBuffers(locations: number, buckets: number, arenaBytes: number): MvBuffers {
  // The smallest that fits (spare is largest first).
  const fits = (b: MvBuffers) => b.locRecords.byteLength >= locations * LOC_WORDS * 4 && b.locTable.byteLength >= buckets * 4 && b.arena.byteLength >= arenaBytes;
  let i = -1;
  for (let k = 0; k < spare.length; k++) if (fits(spare[k])) i = k;
  if (i >= 0) return { ...spare.splice(i, 1)[0], buckets };
  let tableBuckets = buckets;
  for (const b of spare) {
    locations = Math.max(locations, b.locRecords.byteLength / (LOC_WORDS * 4));
    tableBuckets = Math.max(tableBuckets, b.locTable.byteLength / 4);
    arenaBytes = Math.max(arenaBytes, b.arena.byteLength);
  }
  return { ...allocateMvBuffers(locations, tableBuckets, arenaBytes), buckets };
}

/**
 * Returns the buffers of a finished block (no worker may touch them any more); `used`
 * locations were allocated. The buckets it used and those records are cleared (the
 * arena needs no clearing: whatever is allocated from it is written first).
 */
export function releaseMvBuffers(b: MvBuffers, used: number): void {
  new Int32Array(b.locTable, 0, b.buckets).fill(0);
  const recs = new Int32Array(b.locRecords);
  recs.fill(0, 0, Math.min(recs.length, used * LOC_WORDS));
  // Keep the largest: a big block after two small ones would otherwise allocate afresh every time.
  spare.push(b);
  spare.sort((x, y) => y.arena.byteLength + y.locRecords.byteLength - (x.arena.byteLength + x.locRecords.byteLength));
  spare.length = Math.min(spare.length, 2);
}

/** Thrown when a block outgrows its buffers; the executor falls back to sequential execution. */
export class MemoryFullError extends Error {
  override name = 'MemoryFullError';
}

const CHUNK_WORDS = 1 << 14;
/** Location records a worker takes at a time (the executor sizes the records for a chunk per worker more). */
export const LOC_CHUNK = 64;

export class MvMemory {
  readonly table: Int32Array;
  readonly recs: Int32Array;
  readonly a32: Int32Array;
  readonly a8: Uint8Array;
  private readonly mask: number;
  private readonly capacity: number;
  private chunkNext = 0;
  private chunkEnd = 0;
  private recNext = 0;
  private recEnd = 0;
  /** Scratch for one 32-byte value. */
  private readonly word32 = new Int32Array(8);

  constructor(buffers: MvBuffers, private readonly ctrl: Int32Array, readonly snapshot: Snapshot, private readonly eip161: boolean) {
    this.table = new Int32Array(buffers.locTable);
    this.recs = new Int32Array(buffers.locRecords);
    this.a32 = new Int32Array(buffers.arena);
    this.a8 = new Uint8Array(buffers.arena);
    this.mask = buffers.buckets - 1;
    this.capacity = this.recs.length / LOC_WORDS;
  }

  // ------------------------------------------------------------ allocation

  /** `words` arena words (8-byte aligned), from this worker's chunk. */
  alloc(words: number): number {
    words = (words + 1) & ~1;
    if (this.chunkNext + words > this.chunkEnd) {
      const size = words > CHUNK_WORDS / 4 ? words : CHUNK_WORDS;
      const at = Atomics.add(this.ctrl, C_ARENA_TOP, size);
      if (at + size > this.a32.length) throw new MemoryFullError('multi-version memory arena full');
      if (size !== CHUNK_WORDS) return at;
      this.chunkNext = at;
      this.chunkEnd = at + size;
    }
    const p = this.chunkNext;
    this.chunkNext += words;
    return p;
  }

  /** Copies bytes into the arena; returns their byte offset. */
  storeBytes(b: Uint8Array): number {
    const at = this.alloc((b.length + 3) >> 2) * 4;
    this.a8.set(b, at);
    return at;
  }

  /** Stores [n, ...the first n words] in the arena; returns its word offset. */
  storeList(words: Int32Array, n: number): number {
    const at = this.alloc(n + 1);
    const a32 = this.a32;
    a32[at] = n;
    for (let i = 0; i < n; i++) a32[at + 1 + i] = words[i];
    return at;
  }

  // ------------------------------------------------------------ locations

  /**
   * The id of an account's ACCOUNT location (creating it); its META location is the
   * next id (reads need both: created together, found with one look-up). `key` holds
   * the address words.
   */
  locateAccount(key: Int32Array): number {
    return this.locate(K_ACCOUNT, key);
  }

  /** The META location of the account whose ACCOUNT location is `accountLoc`. */
  static metaOf(accountLoc: number): number {
    return accountLoc + 1;
  }

  /**
   * The id of a STORAGE location (creating it) of the account at ACCOUNT location
   * `accountLoc`: key[5...] holds the slot words (key[0..4] receives the address's).
   */
  locateStorage(accountLoc: number, key: Int32Array): number {
    const r = accountLoc * LOC_WORDS + L_KEY;
    for (let i = 0; i < 5; i++) key[i] = this.recs[r + i];
    return this.locate(K_STORAGE, key, accountLoc);
  }

  /** `accountLoc`: for STORAGE, the account's ACCOUNT location (its snapshot record serves the slot's look-up there). */
  private locate(kind: number, key: Int32Array, accountLoc = -1): number {
    const n = kind === K_STORAGE ? 13 : 5;
    const bucket = hashWords(kind, key, 0, n) & this.mask;
    let head = Atomics.load(this.table, bucket);
    const found = this.find(kind, key, n, head, 0);
    if (found >= 0) return found;
    const records = kind === K_ACCOUNT ? 2 : 1;
    const recs = this.recs;
    const mine = this.takeRecords(records);
    for (let k = 0; k < records; k++) {
      const r = (mine + k) * LOC_WORDS;
      recs[r + L_KIND] = k === 0 ? kind : K_META;
      for (let i = 0; i < n; i++) recs[r + L_KEY + i] = key[i];
    }
    recs[mine * LOC_WORDS + L_SNAP] = this.inSnapshot(kind, key, accountLoc);
    for (;;) {
      recs[mine * LOC_WORDS + L_NEXT] = head;
      const seen = Atomics.compareExchange(this.table, bucket, head, mine + 1);
      if (seen === head) return mine;
      // Pushed meanwhile, by another worker: perhaps this location (our records then stay unused).
      const theirs = this.find(kind, key, n, seen, head);
      if (theirs >= 0) return theirs;
      head = seen;
    }
  }

  /** The location with this key on a chain, from record `from` down to record `until` (both + 1, `until` excluded), or -1. */
  private find(kind: number, key: Int32Array, n: number, from: number, until: number): number {
    const recs = this.recs;
    for (let v = from; v !== until; v = recs[(v - 1) * LOC_WORDS + L_NEXT]) {
      const r = (v - 1) * LOC_WORDS;
      if (recs[r + L_KIND] !== kind) continue;
      let eq = true;
      for (let i = 0; i < n; i++) if (recs[r + L_KEY + i] !== key[i]) { eq = false; break; }
      if (eq) return v - 1;
    }
    return -1;
  }

  /**
   * `n` fresh location records, from this worker's chunk: one shared count per
   * LOC_CHUNK locations instead of per location (every new location paid a round of
   * that word's cache line between the cores).
   */
  private takeRecords(n: number): number {
    if (this.recNext + n > this.recEnd) {
      const at = Atomics.add(this.ctrl, C_LOC_COUNT, LOC_CHUNK);
      if (at + n > this.capacity) throw new MemoryFullError('multi-version memory: too many locations');
      this.recNext = at;
      this.recEnd = Math.min(at + LOC_CHUNK, this.capacity);
    }
    const r = this.recNext;
    this.recNext += n;
    return r;
  }

  /** The L_SNAP word of a new location with this key (a STORAGE one's account at `accountLoc`, whose L_SNAP is its snapshot record). */
  private inSnapshot(kind: number, key: Int32Array, accountLoc: number): number {
    if (kind === K_ACCOUNT) return this.snapshot.findAccount(key, 0);
    const rec = this.recs[accountLoc * LOC_WORDS + L_SNAP];
    return rec < 0 ? -1 : this.snapshot.findStorage(rec, key, 5);
  }

  kindOf(loc: number): number {
    return this.recs[loc * LOC_WORDS + L_KIND];
  }

  // ------------------------------------------------------------ writes

  /**
   * Writes transaction `tx`'s entry at `loc`: `kind` and the value in the `n` words
   * val[at...]. Replaces an entry of an earlier incarnation.
   */
  write(loc: number, tx: number, inc: number, kind: number, val: Int32Array, at: number, n: number): void {
    const recs = this.recs;
    const base = loc * LOC_WORDS;
    const a32 = this.a32;
    lock(recs, base + L_LOCK);
    try {
      let prev = 0;
      let e = recs[base + L_HEAD];
      while (e !== 0 && a32[e + E_TX] > tx) {
        prev = e;
        e = a32[e + E_NEXT];
      }
      if (e === 0 || a32[e + E_TX] !== tx) {
        const n = this.alloc(ENTRY_WORDS[recs[base + L_KIND]]);
        a32[n + E_TX] = tx;
        a32[n + E_NEXT] = e;
        if (prev === 0) recs[base + L_HEAD] = n;
        else a32[prev + E_NEXT] = n;
        e = n;
      }
      a32[e + E_KIND] = kind;
      if (kind !== EK_DELTA) this.raiseTopFull(base, e, tx);
      else if (recs[base + L_TOP_FULL] === e) this.findTopFull(base);
      a32[e + E_INC] = inc;
      for (let i = 0; i < n; i++) a32[e + E_VAL + i] = val[at + i];
    } finally {
      unlock(recs, base + L_LOCK);
    }
  }

  /** Removes transaction `tx`'s entry at `loc` (its new incarnation no longer writes there). */
  remove(loc: number, tx: number): void {
    const recs = this.recs;
    const base = loc * LOC_WORDS;
    const a32 = this.a32;
    lock(recs, base + L_LOCK);
    let prev = 0;
    let e = recs[base + L_HEAD];
    while (e !== 0 && a32[e + E_TX] > tx) {
      prev = e;
      e = a32[e + E_NEXT];
    }
    if (e !== 0 && a32[e + E_TX] === tx) {
      if (prev === 0) recs[base + L_HEAD] = a32[e + E_NEXT];
      else a32[prev + E_NEXT] = a32[e + E_NEXT];
      if (recs[base + L_TOP_FULL] === e) this.findTopFull(base);
    }
    unlock(recs, base + L_LOCK);
  }

  /** Entry `e` of transaction `tx` at the location at `base` is no longer a delta: L_TOP_FULL if it is the highest such (the mutex held). */
  private raiseTopFull(base: number, e: number, tx: number): void {
    const top = this.recs[base + L_TOP_FULL];
    if (top === 0 || this.a32[top + E_TX] < tx) Atomics.store(this.recs, base + L_TOP_FULL, e);
  }

  /** Sets L_TOP_FULL of the location at `base` from its list (the mutex held). */
  private findTopFull(base: number): void {
    const a32 = this.a32;
    let e = this.recs[base + L_HEAD];
    while (e !== 0 && a32[e + E_KIND] === EK_DELTA) e = a32[e + E_NEXT];
    Atomics.store(this.recs, base + L_TOP_FULL, e);
  }

  /** Turns transaction `tx`'s entry at `loc` into an ESTIMATE. */
  markEstimate(loc: number, tx: number): void {
    const recs = this.recs;
    const base = loc * LOC_WORDS;
    const a32 = this.a32;
    lock(recs, base + L_LOCK);
    let e = recs[base + L_HEAD];
    while (e !== 0 && a32[e + E_TX] > tx) e = a32[e + E_NEXT];
    if (e !== 0 && a32[e + E_TX] === tx) {
      a32[e + E_KIND] = EK_ESTIMATE;
      this.raiseTopFull(base, e, tx);
    }
    unlock(recs, base + L_LOCK);
  }

  // ------------------------------------------------------------ reads

  /**
   * The account at `loc` as transaction `tx` sees it, into `out` (RESOLVED_WORDS;
   * all zero when it does not exist). Returns RESOLVED, or the index of a transaction
   * whose ESTIMATE was met.
   */
  readAccount(loc: number, metaLoc: number, tx: number, out: Int32Array): number {
    const recs = this.recs;
    const base = loc * LOC_WORDS;
    const a32 = this.a32;
    let deltas: bigint[] | null = null;
    let found = false;
    // No entry yet: nothing to lock (a write that lands now is ordered after this read).
    if (Atomics.load(recs, base + L_HEAD) !== 0) {
      lock(recs, base + L_LOCK);
      let e = recs[base + L_HEAD];
      while (e !== 0) {
        const t = a32[e + E_TX];
        if (t < tx) {
          const k = a32[e + E_KIND];
          if (k === EK_ESTIMATE) {
            unlock(recs, base + L_LOCK);
            return t;
          }
          if (k === EK_ABS) {
            for (let i = 0; i < AV_WORDS; i++) out[i] = a32[e + E_VAL + i];
            found = true;
            break;
          }
          (deltas ??= []).push(readBE(this.a8, 4 * (e + E_VAL + AV_BALANCE)));
        }
        e = a32[e + E_NEXT];
      }
      unlock(recs, base + L_LOCK);
    }
    const snap = recs[base + L_SNAP];
    if (!found) this.fromSnapshot(snap, out);
    if (deltas) for (let i = deltas.length - 1; i >= 0; i--) applyDelta(out, deltas[i], this.eip161);
    out[AV_HAS_STORAGE] = 0;
    // EIP-7610 only asks about storage of accounts without nonce and code.
    if ((out[AV_FLAGS] & 1) !== 0 && out[AV_NONCE_LO] === 0 && out[AV_NONCE_HI] === 0 && out[AV_CODE_LEN] === 0) {
      const m = this.readMeta(metaLoc, tx);
      if (m >= 0) return m;
      if (m === META_NONE) {
        out[AV_HAS_STORAGE] = snap >= 0 && (this.snapshot.i32[snap + SA_FLAGS] & SF_HAS_STORAGE) !== 0 ? 1 : 0;
      } else out[AV_HAS_STORAGE] = ((-m - META_BIAS) & META_NZ) !== 0 ? 1 : 0;
    }
    return RESOLVED;
  }

  /**
   * The code of the account at `loc` as transaction `tx` sees it, ignoring balance
   * deltas (they never change code): out[0] its length, out[1..8] its hash words (all
   * zero without code, whether or not the account exists). Returns RESOLVED or a
   * blocking transaction.
   */
  readCode(loc: number, tx: number, out: Int32Array): number {
    const recs = this.recs;
    const base = loc * LOC_WORDS;
    const a32 = this.a32;
    let found = false;
    // Only deltas (or none): the code is the pre-state's. (A write that lands now is ordered after this read.)
    if (Atomics.load(recs, base + L_TOP_FULL) !== 0) {
      lock(recs, base + L_LOCK);
      const top = recs[base + L_TOP_FULL];
      // Above the highest full entry, that one is the answer; below it, the list is walked.
      for (let e = top !== 0 && a32[top + E_TX] < tx ? top : recs[base + L_HEAD]; e !== 0; e = a32[e + E_NEXT]) {
        const t = a32[e + E_TX];
        if (t >= tx) continue;
        const k = a32[e + E_KIND];
        if (k === EK_ESTIMATE) {
          unlock(recs, base + L_LOCK);
          return t;
        }
        if (k === EK_DELTA) continue;
        out[0] = (a32[e + E_VAL + AV_FLAGS] & 1) !== 0 ? a32[e + E_VAL + AV_CODE_LEN] : 0;
        for (let i = 0; i < 8; i++) out[1 + i] = out[0] > 0 ? a32[e + E_VAL + AV_CODE_HASH + i] : 0;
        found = true;
        break;
      }
      unlock(recs, base + L_LOCK);
    }
    if (!found) {
      const rec = recs[base + L_SNAP];
      const s = this.snapshot.i32;
      out[0] = rec < 0 ? 0 : s[rec + SA_CODE_LEN];
      for (let i = 0; i < 8; i++) out[1 + i] = out[0] > 0 ? s[rec + SA_CODE_HASH + i] : 0;
    }
    return RESOLVED;
  }

  private fromSnapshot(rec: number, out: Int32Array): void {
    if (rec < 0) {
      out.fill(0);
      return;
    }
    const s = this.snapshot.i32;
    out[AV_FLAGS] = 1;
    const len = s[rec + SA_CODE_LEN];
    out[AV_CODE_SRC] = len > 0 ? CODE_SNAPSHOT : CODE_NONE;
    out[AV_CODE_OFF] = s[rec + SA_CODE_OFF];
    out[AV_CODE_LEN] = len;
    out[AV_NONCE_LO] = s[rec + SA_NONCE_LO];
    out[AV_NONCE_HI] = s[rec + SA_NONCE_HI];
    for (let i = 0; i < 8; i++) out[AV_BALANCE + i] = s[rec + SA_BALANCE + i];
    for (let i = 0; i < 8; i++) out[AV_CODE_HASH + i] = s[rec + SA_CODE_HASH + i];
  }

  /**
   * The highest META entry below `tx`: a blocking transaction (>= 0), META_NONE, or
   * -(META_BIAS + its bits).
   */
  private readMeta(metaLoc: number, tx: number): number {
    const recs = this.recs;
    const base = metaLoc * LOC_WORDS;
    if (Atomics.load(recs, base + L_HEAD) === 0) return META_NONE;
    const a32 = this.a32;
    let r = META_NONE;
    lock(recs, base + L_LOCK);
    for (let e = recs[base + L_HEAD]; e !== 0; e = a32[e + E_NEXT]) {
      if (a32[e + E_TX] >= tx) continue;
      r = a32[e + E_KIND] === EK_ESTIMATE ? a32[e + E_TX] : -(META_BIAS + a32[e + E_VAL]);
      break;
    }
    unlock(recs, base + L_LOCK);
    return r;
  }

  /**
   * Slot `slotLoc` as transaction `tx` sees it, into `out` (its 32 bytes as 8 words,
   * copied word by word: no view per read). Returns RESOLVED or a blocking transaction.
   */
  readStorage(slotLoc: number, metaLoc: number, tx: number, out: Int32Array): number {
    const recs = this.recs;
    const base = slotLoc * LOC_WORDS;
    const a32 = this.a32;
    let writer = -1;
    this.snapshotMiss = false;
    if (Atomics.load(recs, base + L_HEAD) !== 0) {
      lock(recs, base + L_LOCK);
      for (let e = recs[base + L_HEAD]; e !== 0; e = a32[e + E_NEXT]) {
        const t = a32[e + E_TX];
        if (t >= tx) continue;
        if (a32[e + E_KIND] === EK_ESTIMATE) {
          unlock(recs, base + L_LOCK);
          return t;
        }
        for (let i = 0; i < 8; i++) out[i] = a32[e + E_VAL + i];
        writer = t;
        break;
      }
      unlock(recs, base + L_LOCK);
    }
    if (writer < 0) {
      const at = recs[base + L_SNAP]; // a byte offset, word-aligned
      if (at < 0) {
        out.fill(0);
        this.snapshotMiss = true; // unless a CLEAR below empties the slot anyway
      } else {
        const snap = this.snapshot.i32;
        for (let i = 0, w = at >> 2; i < 8; i++) out[i] = snap[w + i];
      }
    }
    // A CLEAR between the slot's writer and `tx` empties it.
    const mb = metaLoc * LOC_WORDS;
    if (Atomics.load(recs, mb + L_HEAD) === 0) return RESOLVED;
    let cleared = false;
    lock(recs, mb + L_LOCK);
    for (let e = recs[mb + L_HEAD]; e !== 0; e = a32[e + E_NEXT]) {
      const t = a32[e + E_TX];
      if (t >= tx) continue;
      if (t <= writer) break;
      if (a32[e + E_KIND] === EK_ESTIMATE) {
        unlock(recs, mb + L_LOCK);
        return t;
      }
      if ((a32[e + E_VAL] & META_CLEAR) !== 0) {
        cleared = true;
        break;
      }
    }
    unlock(recs, mb + L_LOCK);
    if (cleared) {
      out.fill(0);
      this.snapshotMiss = false;
    }
    return RESOLVED;
  }

  /**
   * Set by readStorage when it resolves: the value came from the block's pre-state,
   * which does not hold the slot (no transaction before wrote it, none cleared the
   * account's storage). For a partial pre-state that is a read it may not answer.
   */
  snapshotMiss = false;

  /** The address (20 bytes) and, for a STORAGE location, the slot (32 bytes) of location `loc`, into out[0..52). */
  keyBytesOf(loc: number, out: Uint8Array): void {
    const w = this.recs;
    const r = loc * LOC_WORDS + L_KEY;
    // Keys are stored as the words of their bytes in memory order (little-endian).
    for (let i = 0; i < 13; i++) {
      const v = w[r + i];
      out[4 * i] = v;
      out[4 * i + 1] = v >>> 8;
      out[4 * i + 2] = v >>> 16;
      out[4 * i + 3] = v >>> 24;
    }
  }

  // ------------------------------------------------------------ validation

  private readonly check = new Int32Array(RESOLVED_WORDS);

  /**
   * Re-reads a read log (see source.ts for its records) as transaction `tx` and
   * compares values. Returns -1 when every read still holds, else the location that
   * changed (or met an ESTIMATE).
   */
  validate(tx: number, logAt: number): number {
    const a32 = this.a32;
    const len = a32[logAt];
    const end = logAt + 1 + len;
    const c = this.check;
    const w32 = this.word32;
    for (let p = logAt + 1; p < end;) {
      const q = a32[p];
      const loc = a32[p + 1];
      const meta = a32[p + 2];
      if (q === Q_ACCOUNT) {
        if (this.readAccount(loc, meta, tx, c) !== RESOLVED) return loc;
        for (let i = 0; i < RESOLVED_WORDS; i++) if (c[i] !== a32[p + 3 + i]) return loc;
        p += 3 + RESOLVED_WORDS;
      } else if (q === Q_CODE) {
        if (this.readCode(loc, tx, c) !== RESOLVED) return loc;
        for (let i = 0; i < 9; i++) if (c[i] !== a32[p + 3 + i]) return loc;
        p += 12;
      } else {
        if (this.readStorage(loc, meta, tx, this.word32) !== RESOLVED) return loc;
        for (let i = 0; i < 8; i++) if (w32[i] !== a32[p + 3 + i]) return loc;
        p += 11;
      }
    }
    return -1;
  }
}

export const META_NONE = -2;
const META_BIAS = 16;

// Read log records: [Q_ACCOUNT, loc, metaLoc, RESOLVED_WORDS words],
// [Q_STORAGE, slotLoc, metaLoc, 8 words (the value's bytes)] and
// [Q_CODE, loc, 0, code length, 8 words of code hash].
export const Q_ACCOUNT = 1;
export const Q_STORAGE = 2;
export const Q_CODE = 3;

/**
 * Credits `amount` to a resolved account as a fee payment would: a missing account
 * is created (from Spurious Dragon only for a nonzero amount), and one left empty is
 * removed (EIP-161: the payment touches it).
 */
export function applyDelta(out: Int32Array, amount: bigint, eip161: boolean): void {
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  if ((out[AV_FLAGS] & 1) === 0) {
    if (eip161 && amount === 0n) return;
    out.fill(0);
    out[AV_FLAGS] = 1;
    writeBE(bytes, 4 * AV_BALANCE, amount);
    bytes.set(EMPTY_CODE_HASH, 4 * AV_CODE_HASH);
    return;
  }
  const balance = readBE(bytes, 4 * AV_BALANCE) + amount;
  if (eip161 && balance === 0n && out[AV_NONCE_LO] === 0 && out[AV_NONCE_HI] === 0 && out[AV_CODE_LEN] === 0) {
    out.fill(0);
    return;
  }
  writeBE(bytes, 4 * AV_BALANCE, balance);
}

// 256-bit numbers go through a scratch DataView in 64-bit pieces: no hex strings.
const scratch8 = new Uint8Array(32);
const scratchView = new DataView(scratch8.buffer);
const scratch32 = new Int32Array(scratch8.buffer);
const TWO32 = 2 ** 32;
const TWO48 = 1n << 48n;
const TWO64 = 1n << 64n;

/** The 32-byte big-endian number at b[at]. */
export function readBE(b: Uint8Array, at: number): bigint {
  let i = 0;
  while (i < 32 && b[at + i] === 0) i++;
  if (i >= 26) {
    // Six bytes or fewer (nonces, small amounts): a Number.
    let x = 0;
    for (; i < 32; i++) x = x * 256 + b[at + i];
    return BigInt(x);
  }
  for (let k = 0; k < 32; k++) scratch8[k] = b[at + k];
  let piece = i >> 3;
  let v = scratchView.getBigUint64(8 * piece);
  for (piece++; piece < 4; piece++) v = (v << 64n) | scratchView.getBigUint64(8 * piece);
  return v;
}

/** The 32-byte big-endian number in the 8 words w[at...] (its bytes, as in an entry). */
export function readBEWords(w: Int32Array, at: number): bigint {
  for (let i = 0; i < 8; i++) scratch32[i] = w[at + i];
  return readBE(scratch8, 0);
}

/** Writes `n` (below 2^256) as 32 bytes big-endian at b[at]. */
export function writeBE(b: Uint8Array, at: number, n: bigint): void {
  if (n < TWO48) {
    const x = Number(n);
    const lo = x % TWO32;
    const hi = (x - lo) / TWO32;
    for (let i = 0; i < 26; i++) b[at + i] = 0;
    b[at + 26] = hi >>> 8;
    b[at + 27] = hi & 0xff;
    b[at + 28] = lo >>> 24;
    b[at + 29] = (lo >>> 16) & 0xff;
    b[at + 30] = (lo >>> 8) & 0xff;
    b[at + 31] = lo & 0xff;
    return;
  }
  // setBigUint64 takes the low 64 bits.
  scratchView.setBigUint64(24, n);
  if (n < TWO64) {
    scratchView.setBigUint64(16, 0n);
    scratchView.setBigUint64(8, 0n);
    scratchView.setBigUint64(0, 0n);
  } else {
    let high = n >> 64n;
    scratchView.setBigUint64(16, high);
    high >>= 64n;
    scratchView.setBigUint64(8, high);
    scratchView.setBigUint64(0, high >> 64n);
  }
  for (let i = 0; i < 32; i++) b[at + i] = scratch8[i];
}
