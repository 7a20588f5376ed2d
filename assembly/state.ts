// The transaction's view of the world: accounts, storage slots and transient
// storage, cached in WASM memory so the host is asked once per location per
// transaction (the read set is what the host was asked), plus the journal that
// gives call frames their revert semantics and the logs buffer.
//
// Records live in growable arrays addressed by index (a pointer into them is
// valid only until the next lookup that may insert); hash tables map keys to
// index + 1 with open addressing.
import {
  HOST_IO, H_ADDRESS, H_SLOT, H_WORD, H_BALANCE, H_NONCE, H_CODE_HASH, H_CODE_SIZE, H_ACCOUNT_FLAGS,
  A_EXISTS, A_HAS_STORAGE,
} from './shared/config';
import { loadBE, storeBE, isZero, eq, copy, setZero } from './u256';
import { keccak256 } from './keccak';

// ---------------------------------------------------------------- host imports

@external("host", "account")
declare function hostAccount(): void; // H_ADDRESS -> H_BALANCE, H_NONCE, H_CODE_HASH, H_CODE_SIZE, H_ACCOUNT_FLAGS
@external("host", "storage")
declare function hostStorage(): void; // H_ADDRESS, H_SLOT -> H_WORD
@external("host", "code")
declare function hostCode(dest: usize, len: u32): void; // H_ADDRESS, H_CODE_HASH -> len bytes at dest

// ---------------------------------------------------------------- growable arrays

/**
 * Grows a heap block to at least `need` bytes (doubling); returns the possibly
 * moved pointer and sets capResult to the new capacity (0 when unchanged).
 */
export function ensureCapacity(ptr: usize, cap: usize, need: usize): usize {
  capResult = 0;
  if (need <= cap) return ptr;
  let n: usize = cap < 64 ? 64 : cap;
  while (n < need) n <<= 1;
  if (n > MAX_BLOCK) n = need; // the allocator's blocks stay under 1 GiB
  const p = ptr == 0 ? heap.alloc(n) : heap.realloc(ptr, n);
  capResult = n;
  return p;
}
export let capResult: usize = 0;
const MAX_BLOCK: usize = (1 << 30) - (1 << 12);

// ---------------------------------------------------------------- accounts

// Account record layout.
export const AC_ADDR: usize = 0; // 20 bytes
export const AC_FLAGS: usize = 20; // u32
export const AC_NONCE: usize = 24; // u64
export const AC_BALANCE: usize = 32; // word
export const AC_CODE_HASH: usize = 64; // 32 bytes BE
export const AC_CODE_SIZE: usize = 96; // u32
export const AC_CODE: usize = 100; // u32 code entry pointer, 0 = not loaded
export const AC_ORIG_FLAGS: usize = 104; // u32 flags at load
export const AC_ORIG_NONCE: usize = 112; // u64
export const AC_ORIG_BALANCE: usize = 128; // word
export const AC_ORIG_CODE_HASH: usize = 160; // 32 bytes
export const AC_SIZE: usize = 192;

// Account flags.
export const AF_EXISTS: u32 = 1;
export const AF_WARM: u32 = 2;
export const AF_TOUCHED: u32 = 4; // EIP-161
export const AF_CREATED: u32 = 8; // created in this transaction (EIP-6780)
export const AF_DESTRUCTED: u32 = 16;
export const AF_NEW_STORAGE: u32 = 32; // storage starts empty (created here): slot misses read zero
export const AF_HAS_STORAGE: u32 = 64; // had storage at load (EIP-7610 collision)
export const AF_NEW_CODE: u32 = 128; // code was set in this transaction

export let accBase: usize = 0;
let accCap: usize = 0;
export let accCount: u32 = 0;
let accTable: usize = 0; // u32 slots: index + 1
let accMask: u32 = 0;

@inline
export function accPtr(idx: u32): usize {
  return accBase + <usize>idx * AC_SIZE;
}

@inline
function hashAddress(a: usize): u32 {
  let h = load<u64>(a) * 0x9E3779B97F4A7C15 ^ load<u64>(a, 8) * 0xC2B2AE3D27D4EB4F ^ <u64>load<u32>(a, 16) * 0x165667B19E3779F9;
  h ^= h >> 29;
  return <u32>h;
}

