// The block's pre-state, serialised into a SharedArrayBuffer that every worker reads
// without copying (layout in README.md, "Snapshot"). Immutable while a block runs:
// writes of the block live in multi-version memory (mvmemory.ts). Between blocks, the
// image kept for a state is brought up to date in place with the accounts that state
// changed (WorldState.changes): records are appended and the table re-pointed, never
// overwritten, so its cost is the changes, not the state.

import type { Account, WorldState } from '../state/world.js';
import { bytesToKey } from '../util/hex.js';
import { hashWords, hexToWords, nextPow2 } from './keys.js';
import { writeBE } from './mvmemory.js';

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
 * Serialised accounts (record, storage table and entries; code offset left out, the
 * storage table offset relative to the record) by Account object. Only accounts no
 * state may mutate in place any more are kept (see WorldState.mayChange): every later
 * snapshot that needs the object's words (a state's first, or a rebuilt one) copies
 * them instead of encoding the account's storage again.
 */
const chunks = new WeakMap<Readonly<Account>, Chunk>();

interface Chunk {
  words: Int32Array;
  /** The code hash as a key (identical code is stored once), null without code. */
  codeKey: string | null;
}

function chunkOf(state: WorldState, addr: string, a: Readonly<Account>): Chunk {
  let chunk = chunks.get(a);
  if (chunk === undefined) {
    chunk = { words: accountWords(addr, a), codeKey: a.code.length === 0 ? null : bytesToKey(a.codeHash) };
    if (!state.mayChange(addr)) chunks.set(a, chunk);
  }
  return chunk;
}

/** Words a code of `len` bytes takes, padded to 8 bytes. */
function codeWords(len: number): number {
  return ((len + 7) & ~7) >> 2;
}

/** The image kept for each state snapshotted more than once, updated in place from its changes. */
const images = new WeakMap<WorldState, Image>();
/** States snapshotted once, whose image was not kept. */
const snapshotted = new WeakSet<WorldState>();

