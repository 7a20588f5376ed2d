// The block's pre-state, serialised into a SharedArrayBuffer that every worker reads
// without copying (layout in README.md, "Snapshot"). Immutable while a block runs:
// writes of the block live in multi-version memory (mvmemory.ts). Between blocks, the
// image kept for a state is brought up to date in place with the accounts that state
// changed (WorldState.changes): records are appended and the table re-pointed, and a
// large account's changed slots written into its record, so its cost is the changes,
// not the state.

import { EMPTY_CODE_HASH, startStorageLog, takeStorageLog, type Account, type WorldState } from '../state/world.js';
import { bytesToKey } from '../util/hex.js';
import { hashWords, hexToWords, nextPow2 } from './keys.js';
import { writeBE } from './mvmemory.js';
import { SpareBuffer } from './spare.js';

const MAGIC = 0x4c534e50; // "LSNP"

// Header words.
const H_MAGIC = 0;
const H_ACC_SLOTS = 1;
const H_ACC_COUNT = 2;
const HEADER_WORDS = 8;

/** An account table slot of a removed account: look-ups go on past it, inserts may reuse it. */
const TOMBSTONE = -1;

// Account record (words); a table slot holds its word offset (0: empty, TOMBSTONE: removed).
export const SA_ADDR = 0; // 5 words
export const SA_FLAGS = 5; // bit 0: has storage
export const SA_CODE_OFF = 6; // byte offset of the code in the snapshot
export const SA_CODE_LEN = 7;
export const SA_STOR_SLOTS = 8; // power of two, 0 without storage
export const SA_STOR_TABLE = 9; // word offset: SLOTS words (entry index + 1), then the entries
export const SA_NONCE_LO = 10;
export const SA_NONCE_HI = 11;
export const SA_BALANCE = 12; // 8 words: 32 bytes big-endian
export const SA_CODE_HASH = 20; // 8 words: 32 bytes
export const SA_SIZE = 28; // words of the record with its storage table and entries
export const SA_WORDS = 29;
export const SF_HAS_STORAGE = 1;

// Storage entry (words): slot key bytes, value bytes.
const SE_WORDS = 16;

/** Load factor of the account table (accounts and tombstones over slots) past which an update rebuilds the image. */
const MAX_LOAD = 0.75;
/** Room for appends that a rebuilt image gets beyond its contents: a quarter, and at least 1 MiB. */
const SPARE_MIN_WORDS = 1 << 18;
/**
 * A kept image tracks accounts with at least this many slots: their record has room,
 * and the slots their storage map logs as changed are written into it in place,
 * instead of the account written again whole.
 */
const TRACK_MIN_SLOTS = 64;

/** Whether a kept image tracks `a` (see TRACK_MIN_SLOTS). */
function isTracked(a: Readonly<Account>): boolean {
  return a.storage.size >= TRACK_MIN_SLOTS;
}

/** An account a kept image tracks. */
interface Tracked {
  /** The storage map whose log the image takes (another map: written whole). */
  storage: Map<string, Uint8Array>;
  /** Its record's word offset, entries used and entries it has room for. */
  rec: number;
  count: number;
  cap: number;
}

/**
 * How an account is written into an image: its record, storage table and entries as
 * words (code offset left out, the storage table offset relative to the record), or
 * null for an account without storage or code (an externally owned one), whose record
 * is encoded in place: for it that costs less than keeping the words (an object, an
 * array and a WeakMap entry each); and its code's key.
 */
interface Part {
  words: Int32Array | null;
  /** The code hash as a key (identical code is stored once), null without code. */
  codeKey: string | null;
}

const TWO32 = 1n << 32n;
const EMPTY_CODE_HASH_WORDS = new Int32Array(EMPTY_CODE_HASH.slice().buffer);

/** An account without storage or code. */
const PLAIN_PART: Part = { words: null, codeKey: null };

/**
 * The parts of accounts with storage or code, by Account object. Only accounts no state may
 * mutate in place any more are kept (see WorldState.mayChange): every later image that
 * needs the object (a state's first, or a rebuilt one) copies its words instead of
 * encoding its storage again.
 */
const parts = new WeakMap<Readonly<Account>, Part>();

function partOf(state: WorldState, addr: string, a: Readonly<Account>): Part {
  if (a.storage.size === 0 && a.code.length === 0) return PLAIN_PART;
  let part = parts.get(a);
  if (part === undefined) {
    part = { words: accountWords(addr, a), codeKey: codeKeyOf(a) };
    if (!state.mayChange(addr)) parts.set(a, part);
  }
  return part;
}