@inline
function addrEq(a: usize, b: usize): bool {
  return load<u64>(a) == load<u64>(b) && load<u64>(a, 8) == load<u64>(b, 8) && load<u32>(a, 16) == load<u32>(b, 16);
}

function tableAlloc(slots: u32): usize {
  const p = heap.alloc(<usize>slots * 4);
  memory.fill(p, 0, <usize>slots * 4);
  return p;
}

function accRehash(): void {
  const slots = (accMask + 1) << 1;
  heap.free(accTable);
  accTable = tableAlloc(slots);
  accMask = slots - 1;
  for (let i: u32 = 0; i < accCount; i++) {
    let s = hashAddress(accPtr(i)) & accMask;
    while (load<u32>(accTable + (<usize>s << 2)) != 0) s = (s + 1) & accMask;
    store<u32>(accTable + (<usize>s << 2), i + 1);
  }
}

/** Index of the account, loading it from the host on first use in this transaction. */
export function account(addr: usize): u32 {
  let s = hashAddress(addr) & accMask;
  while (true) {
    const v = load<u32>(accTable + (<usize>s << 2));
    if (v == 0) break;
    if (addrEq(accPtr(v - 1), addr)) return v - 1;
    s = (s + 1) & accMask;
  }
  // Miss: ask the host.
  memory.copy(HOST_IO + H_ADDRESS, addr, 20);
  hostAccount();
  const idx = accCount++;
  accBase = ensureCapacity(accBase, accCap, <usize>accCount * AC_SIZE);
  if (capResult != 0) { accCap = capResult; capResult = 0; }
  const p = accPtr(idx);
  memory.fill(p, 0, AC_SIZE);
  memory.copy(p + AC_ADDR, addr, 20);
  const hf = load<u32>(HOST_IO + H_ACCOUNT_FLAGS);
  let f: u32 = 0;
  if (hf & A_EXISTS) f |= AF_EXISTS;
  if (hf & A_HAS_STORAGE) f |= AF_HAS_STORAGE;
  store<u32>(p + AC_FLAGS, f);
  store<u32>(p + AC_ORIG_FLAGS, f);
  const nonce = load<u64>(HOST_IO + H_NONCE);
  store<u64>(p + AC_NONCE, nonce);
  store<u64>(p + AC_ORIG_NONCE, nonce);
  loadBE(HOST_IO + H_BALANCE, 32, p + AC_BALANCE);
  copy(p + AC_BALANCE, p + AC_ORIG_BALANCE);
  if (f & AF_EXISTS) {
    memory.copy(p + AC_CODE_HASH, HOST_IO + H_CODE_HASH, 32);
    store<u32>(p + AC_CODE_SIZE, load<u32>(HOST_IO + H_CODE_SIZE));
  } else {
    memory.copy(p + AC_CODE_HASH, EMPTY_CODE_HASH, 32);
    store<u32>(p + AC_CODE_SIZE, 0);
  }
  memory.copy(p + AC_ORIG_CODE_HASH, p + AC_CODE_HASH, 32);
  store<u32>(accTable + (<usize>s << 2), idx + 1);
  if (accCount * 2 > accMask) accRehash();
  return idx;
}

/** keccak256 of the empty string, big-endian. */
export const EMPTY_CODE_HASH: usize = memory.data<u8>([
  0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0,
  0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70,
]);

@inline
export function accFlags(idx: u32): u32 {
  return load<u32>(accPtr(idx) + AC_FLAGS);
}

/** EIP-161 empty: no code, zero nonce, zero balance. */
export function accIsEmpty(idx: u32): bool {
  const p = accPtr(idx);
  return load<u64>(p + AC_NONCE) == 0 && load<u32>(p + AC_CODE_SIZE) == 0 && isZero(p + AC_BALANCE);
}

/** Exists and is not EIP-161 empty. */
export function accIsLive(idx: u32): bool {
  return (accFlags(idx) & AF_EXISTS) != 0 && !accIsEmpty(idx);
}

// ---------------------------------------------------------------- journal

// Entry: kind u32, index u32, old value (32 bytes) -> 40 bytes.
const J_SIZE: usize = 40;
const J_BALANCE: u32 = 1;
const J_NONCE: u32 = 2;
const J_FLAGS: u32 = 3;
const J_STORAGE: u32 = 4;
const J_TSTORAGE: u32 = 5;
const J_ACC_WARM: u32 = 6;
const J_SLOT_WARM: u32 = 7;
const J_CODE: u32 = 8; // old code hash, size, entry (code set by CREATE)

