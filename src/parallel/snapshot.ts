// The block's pre-state, serialised once into a SharedArrayBuffer that every worker
// reads without copying (layout in README.md, "Snapshot"). Immutable: writes of the
// block live in multi-version memory (mvmemory.ts).

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

// Account record (words); a table slot holds its word offset (0: empty).
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
export const SA_WORDS = 28;
export const SF_HAS_STORAGE = 1;

// Storage entry (words): slot key bytes, value bytes.
const SE_WORDS = 16;

/**
 * Serialised accounts (record, storage table and entries; code offset left out, the
 * storage table offset relative to the record) by Account object. Only accounts no
 * state may mutate in place any more are kept (see WorldState.mayChange): every later
 * block whose state still holds the object reuses its words instead of encoding its
 * storage again, so a block's snapshot costs about a copy of the state, not its
 * re-encoding.
 */
const chunks = new WeakMap<Readonly<Account>, Chunk>();

interface Chunk {
  words: Int32Array;
  /** The code hash as a key (identical code is stored once), null without code. */
  codeKey: string | null;
}

/** Serialises `state` (accounts, storage, code; identical code stored once). */
export function serializeSnapshot(state: WorldState): SharedArrayBuffer {
  const accounts = [...state.peekAccounts()];
  const accSlots = nextPow2(Math.max(16, accounts.length * 2));
  let words = HEADER_WORDS + accSlots;
  const parts: Chunk[] = new Array(accounts.length);
  const codeAt = new Map<string, number>();
  let codeBytes = 0;
  for (let i = 0; i < accounts.length; i++) {
    const [addr, a] = accounts[i];
    let chunk = chunks.get(a);
    if (chunk === undefined) {
      chunk = { words: accountWords(addr, a), codeKey: a.code.length === 0 ? null : bytesToKey(a.codeHash) };
      if (!state.mayChange(addr)) chunks.set(a, chunk);
    }
    parts[i] = chunk;
    words += chunk.words.length;
    const h = chunk.codeKey;
    if (h === null || codeAt.has(h)) continue;
    codeAt.set(h, codeBytes);
    codeBytes += (a.code.length + 7) & ~7;
  }
  const codeBase = words * 4;
  const sab = new SharedArrayBuffer(codeBase + codeBytes);
  const i32 = new Int32Array(sab);
  const u8 = new Uint8Array(sab);
  i32[H_MAGIC] = MAGIC;
  i32[H_ACC_SLOTS] = accSlots;
  i32[H_ACC_COUNT] = accounts.length;
  const written = new Set<string>();
  let r = HEADER_WORDS + accSlots;
  for (let i = 0; i < accounts.length; i++) {
    const a = accounts[i][1];
    const { words: chunk, codeKey: h } = parts[i];
    // Most chunks are short (accounts without storage), where a loop beats set()'s call.
    if (chunk.length <= 64) for (let k = 0; k < chunk.length; k++) i32[r + k] = chunk[k];
    else i32.set(chunk, r);
    i32[r + SA_STOR_TABLE] = r + SA_WORDS;
    let s = hashWords(1, i32, r + SA_ADDR, 5) & (accSlots - 1);
    while (i32[HEADER_WORDS + s] !== 0) s = (s + 1) & (accSlots - 1);
    i32[HEADER_WORDS + s] = r;
    if (h !== null) {
      const off = codeBase + codeAt.get(h)!;
      if (!written.has(h)) {
        u8.set(a.code, off);
        written.add(h);
      }
      i32[r + SA_CODE_OFF] = off;
      i32[r + SA_CODE_LEN] = a.code.length;
    }
    r += chunk.length;
  }
  return sab;
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
      if (i32[r] === key[at] && i32[r + 1] === key[at + 1] && i32[r + 2] === key[at + 2] && i32[r + 3] === key[at + 3] && i32[r + 4] === key[at + 4]) return r;
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