/** A tracked account's storage table and entries: room for as many slots again. */
function roomFor(n: number): { slots: number; cap: number } {
  return { slots: nextPow2(Math.max(16, n * 4)), cap: 2 * n };
}

/** A tracked account's part: encoded with room, never cached (its storage changes in place). */
function trackedPart(addr: string, a: Readonly<Account>): Part {
  return { words: accountWords(addr, a, true), codeKey: codeKeyOf(a) };
}

/** How an image writes `a`: with room if `tracking` (a kept image) and the account is large enough to track. */
function partFor(state: WorldState, addr: string, a: Readonly<Account>, tracking: boolean): Part {
  return tracking && isTracked(a) ? trackedPart(addr, a) : partOf(state, addr, a);
}

/** Words a part's record, storage table and entries take in an image (its code apart). */
function partWords(part: Part): number {
  return part.words === null ? SA_WORDS : part.words.length;
}

function codeKeyOf(a: Readonly<Account>): string | null {
  return a.code.length === 0 ? null : bytesToKey(a.codeHash);
}

/** Words a code of `len` bytes takes, padded to 8 bytes. */
function codeWords(len: number): number {
  return ((len + 7) & ~7) >> 2;
}

/** The image kept for each state snapshotted more than once, updated in place from its changes. */
const images = new WeakMap<WorldState, Image>();
/**
 * A state this large keeps its first image too: building one costs it about 0.5 s per
 * 500,000 accounts, so a second build at its second block costs more than keeping the
 * first does (fixtures and generated blocks hold thousands).
 */
const KEEP_FIRST_MIN_ACCOUNTS = 100_000;
/** States snapshotted once, whose image was not kept. */
const snapshotted = new WeakSet<WorldState>();

/**
 * The snapshot of `state` (accounts, storage, code; identical code stored once). From a
 * state's second snapshot on (its first, if large), its image is kept and, at the next one, updated in place
 * when the state can list what changed since (WorldState.changes) and the image has
 * room; otherwise it is built anew. The caller must not run a block on the previous
 * buffer any more: one block at a time per state.
 */
export function serializeSnapshot(state: WorldState): SharedArrayBuffer {
  const kept = images.get(state);
  if (kept !== undefined) {
    const changes = state.changes();
    if (changes !== null && kept.update(state, changes)) {
      state.resetChanges();
      return kept.sab;
    }
  } else if (!snapshotted.has(state) && state.size < KEEP_FIRST_MIN_ACCOUNTS) {
    // Most states run one parallel block (fixtures' and benchmarks' copies): keeping
    // their image, and tracking their changes, would only cost them (memory the
    // collector must account for, a set entry per changed account). The image is
    // written into the buffer of an earlier one given back (releaseSnapshot).
    snapshotted.add(state);
    const sab = Image.build(state, false).sab;
    lent.add(sab);
    return sab;
  }
  // A state snapshotted again is likely to be again: its image kept, with room to grow in place.
  const image = Image.build(state, true);
  images.set(state, image);
  state.resetChanges();
  return image.sab;
}

/** The buffer of a state's first image (not kept), given back once its block is done. */
const firstImageBuffer = new SpareBuffer();
/** Buffers of first images handed out: only they go back to `firstImageBuffer` (a kept image stays its state's). */
const lent = new WeakSet<SharedArrayBuffer>();

/**
 * A snapshot whose block is done (no worker reads it any more): its buffer serves the
 * next first image, unless it is a state's kept image.
 */
export function releaseSnapshot(sab: SharedArrayBuffer): void {
  if (lent.delete(sab)) firstImageBuffer.give(sab);
}

/**
 * A buffer for a first image of `words` words whose account table has `slots` slots:
 * the header and table cleared (a table slot reads 0 when empty); the rest is written
 * before it is read.
 */
function takeFirstImageBuffer(words: number, slots: number): SharedArrayBuffer {
  const sab = firstImageBuffer.take(words * 4);
  new Int32Array(sab, 0, HEADER_WORDS + slots).fill(0);
  return sab;
}

/** A snapshot's buffer with what its writer needs to update it. */
class Image {
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  /** The next free word. */
  private top: number;
  /** Accounts in the table, and its tombstones. */
  private live = 0;
  private tombstones = 0;
  /** Words of records no slot points to any more. */
  private garbage = 0;
  /** Byte offset of each code, by code hash key. */
  private readonly codeAt = new Map<string, number>();
  /** Tracked accounts (kept images only), by address. */
  private readonly tracked = new Map<string, Tracked>();
  private readonly key = new Int32Array(5);
  private readonly slotKey = new Int32Array(8);