let jBase: usize = 0;
let jCap: usize = 0;
export let jLen: u32 = 0;

function journal(kind: u32, idx: u32): usize {
  const i = jLen++;
  jBase = ensureCapacity(jBase, jCap, <usize>jLen * J_SIZE);
  if (capResult != 0) { jCap = capResult; capResult = 0; }
  const e = jBase + <usize>i * J_SIZE;
  store<u32>(e, kind);
  store<u32>(e, idx, 4);
  return e + 8;
}

/** Undoes journal entries back to length `to`. */
export function revertTo(to: u32): void {
  while (jLen > to) {
    jLen--;
    const e = jBase + <usize>jLen * J_SIZE;
    const kind = load<u32>(e);
    const idx = load<u32>(e, 4);
    const old = e + 8;
    if (kind == J_BALANCE) copy(old, accPtr(idx) + AC_BALANCE);
    else if (kind == J_NONCE) store<u64>(accPtr(idx) + AC_NONCE, load<u64>(old));
    else if (kind == J_FLAGS) store<u32>(accPtr(idx) + AC_FLAGS, load<u32>(old));
    else if (kind == J_STORAGE) copy(old, slotPtr(idx) + SL_CURRENT);
    else if (kind == J_TSTORAGE) copy(old, tslotPtr(idx) + SL_CURRENT);
    else if (kind == J_ACC_WARM) store<u32>(accPtr(idx) + AC_FLAGS, load<u32>(accPtr(idx) + AC_FLAGS) & ~AF_WARM);
    else if (kind == J_SLOT_WARM) store<u32>(slotPtr(idx) + SL_FLAGS, load<u32>(slotPtr(idx) + SL_FLAGS) & ~SF_WARM);
    else if (kind == J_CODE) {
      const p = accPtr(idx);
      memory.copy(p + AC_CODE_HASH, old, 32);
      store<u32>(p + AC_CODE_SIZE, 0);
      store<u32>(p + AC_CODE, 0);
    }
  }
}

// ---------------------------------------------------------------- account mutations (journaled)

export function setFlags(idx: u32, f: u32): void {
  const p = accPtr(idx);
  const old = load<u32>(p + AC_FLAGS);
  if (old == f) return;
  store<u32>(journal(J_FLAGS, idx), old);
  store<u32>(p + AC_FLAGS, f);
}

export function touch(idx: u32): void {
  const f = accFlags(idx);
  if ((f & AF_TOUCHED) == 0) setFlags(idx, f | AF_TOUCHED);
}

/** Marks an account as existing (it receives value or is created). */
export function ensureExists(idx: u32): void {
  const f = accFlags(idx);
  if ((f & AF_EXISTS) == 0) setFlags(idx, f | AF_EXISTS);
}

export function setBalance(idx: u32, word: usize): void {
  const p = accPtr(idx);
  copy(p + AC_BALANCE, journal(J_BALANCE, idx));
  copy(word, p + AC_BALANCE);
}

export function setNonce(idx: u32, n: u64): void {
  const p = accPtr(idx);
  store<u64>(journal(J_NONCE, idx), load<u64>(p + AC_NONCE));
  store<u64>(p + AC_NONCE, n);
}

/** Sets code created in this transaction (entry from code.ts). */
export function setCode(idx: u32, entry: usize, len: u32, hash: usize): void {
  const p = accPtr(idx);
  memory.copy(journal(J_CODE, idx), p + AC_CODE_HASH, 32);
  memory.copy(p + AC_CODE_HASH, hash, 32);
  store<u32>(p + AC_CODE_SIZE, len);
  store<u32>(p + AC_CODE, <u32>entry);
  store<u32>(p + AC_FLAGS, load<u32>(p + AC_FLAGS) | AF_NEW_CODE); // sticky: write set compares hashes
}

/** Warms an account; returns true if it was cold. */
export function warmAccount(idx: u32): bool {
  const p = accPtr(idx);
  const f = load<u32>(p + AC_FLAGS);
  if (f & AF_WARM) return false;
  store<u32>(p + AC_FLAGS, f | AF_WARM);
  journal(J_ACC_WARM, idx);
  return true;
}

