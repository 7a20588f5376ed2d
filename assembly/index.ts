// The module's exports: what the TypeScript host calls. Everything crosses as
// i32 pointers into the fixed regions of shared/config.ts; bulk data moves
// through buffers the host allocates with alloc().
import {
  PARAMS, P_FLAGS, HOST_IO, H_ADDRESS, H_SLOT, H_WORD, H_BALANCE, H_NONCE, H_CODE_HASH, H_CODE_SIZE,
  H_ACCOUNT_FLAGS, A_EXISTS, MSG, M_KIND, M_CALLER, M_TO, M_VALUE, M_GAS, M_INPUT_PTR, M_INPUT_LEN,
  M_CODE_PTR, M_CODE_LEN, M_STATUS, M_GAS_LEFT, M_REFUND, M_OUTPUT_PTR, M_OUTPUT_LEN, M_CREATED,
  F_EIP161, W_DELETED, W_ACCOUNT, W_CODE, W_STORAGE_CLEARED,
} from './shared/config';
import * as U from './u256';
import {
  stateInit, stateReset, codeCacheMaintain, account, accPtr, accIsEmpty, accCount, setBalance, setNonce, touch,
  ensureExists, warmAccount, slot, warmSlot, slCount, slotPtr, accCode,
  AC_ADDR, AC_FLAGS, AC_NONCE, AC_BALANCE, AC_CODE_HASH, AC_CODE_SIZE, AC_ORIG_FLAGS, AC_ORIG_NONCE,
  AC_ORIG_BALANCE, AC_ORIG_CODE_HASH, AF_EXISTS, AF_TOUCHED, AF_DESTRUCTED, AF_NEW_STORAGE, AF_NEW_CODE,
  SL_ACC, SL_KEY, SL_ORIGINAL, SL_CURRENT, CE_CODE, logBase, setCode, codeFromBytes, emptyCodeEntry, EMPTY_CODE_HASH, logLen, logCount, ensureCapacity, capResult,
} from './state';
import { interpreterInit, runMessage } from './interpreter';
import * as I from './interpreter';

stateInit();
interpreterInit();

export function alloc(len: u32): usize {
  return heap.alloc(<usize>(len == 0 ? 1 : len));
}

export function free(ptr: usize): void {
  heap.free(ptr);
}

/** The host has written GAS_TABLE and PARAMS for a fork. */
export function setFork(): void {
  I.configure();
}

/** Starts a transaction: forgets all cached state of the previous one. */
export function txBegin(): void {
  codeCacheMaintain();
  I.trimBuffers();
  stateReset();
}

/** Account at H_ADDRESS -> H_BALANCE (BE), H_NONCE, H_CODE_HASH, H_CODE_SIZE, H_ACCOUNT_FLAGS. */
export function loadAccount(): void {
  const idx = account(HOST_IO + H_ADDRESS);
  const p = accPtr(idx);
  U.storeBE(p + AC_BALANCE, HOST_IO + H_BALANCE);
  store<u64>(HOST_IO + H_NONCE, load<u64>(p + AC_NONCE));
  memory.copy(HOST_IO + H_CODE_HASH, p + AC_CODE_HASH, 32);
  store<u32>(HOST_IO + H_CODE_SIZE, load<u32>(p + AC_CODE_SIZE));
  store<u32>(HOST_IO + H_ACCOUNT_FLAGS, (load<u32>(p + AC_FLAGS) & AF_EXISTS) ? A_EXISTS : 0);
}

const AMOUNT: usize = memory.data(64, 16);

/** Adds (or with negative != 0 subtracts) the BE amount at H_WORD to H_ADDRESS's balance; 1 on underflow. */
export function addBalance(negative: i32): i32 {
  const idx = account(HOST_IO + H_ADDRESS);
  const p = accPtr(idx);
  U.loadBE(HOST_IO + H_WORD, 32, AMOUNT);
  if (negative) {
    if (U.lt(p + AC_BALANCE, AMOUNT)) return 1;
    U.sub(p + AC_BALANCE, AMOUNT, AMOUNT + 32);
  } else U.add(p + AC_BALANCE, AMOUNT, AMOUNT + 32);
  ensureExists(idx);
  setBalance(idx, AMOUNT + 32);
  touch(idx);
  return 0;
}