  private constructor(readonly sab: SharedArrayBuffer, private readonly slots: number) {
    this.i32 = new Int32Array(sab);
    this.u8 = new Uint8Array(sab);
    this.i32[H_MAGIC] = MAGIC;
    this.i32[H_ACC_SLOTS] = slots;
    this.top = HEADER_WORDS + slots;
  }

  /** An image of every account of `state`; with `room`, room to append more (a kept image). */
  static build(state: WorldState, room: boolean): Image {
    const accounts = [...state.peekAccounts()];
    const accountParts: Part[] = new Array(accounts.length);
    const codes = new Set<string>();
    let words = 0;
    for (let i = 0; i < accounts.length; i++) {
      const [addr, a] = accounts[i];
      const part = (accountParts[i] = partFor(state, addr, a, room));
      words += partWords(part);
      const h = part.codeKey;
      if (h === null || codes.has(h)) continue;
      codes.add(h);
      words += codeWords(a.code.length);
    }
    const slots = nextPow2(Math.max(16, accounts.length * 2));
    const capacity = HEADER_WORDS + slots + words + (room ? Math.max(words >> 2, SPARE_MIN_WORDS) : 0);
    const image = new Image(room ? new SharedArrayBuffer(capacity * 4) : takeFirstImageBuffer(capacity, slots), slots);
    const i32 = image.i32;
    const mask = slots - 1;
    for (let i = 0; i < accounts.length; i++) {
      const [addr, a] = accounts[i];
      const r = image.place(addr, a, accountParts[i]);
      if (room && isTracked(a)) image.track(addr, a, r);
      // Addresses are distinct: the first empty slot, without reading the records met on the way.
      let s = hashWords(1, i32, r + SA_ADDR, 5) & mask;
      while (i32[HEADER_WORDS + s] !== 0) s = (s + 1) & mask;
      i32[HEADER_WORDS + s] = r;
    }
    image.live = accounts.length;
    image.i32[H_ACC_COUNT] = image.live;
    return image;
  }

  /**
   * Brings the image to `state`, of which only the accounts `changes` may differ from
   * it. False, with nothing changed, when the table or the buffer has no room for
   * them, or half of the buffer is garbage: the caller builds a new image.
   */
  update(state: WorldState, changes: ReadonlySet<string>): boolean {
    if (this.garbage * 2 > this.top) return false;
    if (this.live + this.tombstones + changes.size > this.slots * MAX_LOAD) return false;
    const addrs: string[] = [];
    for (const addr of changes) {
      // A tracked account whose map logged its slots: written in place, nothing appended.
      const t = this.tracked.get(addr);
      if (t !== undefined) {
        const a = state.peekAccount(addr);
        if (a !== undefined && a.storage === t.storage && this.patch(t, a)) continue;
        this.tracked.delete(addr); // written whole below, or removed (what patch wrote goes with the old record)
      }
      addrs.push(addr);
    }
    const accounts = addrs.map((addr) => state.peekAccount(addr));
    const changed: (Part | undefined)[] = new Array(addrs.length);
    const codes = new Set<string>();
    let need = 0;
    for (let i = 0; i < addrs.length; i++) {
      const a = accounts[i];
      if (a === undefined) continue;
      const part = (changed[i] = partFor(state, addrs[i], a, true));
      need += partWords(part);
      const h = part.codeKey;
      if (h === null || this.codeAt.has(h) || codes.has(h)) continue;
      codes.add(h);
      need += codeWords(a.code.length);
    }
    if (this.top + need > this.i32.length) return false;
    const i32 = this.i32;
    const key = this.key;
    for (let i = 0; i < addrs.length; i++) {
      const addr = addrs[i];
      hexToWords(addr, key, 0, 5);
      const slot = accountSlot(i32, this.slots, key, 0);
      const part = changed[i];
      const a = accounts[i];
      let r = -1;
      if (slot >= 0) {
        this.garbage += i32[i32[HEADER_WORDS + slot] + SA_SIZE];
        if (part !== undefined) r = i32[HEADER_WORDS + slot] = this.place(addr, a!, part);
        else {
          i32[HEADER_WORDS + slot] = TOMBSTONE;
          this.live--;
          this.tombstones++;
        }
      } else if (part !== undefined) {
        if (i32[HEADER_WORDS + ~slot] === TOMBSTONE) this.tombstones--;
        r = i32[HEADER_WORDS + ~slot] = this.place(addr, a!, part);
        this.live++;
      }
      if (r >= 0 && isTracked(a!)) this.track(addr, a!, r);
    }
    i32[H_ACC_COUNT] = this.live;
    return true;
  }