// ---------------------------------------------------------------- storage slots

export const SL_ACC: usize = 0; // u32 account index
export const SL_FLAGS: usize = 4; // u32
export const SL_KEY: usize = 8; // word (little-endian limbs)
export const SL_ORIGINAL: usize = 40; // word: value at transaction start
export const SL_CURRENT: usize = 72; // word
export const SL_SIZE: usize = 104;
export const SF_WARM: u32 = 1;

let slBase: usize = 0;
let slCap: usize = 0;
export let slCount: u32 = 0;
let slTable: usize = 0;
let slMask: u32 = 0;

@inline
export function slotPtr(idx: u32): usize {
  return slBase + <usize>idx * SL_SIZE;
}

@inline
function hashSlot(acc: u32, key: usize): u32 {
  let h = (load<u64>(key) ^ <u64>acc * 0x9E3779B97F4A7C15) * 0xC2B2AE3D27D4EB4F;
  h ^= load<u64>(key, 8) * 0x165667B19E3779F9 ^ load<u64>(key, 16) * 0x27D4EB2F165667C5 ^ load<u64>(key, 24);
  h ^= h >> 31;
  h *= 0x9E3779B97F4A7C15;
  return <u32>(h >> 32);
}

function slRehash(): void {
  const slots = (slMask + 1) << 1;
  heap.free(slTable);
  slTable = tableAlloc(slots);
  slMask = slots - 1;
  for (let i: u32 = 0; i < slCount; i++) {
    const p = slotPtr(i);
    let s = hashSlot(load<u32>(p + SL_ACC), p + SL_KEY) & slMask;
    while (load<u32>(slTable + (<usize>s << 2)) != 0) s = (s + 1) & slMask;
    store<u32>(slTable + (<usize>s << 2), i + 1);
  }
}

/** Index of storage slot `key` (a word) of account `acc`, loading it from the host on a miss. */
export function slot(acc: u32, key: usize): u32 {
  let s = hashSlot(acc, key) & slMask;
  while (true) {
    const v = load<u32>(slTable + (<usize>s << 2));
    if (v == 0) break;
    const p = slotPtr(v - 1);
    if (load<u32>(p + SL_ACC) == acc && eq(p + SL_KEY, key)) return v - 1;
    s = (s + 1) & slMask;
  }
  const idx = slCount++;
  slBase = ensureCapacity(slBase, slCap, <usize>slCount * SL_SIZE);
  if (capResult != 0) { slCap = capResult; capResult = 0; }
  const p = slotPtr(idx);
  store<u32>(p + SL_ACC, acc);
  store<u32>(p + SL_FLAGS, 0);
  copy(key, p + SL_KEY);
  const af = accFlags(acc);
  if ((af & AF_NEW_STORAGE) != 0 || (af & AF_EXISTS) == 0) {
    setZero(p + SL_ORIGINAL);
  } else {
    memory.copy(HOST_IO + H_ADDRESS, accPtr(acc) + AC_ADDR, 20);
    storeBE(key, HOST_IO + H_SLOT);
    hostStorage();
    loadBE(HOST_IO + H_WORD, 32, p + SL_ORIGINAL);
  }
  copy(p + SL_ORIGINAL, p + SL_CURRENT);
  store<u32>(slTable + (<usize>s << 2), idx + 1);
  if (slCount * 2 > slMask) slRehash();
  return idx;
}

export function setSlot(idx: u32, word: usize): void {
  const p = slotPtr(idx);
  copy(p + SL_CURRENT, journal(J_STORAGE, idx));
  copy(word, p + SL_CURRENT);
}

/** Warms a slot; returns true if it was cold. */
export function warmSlot(idx: u32): bool {
  const p = slotPtr(idx);
  const f = load<u32>(p + SL_FLAGS);
  if (f & SF_WARM) return false;
  store<u32>(p + SL_FLAGS, f | SF_WARM);
  journal(J_SLOT_WARM, idx);
  return true;
}

// ---------------------------------------------------------------- transient storage (EIP-1153)

let tsBase: usize = 0;
let tsCap: usize = 0;
let tsCount: u32 = 0;
let tsTable: usize = 0;
let tsMask: u32 = 0;

@inline
export function tslotPtr(idx: u32): usize {
  return tsBase + <usize>idx * SL_SIZE;
}