/** Sets H_ADDRESS's nonce to H_NONCE. */
export function setAccountNonce(): void {
  const idx = account(HOST_IO + H_ADDRESS);
  ensureExists(idx);
  setNonce(idx, load<u64>(HOST_IO + H_NONCE));
  touch(idx);
}

/** H_ADDRESS's code: 0 empty, 1 an EIP-7702 delegation designator, 2 other code. */
export function codeKind(): i32 {
  const idx = account(HOST_IO + H_ADDRESS);
  const len = load<u32>(accPtr(idx) + AC_CODE_SIZE);
  if (len == 0) return 0;
  if (len != 23) return 2;
  const c = accCode(idx) + CE_CODE;
  return load<u8>(c) == 0xef && load<u8>(c, 1) == 0x01 && load<u8>(c, 2) == 0x00 ? 1 : 2;
}

/** Pointer to H_ADDRESS's code (length: H_CODE_SIZE after loadAccount); valid until the next call. */
export function codePtr(): usize {
  return accCode(account(HOST_IO + H_ADDRESS)) + CE_CODE;
}

/** Sets H_ADDRESS's code to `len` bytes at `ptr` (EIP-7702 delegations; empty clears). */
export function setAccountCode(ptr: usize, len: u32): void {
  const idx = account(HOST_IO + H_ADDRESS);
  ensureExists(idx);
  if (len == 0) setCode(idx, emptyCodeEntry(), 0, EMPTY_CODE_HASH);
  else {
    const e = codeFromBytes(ptr, len, AMOUNT);
    setCode(idx, e, len, AMOUNT);
  }
  touch(idx);
}

export function warmAddress(): void {
  warmAccount(account(HOST_IO + H_ADDRESS));
}

export function warmStorage(): void {
  U.loadBE(HOST_IO + H_SLOT, 32, AMOUNT);
  warmSlot(slot(account(HOST_IO + H_ADDRESS), AMOUNT));
}

/** Runs the message at MSG; writes the M_* results; returns the status. */
export function execute(): i32 {
  const value = AMOUNT;
  U.loadBE(MSG + M_VALUE, 32, value);
  const kind = load<i32>(MSG + M_KIND);
  const status = runMessage(kind, MSG + M_CALLER, MSG + M_TO, value,
    <usize>load<u32>(MSG + M_INPUT_PTR), load<u32>(MSG + M_INPUT_LEN), load<i64>(MSG + M_GAS),
    <usize>load<u32>(MSG + M_CODE_PTR), load<u32>(MSG + M_CODE_LEN), load<i64>(MSG + M_REFUND));
  store<i32>(MSG + M_STATUS, status);
  store<i64>(MSG + M_GAS_LEFT, I.topGasLeft);
  store<i64>(MSG + M_REFUND, I.gRefund);
  store<u32>(MSG + M_OUTPUT_PTR, <u32>I.topOutPtr);
  store<u32>(MSG + M_OUTPUT_LEN, I.topOutLen);
  if (kind == 1) memory.copy(MSG + M_CREATED, MSG + M_TO, 20);
  return status;
}

// ---------------------------------------------------------------- write set

let wsBase: usize = 0;
let wsCap: usize = 0;
let wsLen: usize = 0;
let slotNext: usize = 0; // per slot: next slot of the same account (+1), 0 = end
let slotNextCap: usize = 0;
let accHead: usize = 0; // per account: first slot (+1)
let accHeadCap: usize = 0;

function wsReserve(n: usize): usize {
  wsBase = ensureCapacity(wsBase, wsCap, wsLen + n);
  if (capResult != 0) { wsCap = capResult; capResult = 0; }
  const p = wsBase + wsLen;
  wsLen += n;
  return p;
}

export function writeSetPtr(): usize {
  return wsBase;
}

/**
 * Builds the write set of the transaction (format in shared/config.ts) and
 * returns its length in bytes. Applies EIP-161 (touched empty accounts are
 * deleted) and self-destructs.
 */