  /** Tracks the account just written at record `r` (with room: trackedPart): its storage map logs its changes from now on. */
  private track(addr: string, a: Readonly<Account>, r: number): void {
    const n = a.storage.size;
    this.tracked.set(addr, { storage: a.storage, rec: r, count: n, cap: roomFor(n).cap });
    startStorageLog(a.storage);
  }

  /**
   * Writes a tracked account's fields and logged slots into its record in place; false
   * when that cannot be done (its log is unknown, its code changed, no room for a new
   * slot): the account is then written whole.
   */
  private patch(t: Tracked, a: Readonly<Account>): boolean {
    const log = takeStorageLog(a.storage);
    if (log === null) return false;
    const i32 = this.i32;
    const u8 = this.u8;
    const r = t.rec;
    for (let i = 0; i < 32; i++) if (u8[4 * (r + SA_CODE_HASH) + i] !== a.codeHash[i]) return false;
    writeFields(i32, u8, r, a);
    const slots = i32[r + SA_STOR_SLOTS];
    const table = i32[r + SA_STOR_TABLE];
    const key = this.slotKey;
    for (const slot of log) {
      hexToWords(slot, key, 0, 8);
      let e = storageEntry(i32, r, key, 0);
      const value = a.storage.get(slot);
      if (e < 0) {
        if (value === undefined) continue;
        if (t.count === t.cap || 2 * (t.count + 1) > slots) return false;
        i32[table + ~e] = t.count + 1;
        e = table + slots + t.count++ * SE_WORDS;
        for (let k = 0; k < 8; k++) i32[e + k] = key[k];
      }
      if (value === undefined) for (let k = 8; k < 16; k++) i32[e + k] = 0;
      else u8.set(value, 4 * (e + 8));
    }
    return true;
  }

  /** Appends an account's record (and its code, if not stored yet); returns the record's offset. */
  private place(addr: string, a: Readonly<Account>, part: Part): number {
    const i32 = this.i32;
    const r = this.top;
    const w = part.words;
    if (w === null) {
      writeRecord(i32, this.u8, r, addr, a, 0);
      this.top = r + SA_WORDS;
    } else {
      // Short words (an account with a slot or two) copy faster in a loop than through set()'s call.
      if (w.length <= 64) for (let k = 0; k < w.length; k++) i32[r + k] = w[k];
      else i32.set(w, r);
      i32[r + SA_STOR_TABLE] = r + SA_WORDS;
      this.top = r + w.length;
    }
    const h = part.codeKey;
    if (h !== null) {
      let off = this.codeAt.get(h);
      if (off === undefined) {
        off = this.top * 4;
        this.u8.set(a.code, off);
        this.top += codeWords(a.code.length);
        this.codeAt.set(h, off);
      }
      i32[r + SA_CODE_OFF] = off;
      i32[r + SA_CODE_LEN] = a.code.length;
    }
    return r;
  }
}

/**
 * Writes an account's record at word `at` of `out` (`u8` its bytes): `slots` storage
 * table slots, the table right after the record, no code.
 */
function writeRecord(out: Int32Array, u8: Uint8Array, at: number, addr: string, a: Readonly<Account>, slots: number, cap = a.storage.size): void {
  hexToWords(addr, out, at + SA_ADDR, 5);
  out[at + SA_CODE_OFF] = 0;
  out[at + SA_CODE_LEN] = 0;
  out[at + SA_STOR_SLOTS] = slots;
  out[at + SA_STOR_TABLE] = at + SA_WORDS;
  out[at + SA_SIZE] = SA_WORDS + slots + cap * SE_WORDS;
  writeFields(out, u8, at, a);
}