function tsRehash(): void {
  const slots = (tsMask + 1) << 1;
  heap.free(tsTable);
  tsTable = tableAlloc(slots);
  tsMask = slots - 1;
  for (let i: u32 = 0; i < tsCount; i++) {
    const p = tslotPtr(i);
    let s = hashSlot(load<u32>(p + SL_ACC), p + SL_KEY) & tsMask;
    while (load<u32>(tsTable + (<usize>s << 2)) != 0) s = (s + 1) & tsMask;
    store<u32>(tsTable + (<usize>s << 2), i + 1);
  }
}

/** Index of transient slot `key` of account `acc` (created zero on first use). */
export function tslot(acc: u32, key: usize): u32 {
  let s = hashSlot(acc, key) & tsMask;
  while (true) {
    const v = load<u32>(tsTable + (<usize>s << 2));
    if (v == 0) break;
    const p = tslotPtr(v - 1);
    if (load<u32>(p + SL_ACC) == acc && eq(p + SL_KEY, key)) return v - 1;
    s = (s + 1) & tsMask;
  }
  const idx = tsCount++;
  tsBase = ensureCapacity(tsBase, tsCap, <usize>tsCount * SL_SIZE);
  if (capResult != 0) { tsCap = capResult; capResult = 0; }
  const p = tslotPtr(idx);
  store<u32>(p + SL_ACC, acc);
  copy(key, p + SL_KEY);
  setZero(p + SL_CURRENT);
  store<u32>(tsTable + (<usize>s << 2), idx + 1);
  if (tsCount * 2 > tsMask) tsRehash();
  return idx;
}

export function setTslot(idx: u32, word: usize): void {
  const p = tslotPtr(idx);
  copy(p + SL_CURRENT, journal(J_TSTORAGE, idx));
  copy(word, p + SL_CURRENT);
}

// ---------------------------------------------------------------- logs

// Record: [address 20][topic count u32][data length u32][topics 32 x n BE][data]
export let logBase: usize = 0;
let logCap: usize = 0;
export let logLen: u32 = 0; // bytes
export let logCount: u32 = 0;

/** Reserves a log record; returns its pointer (valid until the next log). */
export function logAppend(addr: usize, topics: u32, dataLen: u32): usize {
  const size = 28 + topics * 32 + dataLen;
  const at = logLen;
  logLen += size;
  logBase = ensureCapacity(logBase, logCap, <usize>logLen);
  if (capResult != 0) { logCap = capResult; capResult = 0; }
  const p = logBase + at;
  memory.copy(p, addr, 20);
  store<u32>(p, topics, 20);
  store<u32>(p, dataLen, 24);
  logCount++;
  return p;
}

/** Truncates logs to a checkpoint (count, bytes). */
export function logTruncate(count: u32, len: u32): void {
  logCount = count;
  logLen = len;
}

// ---------------------------------------------------------------- transaction lifecycle

export function stateInit(): void {
  accMask = 255;
  accTable = tableAlloc(accMask + 1);
  slMask = 1023;
  slTable = tableAlloc(slMask + 1);
  tsMask = 63;
  tsTable = tableAlloc(tsMask + 1);
}

// Emptying a table: a transaction typically uses a few of its slots (and a table
// grown by one big transaction stays big), so zero the used slots when there are
// few, found by probing as a lookup does, and the whole table otherwise.
@inline
function clearSlot(table: usize, mask: u32, s: u32, v: u32): void {
  while (load<u32>(table + (<usize>s << 2)) != v) s = (s + 1) & mask;
  store<u32>(table + (<usize>s << 2), 0);
}

function accTableClear(): void {
  if (accCount * 16 > accMask) { memory.fill(accTable, 0, <usize>(accMask + 1) * 4); return; }
  for (let i: u32 = 0; i < accCount; i++) clearSlot(accTable, accMask, hashAddress(accPtr(i)) & accMask, i + 1);
}

function slTableClear(): void {
  if (slCount * 16 > slMask) { memory.fill(slTable, 0, <usize>(slMask + 1) * 4); return; }
  for (let i: u32 = 0; i < slCount; i++) {
    const p = slotPtr(i);
    clearSlot(slTable, slMask, hashSlot(load<u32>(p + SL_ACC), p + SL_KEY) & slMask, i + 1);
  }
}