/**
 * The snapshot of `state` (accounts, storage, code; identical code stored once). From a
 * state's second snapshot on, its image is kept and, at the next one, updated in place
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
  } else if (!snapshotted.has(state)) {
    // Most states run one parallel block (fixtures' and benchmarks' copies): keeping
    // their image, and tracking their changes, would only cost them (memory the
    // collector must account for, a set entry per changed account).
    snapshotted.add(state);
    return Image.build(state, false).sab;
  }
  // A state snapshotted again is likely to be again: its image kept, with room to grow in place.
  const image = Image.build(state, true);
  images.set(state, image);
  state.resetChanges();
  return image.sab;
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
  private readonly key = new Int32Array(5);

  private constructor(readonly sab: SharedArrayBuffer, private readonly slots: number) {
    this.i32 = new Int32Array(sab);
    this.u8 = new Uint8Array(sab);
    this.i32[H_MAGIC] = MAGIC;
    this.i32[H_ACC_SLOTS] = slots;
    this.top = HEADER_WORDS + slots;
  }

  /** An image of every account of `state`; with `spare`, room to append more. */
  static build(state: WorldState, spare: boolean): Image {
    const accounts = [...state.peekAccounts()];
    const parts: Chunk[] = new Array(accounts.length);
    const codes = new Set<string>();
    let words = 0;
    for (let i = 0; i < accounts.length; i++) {
      const [addr, a] = accounts[i];
      const chunk = (parts[i] = chunkOf(state, addr, a));
      words += chunk.words.length;
      const h = chunk.codeKey;
      if (h === null || codes.has(h)) continue;
      codes.add(h);
      words += codeWords(a.code.length);
    }
    const slots = nextPow2(Math.max(16, accounts.length * 2));
    const capacity = HEADER_WORDS + slots + words + (spare ? Math.max(words >> 2, SPARE_MIN_WORDS) : 0);
    const image = new Image(new SharedArrayBuffer(capacity * 4), slots);
    const i32 = image.i32;
    const mask = slots - 1;
    for (let i = 0; i < accounts.length; i++) {
      // Addresses are distinct: the first empty slot, without reading the records met on the way.
      const r = image.place(parts[i], accounts[i][1].code);
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
    const addrs = [...changes];
    const parts: (Chunk | undefined)[] = new Array(addrs.length);
    const codes = new Set<string>();
    let need = 0;
    for (let i = 0; i < addrs.length; i++) {
      const a = state.peekAccount(addrs[i]);
      if (a === undefined) continue;
      const chunk = (parts[i] = chunkOf(state, addrs[i], a));
      need += chunk.words.length;
      const h = chunk.codeKey;
      if (h === null || this.codeAt.has(h) || codes.has(h)) continue;
      codes.add(h);
      need += codeWords(a.code.length);
    }
    if (this.top + need > this.i32.length) return false;
    const i32 = this.i32;
    const key = this.key;
    for (let i = 0; i < addrs.length; i++) {
      hexToWords(addrs[i], key, 0, 5);
      const slot = this.slotOf(key, 0);
      const chunk = parts[i];
      if (slot >= 0) {
        this.garbage += i32[i32[HEADER_WORDS + slot] + SA_SIZE];
        if (chunk !== undefined) i32[HEADER_WORDS + slot] = this.place(chunk, state.peekAccount(addrs[i])!.code);
        else {
          i32[HEADER_WORDS + slot] = TOMBSTONE;
          this.live--;
          this.tombstones++;
        }
      } else if (chunk !== undefined) {
        if (i32[HEADER_WORDS + ~slot] === TOMBSTONE) this.tombstones--;
        i32[HEADER_WORDS + ~slot] = this.place(chunk, state.peekAccount(addrs[i])!.code);
        this.live++;
      }
    }
    i32[H_ACC_COUNT] = this.live;
    return true;
  }

  /** The table slot of the account with these address words, or ~(the slot an insert takes). */
  private slotOf(key: Int32Array, at: number): number {
    const i32 = this.i32;
    const mask = this.slots - 1;
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

  /** Appends an account's record (and its code, if not stored yet); returns the record's offset. */
  private place(chunk: Chunk, code: Uint8Array): number {
    const i32 = this.i32;
    const w = chunk.words;
    const r = this.top;
    // Most chunks are short (accounts without storage), where a loop beats set()'s call.
    if (w.length <= 64) for (let k = 0; k < w.length; k++) i32[r + k] = w[k];
    else i32.set(w, r);
    i32[r + SA_STOR_TABLE] = r + SA_WORDS;
    this.top = r + w.length;
    const h = chunk.codeKey;
    if (h !== null) {
      let off = this.codeAt.get(h);
      if (off === undefined) {
        off = this.top * 4;
        this.u8.set(code, off);
        this.top += codeWords(code.length);
        this.codeAt.set(h, off);
      }
      i32[r + SA_CODE_OFF] = off;
      i32[r + SA_CODE_LEN] = code.length;
    }
    return r;
  }
}

/** An account's record, storage table and entries; the table's offset relative to the record, no code. */
function accountWords(addr: string, a: Readonly<Account>): Int32Array {
  const n = a.storage.size;
  const slots = n === 0 ? 0 : nextPow2(n * 2);
  const out = new Int32Array(SA_WORDS + slots + n * SE_WORDS);
  const u8 = new Uint8Array(out.buffer);
  hexToWords(addr, out, SA_ADDR, 5);
  out[SA_FLAGS] = n > 0 ? SF_HAS_STORAGE : 0;
  out[SA_NONCE_LO] = Number(a.nonce & 0xffffffffn) | 0;
  out[SA_NONCE_HI] = Number(a.nonce >> 32n) | 0;
  writeBE(u8, 4 * SA_BALANCE, a.balance);
  u8.set(a.codeHash, 4 * SA_CODE_HASH);
  out[SA_STOR_SLOTS] = slots;
  out[SA_STOR_TABLE] = SA_WORDS;
  out[SA_SIZE] = out.length;
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
    const i32 = this.i32;
    const mask = this.accSlots - 1;
    let s = hashWords(1, key, at, 5) & mask;
    for (;;) {
      const r = i32[HEADER_WORDS + s];
      if (r === 0) return -1;
      if (r !== TOMBSTONE && i32[r] === key[at] && i32[r + 1] === key[at + 1] && i32[r + 2] === key[at + 2] && i32[r + 3] === key[at + 3] && i32[r + 4] === key[at + 4]) return r;
      s = (s + 1) & mask;
    }
  }

  /** Byte offset of the 32-byte value of a slot of account record `rec`, or -1 (zero). */
  findStorage(rec: number, key: Int32Array, at: number): number {
    const i32 = this.i32;
    const slots = i32[rec + SA_STOR_SLOTS];
    if (slots === 0) return -1;
    const table = i32[rec + SA_STOR_TABLE];
    const entries = table + slots;
    let p = hashWords(2, key, at, 8) & (slots - 1);
    for (;;) {
      const v = i32[table + p];
      if (v === 0) return -1;
      const e = entries + (v - 1) * SE_WORDS;
      let eq = true;
      for (let k = 0; k < 8; k++) if (i32[e + k] !== key[at + k]) { eq = false; break; }
      if (eq) return 4 * (e + 8);
      p = (p + 1) & (slots - 1);
    }
  }
}