/** The fields of a record that change without its storage table moving: flags, nonce, balance, code hash. */
function writeFields(out: Int32Array, u8: Uint8Array, at: number, a: Readonly<Account>): void {
  out[at + SA_FLAGS] = a.storage.size > 0 ? SF_HAS_STORAGE : 0;
  const nonce = a.nonce;
  if (nonce < TWO32) {
    out[at + SA_NONCE_LO] = Number(nonce) | 0;
    out[at + SA_NONCE_HI] = 0;
  } else {
    out[at + SA_NONCE_LO] = Number(nonce & 0xffffffffn) | 0;
    out[at + SA_NONCE_HI] = Number(nonce >> 32n) | 0;
  }
  writeBE(u8, 4 * (at + SA_BALANCE), a.balance);
  // Most accounts share the one empty-code hash: its words, not a set() call.
  if (a.codeHash === EMPTY_CODE_HASH) for (let i = 0; i < 8; i++) out[at + SA_CODE_HASH + i] = EMPTY_CODE_HASH_WORDS[i];
  else u8.set(a.codeHash, 4 * (at + SA_CODE_HASH));
}

/** An account's record, storage table and entries; the table's offset relative to the record, no code. */
function accountWords(addr: string, a: Readonly<Account>, room = false): Int32Array {
  const n = a.storage.size;
  const { slots, cap } = room ? roomFor(n) : { slots: n === 0 ? 0 : nextPow2(n * 2), cap: n };
  const out = new Int32Array(SA_WORDS + slots + cap * SE_WORDS);
  const u8 = new Uint8Array(out.buffer);
  writeRecord(out, u8, 0, addr, a, slots, cap);
  if (slots === 0) return out;
  const entries = SA_WORDS + slots;
  let e = 0;
  for (const [slot, value] of a.storage) {
    const ew = entries + e * SE_WORDS;
    hexToWords(slot, out, ew, 8);
    u8.set(value, 4 * (ew + 8));
    let p = hashWords(2, out, ew, 8) & (slots - 1);
    while (out[SA_WORDS + p] !== 0) p = (p + 1) & (slots - 1);
    out[SA_WORDS + p] = ++e;
  }
  return out;
}

/** Reads a serialised snapshot. */
export class Snapshot {
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  private readonly accSlots: number;

  constructor(readonly sab: SharedArrayBuffer) {
    this.i32 = new Int32Array(sab);
    this.u8 = new Uint8Array(sab);
    if (this.i32[H_MAGIC] !== MAGIC) throw new Error('not a Lanes state snapshot');
    this.accSlots = this.i32[H_ACC_SLOTS];
  }

  /** Word offset of the account record with these address words, or -1. */
  findAccount(key: Int32Array, at: number): number {
    const s = accountSlot(this.i32, this.accSlots, key, at);
    return s < 0 ? -1 : this.i32[HEADER_WORDS + s];
  }

  /** Byte offset of the 32-byte value of a slot of account record `rec`, or -1 (zero). */
  findStorage(rec: number, key: Int32Array, at: number): number {
    if (this.i32[rec + SA_STOR_SLOTS] === 0) return -1;
    const e = storageEntry(this.i32, rec, key, at);
    return e < 0 ? -1 : 4 * (e + 8);
  }
}

/**
 * The account table slot (of `slots`) holding the record with these address words, or
 * ~(the slot an insert takes: the first tombstone met, else the empty one that ends the
 * probe).
 */
function accountSlot(i32: Int32Array, slots: number, key: Int32Array, at: number): number {
  const mask = slots - 1;
  let free = -1;
  let s = hashWords(1, key, at, 5) & mask;
  for (;;) {
    const r = i32[HEADER_WORDS + s];
    if (r === 0) return ~(free >= 0 ? free : s);
    if (r === TOMBSTONE) {
      if (free < 0) free = s;
    } else if (i32[r] === key[at] && i32[r + 1] === key[at + 1] && i32[r + 2] === key[at + 2] && i32[r + 3] === key[at + 3] && i32[r + 4] === key[at + 4]) return s;
    s = (s + 1) & mask;
  }
}

/**
 * The word offset of the storage entry with these slot words in account record `rec`
 * (whose table has slots), or ~(the empty table slot an insert takes).
 */
function storageEntry(i32: Int32Array, rec: number, key: Int32Array, at: number): number {
  const slots = i32[rec + SA_STOR_SLOTS];
  const table = i32[rec + SA_STOR_TABLE];
  const entries = table + slots;
  let p = hashWords(2, key, at, 8) & (slots - 1);
  for (;;) {
    const v = i32[table + p];
    if (v === 0) return ~p;
    const e = entries + (v - 1) * SE_WORDS;
    let eq = true;
    for (let k = 0; k < 8; k++) if (i32[e + k] !== key[at + k]) { eq = false; break; }
    if (eq) return e;
    p = (p + 1) & (slots - 1);
  }
}