function tsTableClear(): void {
  if (tsCount * 16 > tsMask) { memory.fill(tsTable, 0, <usize>(tsMask + 1) * 4); return; }
  for (let i: u32 = 0; i < tsCount; i++) {
    const p = tslotPtr(i);
    clearSlot(tsTable, tsMask, hashSlot(load<u32>(p + SL_ACC), p + SL_KEY) & tsMask, i + 1);
  }
}

/** Forgets everything of the previous transaction. */
export function stateReset(): void {
  accTableClear();
  slTableClear();
  tsTableClear();
  accCount = 0;
  slCount = 0;
  tsCount = 0;
  jLen = 0;
  logLen = 0;
  logCount = 0;
}

// ---------------------------------------------------------------- code

// Code entry: [hash 32][length u32][analysed u32][blocks stamp u32][pad 4]
// [code, length + 33 zero bytes][JUMPDEST bitmap][pad to 4][block table: u32 per code byte]
// The block table (interpreter.ts, analyseBlocks) depends on the fork's opcode table, so
// it carries that table's stamp and is rebuilt when another fork runs the code.
export const CE_HASH: usize = 0;
export const CE_LEN: usize = 32;
export const CE_ANALYSED: usize = 36;
export const CE_BLOCKS_STAMP: usize = 40;
export const CE_CODE: usize = 48;
export const CODE_PAD: u32 = 33;

@inline function bitmapBytes(len: u32): usize {
  return (<usize>len + CODE_PAD + 7) >> 3;
}

@inline function blocksOffset(len: u32): usize {
  return (CE_CODE + <usize>len + CODE_PAD + bitmapBytes(len) + 3) & ~<usize>3;
}

/** Bytes of the entry for `len` code bytes. */
@inline function codeEntrySize(len: u32): usize {
  return blocksOffset(len) + ((<usize>len + CODE_PAD) << 2);
}

/** Allocates an entry for `len` code bytes (zeroed padding, bitmap and blocks unanalysed). */
export function codeEntryAlloc(len: u32): usize {
  const e = heap.alloc(codeEntrySize(len));
  // (the block table is written by its analysis before any read)
  memory.fill(e + CE_CODE + len, 0, blocksOffset(len) - CE_CODE - len);
  store<u32>(e + CE_LEN, len);
  store<u32>(e + CE_ANALYSED, 0);
  store<u32>(e + CE_BLOCKS_STAMP, 0);
  return e;
}

@inline
export function codeBitmap(e: usize): usize {
  return e + CE_CODE + <usize>load<u32>(e + CE_LEN) + CODE_PAD;
}

/** The entry's block table: a u32 per code position (and its padding), see analyseBlocks. */
@inline
export function codeBlocks(e: usize): usize {
  return e + blocksOffset(load<u32>(e + CE_LEN));
}

/** Bytes of data following opcode `op` in code: n for PUSHn (1..32), else 0. */
@inline export function pushBytes(op: u32): u32 {
  return op - 0x60 <= 0x1f ? op - 0x5f : 0;
}

/** Marks JUMPDEST positions that are not inside PUSH data (once per entry). */
export function analyse(e: usize): void {
  if (load<u32>(e + CE_ANALYSED)) return;
  const len = load<u32>(e + CE_LEN);
  const code = e + CE_CODE;
  const bm = codeBitmap(e);
  memory.fill(bm, 0, bitmapBytes(len));
  let pc: u32 = 0;
  while (pc < len) {
    const op = load<u8>(code + pc);
    if (op == 0x5b) store<u8>(bm + (pc >> 3), load<u8>(bm + (pc >> 3)) | <u8>(<u32>1 << (pc & 7)));
    pc += 1 + pushBytes(op);
  }
  store<u32>(e + CE_ANALYSED, 1);
}

// Code cache by code hash: persists across transactions (code is immutable by hash).
let ccTable: usize = 0;
let ccMask: u32 = 0;
let ccCount: u32 = 0;
let ccBytes: usize = 0;
// Bounded so that a long-lived instance (a pool worker) stays far below the 64 MiB a
// worker may use: at 256 MiB, the 53 mainnet blocks run three times grew one to 128.
const CODE_CACHE_LIMIT: usize = 24 << 20;