export function finalize(): u32 {
  wsLen = 0;
  const nAcc = accCount;
  const nSl = slCount;
  accHead = ensureCapacity(accHead, accHeadCap, <usize>nAcc * 4 + 4);
  if (capResult != 0) { accHeadCap = capResult; capResult = 0; }
  slotNext = ensureCapacity(slotNext, slotNextCap, <usize>nSl * 4 + 4);
  if (capResult != 0) { slotNextCap = capResult; capResult = 0; }
  memory.fill(accHead, 0, <usize>nAcc * 4);
  for (let i: u32 = nSl; i > 0; i--) { // build per-account lists in slot order
    const s = i - 1;
    const a = load<u32>(slotPtr(s) + SL_ACC);
    store<u32>(slotNext + (<usize>s << 2), load<u32>(accHead + (<usize>a << 2)));
    store<u32>(accHead + (<usize>a << 2), s + 1);
  }
  const eip161 = (I.gFlags & F_EIP161) != 0;
  for (let i: u32 = 0; i < nAcc; i++) {
    const p = accPtr(i);
    const f = load<u32>(p + AC_FLAGS);
    const origFlags = load<u32>(p + AC_ORIG_FLAGS);
    const existed = (origFlags & AF_EXISTS) != 0;
    const exists = (f & AF_EXISTS) != 0;
    let deleted = (f & AF_DESTRUCTED) != 0 || (eip161 && (f & AF_TOUCHED) != 0 && exists && accIsEmpty(i));
    if (deleted) {
      if (!existed && (f & AF_DESTRUCTED) == 0) continue;
      const r = wsReserve(24);
      memory.copy(r, p + AC_ADDR, 20);
      store<u32>(r + 20, W_DELETED);
      continue;
    }
    if (!exists) continue;
    let wf: u32 = 0;
    if (!existed || load<u64>(p + AC_NONCE) != load<u64>(p + AC_ORIG_NONCE) || !U.eq(p + AC_BALANCE, p + AC_ORIG_BALANCE) ||
        memory.compare(p + AC_CODE_HASH, p + AC_ORIG_CODE_HASH, 32) != 0) wf |= W_ACCOUNT;
    if ((f & AF_NEW_CODE) != 0) wf |= W_CODE | W_ACCOUNT;
    if ((f & AF_NEW_STORAGE) != 0) wf |= W_STORAGE_CLEARED | W_ACCOUNT;
    // count changed slots
    let nChanged: u32 = 0;
    let s = load<u32>(accHead + (<usize>i << 2));
    while (s != 0) {
      const sp = slotPtr(s - 1);
      if (!U.eq(sp + SL_CURRENT, sp + SL_ORIGINAL)) nChanged++;
      s = load<u32>(slotNext + (<usize>(s - 1) << 2));
    }
    if (wf == 0 && nChanged == 0) continue;
    const codeLen: u32 = (wf & W_CODE) ? load<u32>(p + AC_CODE_SIZE) : 0;
    const r = wsReserve(24 + 8 + 32 + 32 + 4 + <usize>codeLen + 4 + <usize>nChanged * 64);
    const q = accPtr(i); // (no account lookups since p was taken)
    memory.copy(r, q + AC_ADDR, 20);
    store<u32>(r + 20, wf);
    store<u64>(r + 24, load<u64>(q + AC_NONCE));
    U.storeBE(q + AC_BALANCE, r + 32);
    memory.copy(r + 64, q + AC_CODE_HASH, 32);
    store<u32>(r + 96, codeLen);
    if (codeLen) memory.copy(r + 100, accCode(i) + CE_CODE, codeLen);
    let o = r + 100 + <usize>codeLen;
    store<u32>(o, nChanged);
    o += 4;
    s = load<u32>(accHead + (<usize>i << 2));
    while (s != 0) {
      const sp = slotPtr(s - 1);
      if (!U.eq(sp + SL_CURRENT, sp + SL_ORIGINAL)) {
        U.storeBE(sp + SL_KEY, o);
        U.storeBE(sp + SL_CURRENT, o + 32);
        o += 64;
      }
      s = load<u32>(slotNext + (<usize>(s - 1) << 2));
    }
  }
  return <u32>wsLen;
}

/** EIP-3155 tracing: on != 0 runs frames with the traced loop, which calls host.traceStep/traceEnd per operation. */
export function setTrace(on: i32): void {
  I.setTrace(on != 0);
}

export function logsPtr(): usize {
  return logBase;
}
export function logsLength(): u32 {
  return logLen;
}
export function logsCount(): u32 {
  return logCount;
}