@inline
function hashHash(h: usize): u32 {
  return <u32>load<u64>(h);
}

function ccInsert(e: usize): void {
  if (ccTable == 0 || (ccCount + 1) * 2 > ccMask) {
    const old = ccTable;
    const oldMask = ccMask;
    ccMask = ccTable == 0 ? 1023 : (ccMask << 1) | 1;
    ccTable = tableAlloc(ccMask + 1);
    if (old != 0) {
      for (let i: u32 = 0; i <= oldMask; i++) {
        const v = load<u32>(old + (<usize>i << 2));
        if (v == 0) continue;
        let s = hashHash(v) & ccMask;
        while (load<u32>(ccTable + (<usize>s << 2)) != 0) s = (s + 1) & ccMask;
        store<u32>(ccTable + (<usize>s << 2), v);
      }
      heap.free(old);
    }
  }
  let s = hashHash(e) & ccMask;
  while (load<u32>(ccTable + (<usize>s << 2)) != 0) s = (s + 1) & ccMask;
  store<u32>(ccTable + (<usize>s << 2), <u32>e);
  ccCount++;
  ccBytes += codeEntrySize(load<u32>(e + CE_LEN));
}

function ccFind(hash: usize): usize {
  if (ccTable == 0) return 0;
  let s = hashHash(hash) & ccMask;
  while (true) {
    const v = load<u32>(ccTable + (<usize>s << 2));
    if (v == 0) return 0;
    if (memory.compare(<usize>v + CE_HASH, hash, 32) == 0) return <usize>v;
    s = (s + 1) & ccMask;
  }
}

/** Drops the code cache (entries referenced by the current transaction must not be live). */
export function codeCacheClear(): void {
  if (ccTable == 0) return;
  for (let i: u32 = 0; i <= ccMask; i++) {
    const v = load<u32>(ccTable + (<usize>i << 2));
    if (v != 0) heap.free(v);
  }
  heap.free(ccTable);
  ccTable = 0;
  ccMask = 0;
  ccCount = 0;
  ccBytes = 0;
}

let emptyCode: usize = 0;

/** The shared entry of empty code. */
export function emptyCodeEntry(): usize {
  if (emptyCode == 0) {
    emptyCode = codeEntryAlloc(0);
    memory.copy(emptyCode + CE_HASH, EMPTY_CODE_HASH, 32);
  }
  return emptyCode;
}

/** The code entry of an account, loading the bytes from the host on first use. */
export function accCode(idx: u32): usize {
  let p = accPtr(idx);
  const e = load<u32>(p + AC_CODE);
  if (e != 0) return e;
  const len = load<u32>(p + AC_CODE_SIZE);
  if (len == 0) {
    const e = emptyCodeEntry();
    store<u32>(p + AC_CODE, <u32>e);
    return e;
  }
  let ce = ccFind(p + AC_CODE_HASH);
  if (ce == 0) {
    if (ccBytes > CODE_CACHE_LIMIT) codeCacheClear_unreferenced();
    ce = codeEntryAlloc(len);
    memory.copy(ce + CE_HASH, p + AC_CODE_HASH, 32);
    memory.copy(HOST_IO + H_ADDRESS, p + AC_ADDR, 20);
    memory.copy(HOST_IO + H_CODE_HASH, p + AC_CODE_HASH, 32);
    hostCode(ce + CE_CODE, len);
    ccInsert(ce);
    p = accPtr(idx);
  }
  store<u32>(p + AC_CODE, <u32>ce);
  return ce;
}

/** An entry for code produced in this transaction (hashed here), shared through the cache. */
export function codeFromBytes(src: usize, len: u32, hashOut: usize): usize {
  keccak256(src, len, hashOut);
  let ce = ccFind(hashOut);
  if (ce != 0) return ce;
  ce = codeEntryAlloc(len);
  memory.copy(ce + CE_CODE, src, len);
  memory.copy(ce + CE_HASH, hashOut, 32);
  ccInsert(ce);
  return ce;
}

// Entries loaded by the running transaction are pointed to by its account records, so the
// cache is only cleared between transactions (see txReset in index.ts).
let clearPending = false;
function codeCacheClear_unreferenced(): void {
  clearPending = true;
}
export function codeCacheMaintain(): void {
  if (clearPending) {
    codeCacheClear();
    clearPending = false;
  }
}
