// The EVM interpreter: one dispatch loop over padded bytecode, call frames kept
// in an array (calls and creates never recurse in WASM or JS), and one memory
// buffer per call depth, kept across transactions (a frame's calldata points
// into its caller's buffer, which cannot change while the callee runs).
import * as U from './u256';
import { keccak256 } from './keccak';
import { blake2fGas, blake2fRun, BLAKE2F_OUT } from './blake2f';
import {
  GAS_TABLE, PARAMS, ENV, BLOB_HASHES, HOST_IO,
  P_FLAGS, P_WARM_ACCESS, P_COLD_SLOAD, P_COLD_ACCOUNT, P_SLOAD, P_BALANCE, P_EXTCODE, P_EXTCODEHASH,
  P_SELFDESTRUCT, P_SSTORE_SET, P_SSTORE_RESET, P_SSTORE_CLEAR_REFUND, P_SSTORE_SENTRY, P_SSTORE_DIRTY,
  P_CALL_VALUE, P_CALL_STIPEND, P_NEW_ACCOUNT, P_SELFDESTRUCT_REFUND, P_EXP_BYTE, P_CODE_DEPOSIT,
  P_INITCODE_WORD, P_MAX_CODE_SIZE, P_MAX_INITCODE_SIZE, P_KECCAK_WORD, P_COPY_WORD, P_LOG_BYTE,
  P_MEMORY_WORD, P_PRECOMPILES,
  F_EIP2, F_EIP150, F_EIP161, F_EIP1283, F_EIP2200, F_EIP2929, F_EIP3529, F_EIP3541, F_EIP3860, F_EIP6780,
  F_EIP7610, F_EIP7702, F_EIP7951,
  E_COINBASE, E_TIMESTAMP, E_NUMBER, E_PREVRANDAO, E_GASLIMIT, E_BASEFEE, E_BLOBBASEFEE, E_CHAINID,
  E_ORIGIN, E_GASPRICE, E_BLOB_COUNT,
  H_GAS, H_OUT_PTR, H_OUT_LEN, H_NUMBER, H_WORD,
  S_SUCCESS, S_REVERT, S_OUT_OF_GAS, S_INVALID_OPCODE, S_STACK_UNDERFLOW, S_STACK_OVERFLOW, S_BAD_JUMP,
  S_STATIC_VIOLATION, S_RETURNDATA_OOB, S_CODE_TOO_LARGE, S_CREATE_COLLISION, S_INVALID_CODE_PREFIX, S_PRECOMPILE_FAILURE,
} from './shared/config';
import {
  account, accPtr, accFlags, accIsEmpty, accIsLive, accCode, AC_ADDR, AC_BALANCE, AC_NONCE, AC_CODE_HASH,
  AC_CODE_SIZE, AF_EXISTS, AF_CREATED, AF_DESTRUCTED, AF_NEW_STORAGE, AF_HAS_STORAGE,
  setFlags, touch, ensureExists, setBalance, setNonce, setCode, warmAccount,
  slot, slotPtr, setSlot, warmSlot, SL_ORIGINAL, SL_CURRENT, tslot, tslotPtr, setTslot,
  logAppend, logTruncate, logCount, logLen, revertTo, jLen, ensureCapacity, capResult,
  CE_CODE, CE_LEN, CE_BLOCKS_STAMP, codeBitmap, codeBlocks, analyse, pushBytes, codeEntryAlloc, codeFromBytes, EMPTY_CODE_HASH, emptyCodeEntry,
} from './state';

@external("host", "precompile")
declare function hostPrecompile(id: i32, input: usize, len: u32): i32; // H_GAS in/out, H_OUT_PTR/LEN out

export const MAX_DEPTH: u32 = 1024;
const STACK_LIMIT: u32 = 1024;

// Actions returned by runFrame besides a final S_* status.
const ACT_CHILD: i32 = -1;
const ACT_CONTINUE: i32 = -2;
const ACT_RESUME: i32 = -3; // the frame paused itself: call it again
const ACT_CHECK: i32 = -4; // the frame paused at a block that fails its checks: run it per operation

// V8 has no on-stack replacement for WASM: a loop keeps running the code its function
// was entered with, the unoptimised tier at first. So the untraced loop leaves and
// re-enters the frame every YIELD_JUMPS taken jumps, picking up optimised code once
// V8 has it (measured: loopMul data 2 runs 1.9x faster).
const YIELD_JUMPS: i32 = 1 << 16;
let gYield: i32 = YIELD_JUMPS;

/** Saves the running frame's registers so that runFrame can resume it. */
function yieldFrame(fr: usize, pc: usize, gas: i64, sp: usize, action: i32 = ACT_RESUME): i32 {
  gYield = YIELD_JUMPS;
  store<u32>(fr + FR_PC, <u32>pc);
  store<i64>(fr + FR_GAS, gas);
  store<u32>(fr + FR_SP, <u32>sp);
  store<u32>(fr + FR_MEM_SIZE, <u32>gMemSize);
  return action;
}

// Frame kinds.
const FK_CALL: u32 = 0;
const FK_CALLCODE: u32 = 1;
const FK_DELEGATECALL: u32 = 2;
const FK_STATICCALL: u32 = 3;
const FK_CREATE: u32 = 4;

// Frame record.
const FR_CODE: usize = 0; // u32 code entry
const FR_PC: usize = 4;
const FR_GAS: usize = 8; // i64
const FR_SP: usize = 16;
const FR_ACC: usize = 20; // executing account (storage context, ADDRESS)
const FR_INPUT: usize = 24; // calldata pointer (into the caller's memory buffer)
const FR_MEM_SIZE: usize = 28;
const FR_CALLER: usize = 32; // 20 bytes
const FR_STATIC: usize = 52;
const FR_VALUE: usize = 56; // word
const FR_INPUT_LEN: usize = 88;
const FR_RD_LEN: usize = 92; // length of this frame's return-data buffer
const FR_KIND: usize = 96;
const FR_RET_OFF: usize = 100; // where the caller wants the output (caller memory)
const FR_RET_LEN: usize = 104;
const FR_J: usize = 108; // journal checkpoint
const FR_LOG_COUNT: usize = 112;
const FR_LOG_LEN: usize = 116;
const FR_REFUND: usize = 120; // i64
const FR_TEMP_CODE: usize = 128; // initcode entry to free when the frame ends
const FR_SIZE: usize = 136;

// ---------------------------------------------------------------- globals

let frames: usize = 0;
let stacks: usize = 0; // per depth: u32 stack base
let rdBufs: usize = 0; // per depth: u32 ptr, u32 capacity
export let gDepth: u32 = 0;
export let gFlags: u32 = 0;
export let gRefund: i64 = 0;

let memBufs: usize = 0; // per depth: u32 ptr, u32 capacity
let topInput: usize = 0; // the transaction's calldata: u32 ptr, u32 capacity
let gMem: usize = 0; // current frame's memory
let gMemSize: u64 = 0;

// A halting frame's output, relative to its memory.
let haltOff: u32 = 0;
let haltLen: u32 = 0;

const SCRATCH: usize = memory.data(64, 16); // wordToAddress, KECCAK256, CALLDATALOAD padding
const BAL_TMP: usize = memory.data(32, 16); // transfer / selfdestruct balance arithmetic
const VALUE_TMP: usize = memory.data(32, 16); // CREATE's value word
const ADDR_TMP: usize = memory.data(32, 16); // a created contract's address
const HASH_TMP: usize = memory.data(32, 16); // keccak results (code hash, CREATE2)
const RLP_TMP: usize = memory.data(64, 16); // rlp([sender, nonce]) of CREATE
const STACK_REQ: usize = memory.data(256);
const STACK_GROW: usize = memory.data(256);
// Per opcode: 0 if it ends a basic block (see analyseBlocks), else its net stack
// change plus NET_BIAS.
const BLOCK_NET: usize = memory.data(256);
const NET_BIAS: i32 = 4;

@inline function param(i: i32): i64 {
  return load<i64>(<usize>PARAMS + (<usize>i << 3));
}
@inline function has(flag: i32): bool {
  return (gFlags & <u32>flag) != 0;
}
@inline export function frameAt(d: u32): usize {
  return frames + <usize>d * FR_SIZE;
}

// Per opcode, one u64: static gas (i32, low half; negative = undefined), then the
// lowest allowed stack height in bytes (16 bits) and the span of allowed heights
// above it (16 bits), so that `height - lo <= span` (unsigned) checks both bounds.
const OP_TABLE: usize = memory.data(256 * 8, 8);

// Identifies the opcode table that block tables were built from (FNV-1a of the gas
// column, never 0): code keeps its analysis while the fork's table stays the same.
let gOpStamp: u32 = 0;

/** Reads the fork's behaviour flags and opcode gas after the host wrote PARAMS and GAS_TABLE. */
export function configure(): void {
  gFlags = <u32>load<i64>(<usize>PARAMS + (<usize>P_FLAGS << 3));
  let stamp: u32 = 2166136261;
  for (let op: usize = 0; op < 256; op++) {
    const lo = <u64>load<u8>(STACK_REQ + op) << 5;
    const hi = <u64>(STACK_LIMIT - <u32>load<u8>(STACK_GROW + op)) << 5;
    const gas = <u64><u32>load<i32>(<usize>GAS_TABLE + (op << 2));
    store<u64>(OP_TABLE + (op << 3), gas | (lo << 32) | ((hi - lo) << 48));
    stamp = (stamp ^ <u32>gas) * 16777619;
  }
  gOpStamp = stamp | 1;
}

// ---------------------------------------------------------------- basic blocks
//
// The untraced loop charges static gas and checks stack bounds once per straight run
// of code instead of once per operation. A run is a sequence of operations that can
// only fail by gas or stack (their gas all static, none reading the gas counter, none
// jumping or halting; JUMPDEST included), ended by one operation that may do any of
// that (an "ender"). Execution enters a run at its start (a frame's start or
// resumption, after an ender) or at one of its JUMPDESTs, and then goes through to its
// ender. So each entry point has a block word for the rest of the run from there: on
// entering, the loop charges its summed static gas and checks the entry stack height
// against its bounds. If the charge or a bound fails, some operation up to the ender
// must fail, so the frame goes on in the per-operation loop (runFrameChecked), which
// fails it exactly where and how the operation-by-operation rules say. When the checks
// pass, the gas counter equals the per-operation one at every ender (everything before
// it, and its own static part, is paid), so enders, which charge dynamic gas, read gas
// or call out, see exact values.
//
// Block word (u32, at each operation's position in the entry's block table, for the
// run from that operation to its ender): static gas in bits 0-17, the lowest entry
// height in items (bits 18-24) and the highest growth above it (bits 25-31); BLK_SLOW
// beyond those fields or when an opcode the fork does not define comes first (the
// per-operation loop handles it).
const BLK_GAS: u32 = 0x3ffff;
const BLK_SLOW: u32 = 0xffffffff;

/**
 * A memory operation inside a run ran out of gas for its expansion, with the rest of
 * its run already paid. Whether the per-operation rules fail it here or at a later
 * operation of the run (and how) depends on gas that prepayment took: the frame goes
 * on per operation from this one, the prepaid static gas from here on given back.
 */
function recheckFrom(fr: usize, opPc: usize, gas: i64, sp: usize): i32 {
  const code = <usize>load<u32>(fr + FR_CODE) + CE_CODE;
  let pc = opPc;
  let paid: i64 = 0;
  while (true) { // (the run from a memory operation holds only defined opcodes)
    const op = <usize>load<u8>(code + pc);
    paid += <i64><i32>load<u64>(OP_TABLE + (op << 3));
    pc += 1 + <usize>pushBytes(<u32>op);
    if (load<u8>(BLOCK_NET + op) == 0) break;
  }
  return yieldFrame(fr, opPc, gas + paid, sp, ACT_CHECK);
}

/** Which opcodes stay inside a run, with their net stack change (after the STACK_* tables). */
function initBlockNet(): void {
  memory.fill(BLOCK_NET, 0, 256);
  const m1 = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0b, 0x10, 0x11, 0x12, 0x13, 0x14, 0x16, 0x17, 0x18, 0x1a, 0x1b, 0x1c, 0x1d, 0x50];
  for (let i = 0; i < m1.length; i++) store<u8>(BLOCK_NET + m1[i], <u8>(NET_BIAS - 1));
  store<u8>(BLOCK_NET + 0x08, <u8>(NET_BIAS - 2)); // ADDMOD
  store<u8>(BLOCK_NET + 0x09, <u8>(NET_BIAS - 2)); // MULMOD
  store<u8>(BLOCK_NET + 0x5d, <u8>(NET_BIAS - 2)); // TSTORE (its static-context failure is not a gas one)
  store<u8>(BLOCK_NET + 0x51, <u8>NET_BIAS); // MLOAD, MSTORE, MSTORE8: memory expansion, see recheckFrom
  store<u8>(BLOCK_NET + 0x52, <u8>(NET_BIAS - 2));
  store<u8>(BLOCK_NET + 0x53, <u8>(NET_BIAS - 2));
  const z = [0x15, 0x19, 0x1e, 0x35, 0x40, 0x49, 0x5b, 0x5c];
  for (let i = 0; i < z.length; i++) store<u8>(BLOCK_NET + z[i], <u8>NET_BIAS);
  // What only pushes (getters, PUSHn, DUPn: STACK_GROW), but GAS, which reads the gas counter.
  for (let op = 0; op < 256; op++) if (load<u8>(STACK_GROW + op) == 1 && op != 0x5a) store<u8>(BLOCK_NET + op, <u8>(NET_BIAS + 1));
  for (let op = 0x90; op <= 0x9f; op++) store<u8>(BLOCK_NET + op, <u8>NET_BIAS); // SWAPn
}

const NO_PREV: u32 = 0xffffffff;

/**
 * Builds the entry's block table for the current opcode table (once per code and fork
 * table). Per run: forwards, each operation's slot holds the position of the one
 * before it; backwards from the ender, each slot gets the word for the rest of the run
 * (gas summed, stack bounds carried back through each operation's net change).
 */
function analyseBlocks(ce: usize): void {
  if (load<u32>(ce + CE_BLOCKS_STAMP) == gOpStamp) return;
  const len = load<u32>(ce + CE_LEN);
  const code = ce + CE_CODE;
  const blocks = codeBlocks(ce);
  // Runs tile the code; the last may start at len (after an ender), where the zero
  // padding reads as STOP.
  let pc: u32 = 0;
  while (pc <= len) {
    let prev = NO_PREV;
    let last: u32;
    while (true) {
      const op = <usize>load<u8>(code + pc);
      store<u32>(blocks + (<usize>pc << 2), prev);
      last = pc;
      prev = pc;
      pc += 1 + pushBytes(<u32>op);
      if (<i32>load<u64>(OP_TABLE + (op << 3)) < 0 || load<u8>(BLOCK_NET + op) == 0) break;
    }
    let gas: u64 = 0;
    let lo: i32 = 0, hi: i32 = 0; // for the rest of the run after the operation at p
    let slow = false;
    let p = last;
    while (p != NO_PREV) {
      const op = <usize>load<u8>(code + p);
      const entry = load<u64>(OP_TABLE + (op << 3));
      const link = load<u32>(blocks + (<usize>p << 2));
      if (<i32>entry < 0) slow = true; // (only ever the run's last operation)
      else {
        const net = p == last ? 0 : <i32>load<u8>(BLOCK_NET + op) - NET_BIAS;
        const req = <i32>load<u8>(STACK_REQ + op), grow = <i32>load<u8>(STACK_GROW + op);
        // Entering at p: the operation needs req items and room for grow; the rest
        // needs lo items and room for hi after the net change.
        lo = max(req, lo - net);
        hi = max(grow, hi + net);
        gas += <u64><u32>entry;
      }
      store<u32>(blocks + (<usize>p << 2), slow || gas >= <u64>BLK_GAS || lo > 127 || hi > 127
        ? BLK_SLOW : <u32>gas | (<u32>lo << 18) | (<u32>hi << 25));
      p = link;
    }
  }
  store<u32>(ce + CE_BLOCKS_STAMP, gOpStamp);
}

export function interpreterInit(): void {
  frames = heap.alloc(<usize>(MAX_DEPTH + 1) * FR_SIZE);
  stacks = heap.alloc(<usize>(MAX_DEPTH + 1) * 4);
  memory.fill(stacks, 0, <usize>(MAX_DEPTH + 1) * 4);
  rdBufs = heap.alloc(<usize>(MAX_DEPTH + 1) * 8);
  memory.fill(rdBufs, 0, <usize>(MAX_DEPTH + 1) * 8);
  memBufs = heap.alloc(<usize>(MAX_DEPTH + 1) * 8);
  memory.fill(memBufs, 0, <usize>(MAX_DEPTH + 1) * 8);
  topInput = heap.alloc(8);
  memory.fill(topInput, 0, 8);
  // Stack requirements: items consumed, and net growth for the overflow check.
  for (let op = 0; op < 256; op++) { store<u8>(STACK_REQ + op, 0); store<u8>(STACK_GROW + op, 0); }
  const req2 = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0a, 0x0b, 0x10, 0x11, 0x12, 0x13, 0x14, 0x16, 0x17, 0x18, 0x1a, 0x1b, 0x1c, 0x1d,
    0x20, 0x52, 0x53, 0x55, 0x57, 0x5d, 0xf3, 0xfd, 0xa0];
  // (array literal only at init; never in the loop)
  for (let i = 0; i < req2.length; i++) store<u8>(STACK_REQ + req2[i], 2);
  const req1 = [0x15, 0x19, 0x1e, 0x31, 0x35, 0x3b, 0x3f, 0x40, 0x49, 0x50, 0x51, 0x54, 0x56, 0x5c, 0xff];
  for (let i = 0; i < req1.length; i++) store<u8>(STACK_REQ + req1[i], 1);
  const req3 = [0x08, 0x09, 0x37, 0x39, 0x3e, 0x5e, 0xf0, 0xa1];
  for (let i = 0; i < req3.length; i++) store<u8>(STACK_REQ + req3[i], 3);
  store<u8>(STACK_REQ + 0x3c, 4); store<u8>(STACK_REQ + 0xf5, 4); store<u8>(STACK_REQ + 0xa2, 4);
  store<u8>(STACK_REQ + 0xa3, 5); store<u8>(STACK_REQ + 0xa4, 6);
  store<u8>(STACK_REQ + 0xf1, 7); store<u8>(STACK_REQ + 0xf2, 7); store<u8>(STACK_REQ + 0xf4, 6); store<u8>(STACK_REQ + 0xfa, 6);
  const push1 = [0x30, 0x32, 0x33, 0x34, 0x36, 0x38, 0x3a, 0x3d, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x4a, 0x58, 0x59, 0x5a, 0x5f];
  for (let i = 0; i < push1.length; i++) store<u8>(STACK_GROW + push1[i], 1);
  for (let op = 0x60; op <= 0x7f; op++) store<u8>(STACK_GROW + op, 1);
  for (let n = 1; n <= 16; n++) {
    store<u8>(STACK_REQ + 0x7f + n, <u8>n); store<u8>(STACK_GROW + 0x7f + n, 1); // DUPn
    store<u8>(STACK_REQ + 0x8f + n, <u8>(n + 1)); // SWAPn
  }
  initBlockNet();
}

function stackFor(d: u32): usize {
  let s = <usize>load<u32>(stacks + (<usize>d << 2));
  if (s == 0) {
    s = heap.alloc(<usize>STACK_LIMIT * 32 + 64);
    store<u32>(stacks + (<usize>d << 2), <u32>s);
  }
  return s;
}

const TRIM_ABOVE: u32 = 16 << 20;
let bigBuffers = false; // a per-depth buffer grew past TRIM_ABOVE since the last trim

function bufEnsure(table: usize, d: u32, need: u32): usize {
  const e = table + (<usize>d << 3);
  const p = ensureCapacity(<usize>load<u32>(e), <usize>load<u32>(e, 4), <usize>need);
  if (capResult != 0) {
    store<u32>(e, <u32>capResult, 4);
    if (<u32>capResult > TRIM_ABOVE) bigBuffers = true;
  }
  store<u32>(e, <u32>p);
  return p;
}
@inline function inputPtr(fr: usize): usize { return <usize>load<u32>(fr + FR_INPUT); }
@inline function memBuf(d: u32): usize { return <usize>load<u32>(memBufs + (<usize>d << 3)); }

/** Returns large per-depth buffers to the allocator between transactions. */
export function trimBuffers(): void {
  if (!bigBuffers) return;
  bigBuffers = false;
  for (let d: u32 = 0; d <= MAX_DEPTH; d++) {
    const m = memBufs + (<usize>d << 3);
    if (load<u32>(m, 4) > TRIM_ABOVE) { heap.free(<usize>load<u32>(m)); store<u64>(m, 0); }
    const r = rdBufs + (<usize>d << 3);
    if (load<u32>(r, 4) > TRIM_ABOVE) { heap.free(<usize>load<u32>(r)); store<u64>(r, 0); }
  }
}
@inline function rdBuf(d: u32): usize { return <usize>load<u32>(rdBufs + (<usize>d << 3)); }

// ---------------------------------------------------------------- memory

@inline function memCost(words: u64): u64 {
  return words * <u64>param(P_MEMORY_WORD) + ((words * words) >> 9);
}

// Expansion beyond this is treated as out of gas: its quadratic cost (~2^40 gas) is
// far above any block's gas, and the allocator's largest block is just under 1 GiB.
const MEM_LIMIT: u64 = (1 << 30) - (1 << 16);

/** Charges and performs expansion of the current frame's memory to `end` bytes; returns gas left or -1. */
@inline function memExpand(gas: i64, end: u64): i64 {
  return end <= gMemSize ? gas : memGrow(gas, end); // most accesses need no growth: no call
}

function memGrow(gas: i64, end: u64): i64 {
  if (end > MEM_LIMIT) return -1;
  const newWords = (end + 31) >> 5;
  const oldWords = gMemSize >> 5;
  gas -= <i64>(memCost(newWords) - memCost(oldWords));
  if (gas < 0) return -1;
  const newSize = newWords << 5;
  gMem = bufEnsure(memBufs, gDepth, <u32>newSize);
  memory.fill(gMem + <usize>gMemSize, 0, <usize>(newSize - gMemSize));
  gMemSize = newSize;
  return gas;
}

/** A memory range from two stack words: sets rangeOff/rangeLen; false if unaddressable (out of gas). */
let rangeOff: u64 = 0;
let rangeLen: u64 = 0;
@inline function memRange(offWord: usize, lenWord: usize): bool {
  if (U.isZero(lenWord)) { rangeOff = 0; rangeLen = 0; return true; }
  if (!fits32(offWord) || !fits32(lenWord)) return false;
  rangeOff = load<u64>(offWord);
  rangeLen = load<u64>(lenWord);
  return true;
}
@inline function fits32(w: usize): bool {
  return (load<u64>(w, 8) | load<u64>(w, 16) | load<u64>(w, 24)) == 0 && load<u64>(w) <= 0xFFFFFFFF;
}
@inline function words(len: u64): u64 {
  return (len + 31) >> 5;
}

/** Copies `len` bytes from src (of `srcLen` available, zero beyond) starting at `srcOff` into dst. */
function copyPadded(dst: usize, src: usize, srcLen: u64, srcOff: u64, len: u64): void {
  if (len == 0) return;
  let avail: u64 = srcOff < srcLen ? srcLen - srcOff : 0;
  if (avail > len) avail = len;
  if (avail > 0) memory.copy(dst, src + <usize>srcOff, <usize>avail);
  if (avail < len) memory.fill(dst + <usize>avail, 0, <usize>(len - avail));
}

// ---------------------------------------------------------------- helpers

/** The address in the low 160 bits of a word, as 20 big-endian bytes at SCRATCH+12. */
@inline function wordToAddress(w: usize): usize {
  U.storeBE(w, SCRATCH);
  return SCRATCH + 12;
}

@inline function pushAddress(sp: usize, addr: usize): void {
  U.loadBE(addr, 20, sp);
}

/** EIP-2929 account access cost (also warms); 0 before Berlin (static gas covers it). */
function accountAccessCost(idx: u32): i64 {
  if (!has(F_EIP2929)) return 0;
  return coldAccess(idx) ? param(P_COLD_ACCOUNT) : param(P_WARM_ACCESS);
}

/**
 * EIP-2929: warms the account; true if it was cold. Precompiles are warm for the
 * whole transaction, so the host never has to load and warm them at its start.
 */
function coldAccess(idx: u32): bool {
  if (isPrecompile(accPtr(idx) + AC_ADDR) != 0) return false;
  return warmAccount(idx);
}

function isPrecompile(addr: usize): u32 {
  // Precompiles are 0x00..00NN with NN below 64, and 0x00..0100 (EIP-7951).
  if (load<u64>(addr) != 0 || load<u64>(addr, 8) != 0 || load<u16>(addr, 16) != 0) return 0;
  const hi = load<u8>(addr, 18);
  const n = <u32>load<u8>(addr, 19);
  if (hi != 0) return hi == 1 && n == 0 && has(F_EIP7951) ? 0x100 : 0;
  if (n >= 64) return 0;
  return (<u64>param(P_PRECOMPILES) >> n) & 1 ? n : 0;
}

/**
 * EIP-7702: the account index of the delegate when `idx`'s code is a delegation
 * designator (0xef0100 ++ address), else -1.
 */
function delegateOf(idx: u32): i64 {
  if (!has(F_EIP7702) || load<u32>(accPtr(idx) + AC_CODE_SIZE) != 23) return -1;
  const e = accCode(idx) + CE_CODE;
  if (load<u8>(e) != 0xef || load<u8>(e, 1) != 0x01 || load<u8>(e, 2) != 0x00) return -1;
  return <i64>account(e + 3);
}

/** The code a call to `idx` runs: its own, or its delegate's (EIP-7702; a precompile delegate runs nothing). */
function resolveCode(idx: u32): usize {
  const d = delegateOf(idx);
  if (d < 0) return accCode(idx);
  if (isPrecompile(accPtr(<u32>d) + AC_ADDR) != 0) return emptyCodeEntry();
  return accCode(<u32>d);
}

/** Moves value between accounts (caller checked the balance). */
function transfer(from: u32, to: u32, value: usize): void {
  if (U.isZero(value)) { touch(to); return; }
  U.sub(accPtr(from) + AC_BALANCE, value, BAL_TMP);
  setBalance(from, BAL_TMP);
  ensureExists(to);
  U.add(accPtr(to) + AC_BALANCE, value, BAL_TMP);
  setBalance(to, BAL_TMP);
}

function checkpoint(fr: usize): void {
  store<u32>(fr + FR_J, jLen);
  store<u32>(fr + FR_LOG_COUNT, logCount);
  store<u32>(fr + FR_LOG_LEN, logLen);
  store<i64>(fr + FR_REFUND, gRefund);
}

function rollback(fr: usize): void {
  revertTo(load<u32>(fr + FR_J));
  logTruncate(load<u32>(fr + FR_LOG_COUNT), load<u32>(fr + FR_LOG_LEN));
  gRefund = load<i64>(fr + FR_REFUND);
}

/** Sets the return data of frame depth `d` to `len` bytes from `src`. */
function setReturnData(d: u32, src: usize, len: u32): void {
  const dst = bufEnsure(rdBufs, d, len);
  if (len) memory.copy(dst, src, len);
  store<u32>(frameAt(d) + FR_RD_LEN, len);
}

// ---------------------------------------------------------------- precompiles

let pcOutPtr: usize = 0;
let pcOutLen: u32 = 0;
/** pcOutPtr was allocated by the host: the caller frees it after copying. */
let pcOutOwned = false;

/** Runs precompile `id` on input; returns gas left (>= 0) or -1 when it fails (all gas consumed). Output in pcOutPtr/Len. */
function runPrecompile(id: u32, input: usize, len: u32, gas: i64): i64 {
  pcOutLen = 0;
  pcOutOwned = false;
  if (id == 4) { // identity, in WASM: 15 + 3 per word
    const cost = 15 + 3 * <i64>words(len);
    if (cost > gas) return -1;
    pcOutPtr = input;
    pcOutLen = len;
    return gas - cost;
  }
  if (id == 9) { // blake2f (EIP-152), in WASM: one gas per round, priced before any round runs
    const cost = blake2fGas(input, len);
    if (cost < 0 || cost > gas) return -1;
    blake2fRun(input, BLAKE2F_OUT);
    pcOutPtr = BLAKE2F_OUT;
    pcOutLen = 64;
    return gas - cost;
  }
  store<i64>(HOST_IO + H_GAS, gas);
  const st = hostPrecompile(<i32>id, input, len);
  if (st != 0) return -1;
  const used = load<i64>(HOST_IO + H_GAS);
  pcOutPtr = <usize>load<u32>(HOST_IO + H_OUT_PTR);
  pcOutLen = load<u32>(HOST_IO + H_OUT_LEN);
  pcOutOwned = pcOutLen != 0; // the host allocates only a non-empty output
  return gas - used;
}

// ---------------------------------------------------------------- frames

/** Prepares frame `d` to run `codeEntry` (caller fills identity fields). */
function initFrame(d: u32, codeEntry: usize, gas: i64): usize {
  const fr = frameAt(d);
  store<u32>(fr + FR_CODE, <u32>codeEntry);
  store<u32>(fr + FR_PC, 0);
  store<i64>(fr + FR_GAS, gas);
  store<u32>(fr + FR_SP, <u32>stackFor(d));
  store<u32>(fr + FR_MEM_SIZE, 0);
  store<u32>(fr + FR_RD_LEN, 0);
  store<u32>(fr + FR_TEMP_CODE, 0);
  store<u32>(fr + FR_INPUT_LEN, 0);
  store<u32>(fr + FR_INPUT, 0);
  return fr;
}

/** Runs frames until the depth-0 frame ends; returns its status. */
export function drive(): i32 {
  while (true) {
    const fr = frameAt(gDepth);
    let r = gTrace ? runFrameTraced(fr) : runFrame(fr);
    if (r == ACT_CHECK) r = runFrameChecked(fr);
    if (r == ACT_CHILD || r == ACT_RESUME) continue;
    if (gDepth == 0) return r;
    finishChild(r);
  }
}

/** Loads the current frame's memory globals. */
function enterMemory(fr: usize): void {
  gMemSize = <u64>load<u32>(fr + FR_MEM_SIZE);
  gMem = memBuf(gDepth);
}

/** Child frame `gDepth` ended with status r: deliver its result to the parent. */
function finishChild(r: i32): void {
  const child = frameAt(gDepth);
  const parent = frameAt(gDepth - 1);
  const kind = load<u32>(child + FR_KIND);
  let gasLeft = load<i64>(child + FR_GAS);
  const outPtr = memBuf(gDepth) + <usize>haltOff;
  const outLen = r == S_SUCCESS || r == S_REVERT ? haltLen : 0;
  let psp = <usize>load<u32>(parent + FR_SP);
  let pgas = load<i64>(parent + FR_GAS);
  const temp = <usize>load<u32>(child + FR_TEMP_CODE);

  if (kind == FK_CREATE) {
    let ok = r == S_SUCCESS;
    const newAcc = load<u32>(child + FR_ACC);
    if (ok) {
      if (outLen > 0 && has(F_EIP3541) && load<u8>(outPtr) == 0xef) ok = false;
      else if (param(P_MAX_CODE_SIZE) > 0 && <i64>outLen > param(P_MAX_CODE_SIZE)) ok = false;
      else {
        const deposit = <i64>outLen * param(P_CODE_DEPOSIT);
        if (gasLeft >= deposit) {
          gasLeft -= deposit;
          const e = codeFromBytes(outPtr, outLen, HASH_TMP);
          setCode(newAcc, e, outLen, HASH_TMP);
        } else if (has(F_EIP2)) ok = false;
        // Frontier: not enough gas for the deposit leaves the contract without code.
      }
    }
    if (ok) {
      pgas += gasLeft;
      pushAddress(psp, accPtr(newAcc) + AC_ADDR);
      store<u32>(parent + FR_RD_LEN, 0);
    } else {
      rollback(child);
      if (r == S_REVERT) {
        pgas += gasLeft;
        setReturnData(gDepth - 1, outPtr, outLen);
      } else store<u32>(parent + FR_RD_LEN, 0);
      U.setZero(psp);
    }
  } else {
    if (r == S_SUCCESS || r == S_REVERT) pgas += gasLeft;
    if (r != S_SUCCESS) rollback(child);
    setReturnData(gDepth - 1, outPtr, outLen);
    const retLen = load<u32>(child + FR_RET_LEN);
    if (outLen > 0 && retLen > 0) {
      const n = outLen < retLen ? outLen : retLen;
      memory.copy(memBuf(gDepth - 1) + <usize>load<u32>(child + FR_RET_OFF), rdBuf(gDepth - 1), n);
    }
    U.setU64(psp, r == S_SUCCESS ? 1 : 0);
  }
  if (temp != 0) heap.free(temp);
  store<u32>(parent + FR_SP, <u32>(psp + 32));
  store<i64>(parent + FR_GAS, pgas);
  gDepth--;
}

/**
 * CALL, CALLCODE, DELEGATECALL, STATICCALL from frame `fr` (its pc/gas/sp saved).
 * Returns ACT_CHILD, ACT_CONTINUE (result pushed), or an error status for `fr`.
 */
function opCall(fr: usize, kind: u32): i32 {
  let sp = <usize>load<u32>(fr + FR_SP);
  let gas = load<i64>(fr + FR_GAS);
  const hasValue = kind == FK_CALL || kind == FK_CALLCODE;
  const nargs: usize = hasValue ? 7 : 6;
  const base = sp - nargs * 32; // result slot
  const gasWord = sp - 32;
  const addrWord = sp - 64;
  const value = hasValue ? sp - 96 : 0;
  const argsOffW = sp - (hasValue ? 128 : 96);
  const argsLenW = argsOffW - 32;
  const retOffW = argsOffW - 64;
  const retLenW = argsOffW - 96;
  const valueNonZero = hasValue && !U.isZero(value);
  if (kind == FK_CALL && valueNonZero && load<u32>(fr + FR_STATIC)) return S_STATIC_VIOLATION;
  if (!memRange(argsOffW, argsLenW)) return S_OUT_OF_GAS;
  const argsOff = rangeOff, argsLen = rangeLen;
  if (!memRange(retOffW, retLenW)) return S_OUT_OF_GAS;
  const retOff = rangeOff, retLen = rangeLen;
  const argsEnd = argsLen ? argsOff + argsLen : 0;
  const retEnd = retLen ? retOff + retLen : 0;
  gas = memExpand(gas, argsEnd > retEnd ? argsEnd : retEnd);
  if (gas < 0) return S_OUT_OF_GAS;

  const target = account(wordToAddress(addrWord));
  const self = load<u32>(fr + FR_ACC);
  let cost = accountAccessCost(target);
  // EIP-7702: calling a delegated account also accesses the delegate.
  const delegate = delegateOf(target);
  if (delegate >= 0) cost += accountAccessCost(<u32>delegate);
  if (valueNonZero) cost += param(P_CALL_VALUE);
  if (kind == FK_CALL) {
    if (has(F_EIP161)) { if (valueNonZero && !accIsLive(target)) cost += param(P_NEW_ACCOUNT); }
    else if ((accFlags(target) & AF_EXISTS) == 0) cost += param(P_NEW_ACCOUNT);
  }
  gas -= cost;
  if (gas < 0) return S_OUT_OF_GAS;
  let callGas: i64;
  if (has(F_EIP150)) {
    const avail = gas - gas / 64;
    callGas = U.fitsU64(gasWord) && load<u64>(gasWord) < <u64>avail ? load<i64>(gasWord) : avail;
  } else {
    if (!U.fitsU64(gasWord) || load<u64>(gasWord) > <u64>gas) return S_OUT_OF_GAS;
    callGas = load<i64>(gasWord);
  }
  gas -= callGas;
  gasAfterCharge = gas; // EIP-3155 gasCost of a call includes the child's gas (as geth reports it)
  if (valueNonZero) callGas += param(P_CALL_STIPEND);
  store<u32>(fr + FR_RD_LEN, 0);

  // Failures that return the gas: depth and balance.
  if (gDepth + 1 > MAX_DEPTH || (valueNonZero && U.lt(accPtr(self) + AC_BALANCE, value))) {
    U.setZero(base);
    store<u32>(fr + FR_SP, <u32>(base + 32));
    store<i64>(fr + FR_GAS, gas + callGas);
    return ACT_CONTINUE;
  }

  const d = gDepth + 1;
  const child = frameAt(d);
  checkpoint(child);
  if (kind == FK_CALL) {
    if (valueNonZero) transfer(self, target, value);
    else if ((accFlags(target) & AF_EXISTS) != 0 || !has(F_EIP161)) { ensureExists(target); touch(target); }
  } else if (kind == FK_CALLCODE && valueNonZero) transfer(self, self, value);

  const pre = isPrecompile(accPtr(target) + AC_ADDR);
  if (pre != 0) {
    const input = gMem + <usize>argsOff;
    const left = runPrecompile(pre, input, <u32>argsLen, callGas);
    if (left < 0) {
      rollback(child);
      U.setZero(base);
    } else {
      gas += left;
      setReturnData(gDepth, pcOutPtr, pcOutLen);
      if (pcOutOwned) heap.free(pcOutPtr);
      const n = <u64>pcOutLen < retLen ? <u64>pcOutLen : retLen;
      if (n) memory.copy(gMem + <usize>retOff, rdBuf(gDepth), <usize>n);
      U.setU64(base, 1);
    }
    store<u32>(fr + FR_SP, <u32>(base + 32));
    store<i64>(fr + FR_GAS, gas);
    return ACT_CONTINUE;
  }

  const code = resolveCode(target);
  if (load<u32>(code + CE_LEN) == 0) {
    U.setU64(base, 1);
    store<u32>(fr + FR_SP, <u32>(base + 32));
    store<i64>(fr + FR_GAS, gas + callGas);
    return ACT_CONTINUE;
  }

  // Enter the child frame.
  store<u32>(fr + FR_SP, <u32>base); // the result is pushed at base when the child ends
  store<i64>(fr + FR_GAS, gas);
  store<u32>(fr + FR_MEM_SIZE, <u32>gMemSize);
  initFrame(d, code, callGas);
  store<u32>(child + FR_KIND, kind);
  store<u32>(child + FR_INPUT_LEN, <u32>argsLen);
  store<u32>(child + FR_INPUT, <u32>(gMem + <usize>argsOff));
  store<u32>(child + FR_RET_OFF, <u32>retOff);
  store<u32>(child + FR_RET_LEN, <u32>retLen);
  store<u32>(child + FR_STATIC, kind == FK_STATICCALL ? 1 : load<u32>(fr + FR_STATIC));
  if (kind == FK_CALL || kind == FK_STATICCALL) {
    store<u32>(child + FR_ACC, target);
    memory.copy(child + FR_CALLER, accPtr(self) + AC_ADDR, 20);
  } else if (kind == FK_CALLCODE) {
    store<u32>(child + FR_ACC, self);
    memory.copy(child + FR_CALLER, accPtr(self) + AC_ADDR, 20);
  } else { // DELEGATECALL keeps caller and value
    store<u32>(child + FR_ACC, self);
    memory.copy(child + FR_CALLER, fr + FR_CALLER, 20);
  }
  if (kind == FK_DELEGATECALL) U.copy(fr + FR_VALUE, child + FR_VALUE);
  else if (hasValue) U.copy(value, child + FR_VALUE);
  else U.setZero(child + FR_VALUE);
  gDepth = d;
  return ACT_CHILD;
}

/** Address of a CREATE: keccak(rlp([sender, nonce]))[12:], into out (20 bytes). */
function createAddress(sender: usize, nonce: u64, out: usize): void {
  const buf = RLP_TMP; // up to 1 + 21 + 9 bytes
  let n: u32 = 0;
  if (nonce == 0) n = 0; else { let t = nonce; while (t) { n++; t >>= 8; } }
  let nonceLen: u32 = nonce != 0 && nonce < 0x80 ? 1 : n + 1;
  if (nonce == 0) nonceLen = 1;
  const listLen = 21 + nonceLen;
  store<u8>(buf, <u8>(0xc0 + listLen));
  store<u8>(buf + 1, 0x94);
  memory.copy(buf + 2, sender, 20);
  if (nonce == 0) store<u8>(buf + 22, 0x80);
  else if (nonce < 0x80) store<u8>(buf + 22, <u8>nonce);
  else {
    store<u8>(buf + 22, <u8>(0x80 + n));
    for (let i: u32 = 0; i < n; i++) store<u8>(buf + 23 + i, <u8>(nonce >> (<u64>(n - 1 - i) * 8)));
  }
  keccak256(buf, 1 + listLen, HASH_TMP);
  memory.copy(out, HASH_TMP + 12, 20);
}

let create2Buf: usize = 0;

/**
 * Creates a contract at `addrAcc` with `initcode` (copied), from frame depth d-1's account `self`.
 * Used by CREATE/CREATE2 and by creation transactions. Returns ACT_CHILD, or
 * ACT_CONTINUE when the create failed without running (collision: the gas is lost).
 */
function enterCreate(d: u32, self: u32, newAcc: u32, value: usize, initcode: usize, len: u32, gas: i64, isStatic: u32): i32 {
  if (has(F_EIP2929)) warmAccount(newAcc);
  const np = accPtr(newAcc);
  if (load<u64>(np + AC_NONCE) != 0 || load<u32>(np + AC_CODE_SIZE) != 0 ||
      (has(F_EIP7610) && (accFlags(newAcc) & AF_HAS_STORAGE) != 0)) {
    return ACT_CONTINUE;
  }
  const child = frameAt(d);
  checkpoint(child);
  ensureExists(newAcc);
  setFlags(newAcc, accFlags(newAcc) | AF_CREATED | AF_NEW_STORAGE);
  if (has(F_EIP161)) setNonce(newAcc, 1);
  transfer(self, newAcc, value);
  const e = codeEntryAlloc(len);
  if (len) memory.copy(e + CE_CODE, initcode, len);
  initFrame(d, e, gas);
  store<u32>(child + FR_TEMP_CODE, <u32>e);
  store<u32>(child + FR_KIND, FK_CREATE);
  store<u32>(child + FR_ACC, newAcc);
  store<u32>(child + FR_STATIC, isStatic);
  memory.copy(child + FR_CALLER, accPtr(self) + AC_ADDR, 20);
  U.copy(value, child + FR_VALUE);
  gDepth = d;
  return ACT_CHILD;
}

/** CREATE / CREATE2 from frame fr. */
function opCreate(fr: usize, is2: bool): i32 {
  let sp = <usize>load<u32>(fr + FR_SP);
  let gas = load<i64>(fr + FR_GAS);
  const value = sp - 32;
  const offW = sp - 64;
  const lenW = sp - 96;
  const base = is2 ? sp - 128 : sp - 96;
  if (load<u32>(fr + FR_STATIC)) return S_STATIC_VIOLATION;
  if (!memRange(offW, lenW)) return S_OUT_OF_GAS;
  const off = rangeOff, len = rangeLen;
  if (has(F_EIP3860) && <i64>len > param(P_MAX_INITCODE_SIZE)) return S_OUT_OF_GAS;
  gas = memExpand(gas, len ? off + len : 0);
  if (gas < 0) return S_OUT_OF_GAS;
  gas -= <i64>words(len) * (param(P_INITCODE_WORD) + (is2 ? param(P_KECCAK_WORD) : 0));
  if (gas < 0) return S_OUT_OF_GAS;
  gasAfterCharge = gas; // EIP-3155 gasCost of a create excludes the child's gas (as geth reports it)
  store<u32>(fr + FR_RD_LEN, 0);
  const self = load<u32>(fr + FR_ACC);
  const sp_ = accPtr(self);
  const nonce = load<u64>(sp_ + AC_NONCE);
  if (gDepth + 1 > MAX_DEPTH || U.lt(sp_ + AC_BALANCE, value) || nonce == 0xFFFFFFFFFFFFFFFF) {
    U.setZero(base);
    store<u32>(fr + FR_SP, <u32>(base + 32));
    store<i64>(fr + FR_GAS, gas);
    return ACT_CONTINUE;
  }
  const callGas = has(F_EIP150) ? gas - gas / 64 : gas;
  gas -= callGas;
  const addr = ADDR_TMP; // 20 bytes
  if (is2) {
    // keccak(0xff ++ sender ++ salt ++ keccak(initcode))[12:]
    if (create2Buf == 0) create2Buf = heap.alloc(96);
    store<u8>(create2Buf, 0xff);
    memory.copy(create2Buf + 1, sp_ + AC_ADDR, 20);
    U.storeBE(sp - 128, create2Buf + 21);
    keccak256(gMem + <usize>off, <usize>len, create2Buf + 53);
    keccak256(create2Buf, 85, HASH_TMP);
    memory.copy(addr, HASH_TMP + 12, 20);
  } else {
    createAddress(sp_ + AC_ADDR, nonce, addr);
  }
  setNonce(self, nonce + 1);
  const newAcc = account(addr);
  store<u32>(fr + FR_MEM_SIZE, <u32>gMemSize);
  U.copy(value, VALUE_TMP);
  const r = enterCreate(gDepth + 1, self, newAcc, VALUE_TMP, gMem + <usize>off, <u32>len, callGas, load<u32>(fr + FR_STATIC));
  if (r == ACT_CONTINUE) { // collision: the gas given is lost
    U.setZero(base);
    store<u32>(fr + FR_SP, <u32>(base + 32));
    store<i64>(fr + FR_GAS, gas);
    return ACT_CONTINUE;
  }
  store<u32>(fr + FR_SP, <u32>base);
  store<i64>(fr + FR_GAS, gas);
  return ACT_CHILD;
}

/** SSTORE gas and refund (EIP-2200/2929/3529, EIP-1283, or the original rule). Returns gas left or -1. */
function sstore(fr: usize, gas: i64, key: usize, value: usize): i64 {
  const self = load<u32>(fr + FR_ACC);
  if (has(F_EIP2200) && gas <= param(P_SSTORE_SENTRY)) return -1;
  const s = slot(self, key);
  let cost: i64 = 0;
  if (has(F_EIP2929) && warmSlot(s)) cost += param(P_COLD_SLOAD);
  const p = slotPtr(s);
  const cur = p + SL_CURRENT;
  const orig = p + SL_ORIGINAL;
  if (has(F_EIP2200) || has(F_EIP1283)) {
    const dirtyCost = param(P_SSTORE_DIRTY);
    const clearRefund = param(P_SSTORE_CLEAR_REFUND);
    if (U.eq(cur, value)) cost += dirtyCost;
    else if (U.eq(orig, cur)) {
      if (U.isZero(orig)) cost += param(P_SSTORE_SET);
      else {
        cost += param(P_SSTORE_RESET);
        if (U.isZero(value)) gRefund += clearRefund;
      }
    } else {
      cost += dirtyCost;
      if (!U.isZero(orig)) {
        if (U.isZero(cur)) gRefund -= clearRefund;
        else if (U.isZero(value)) gRefund += clearRefund;
      }
      if (U.eq(orig, value)) {
        if (U.isZero(orig)) gRefund += param(P_SSTORE_SET) - dirtyCost;
        else gRefund += param(P_SSTORE_RESET) - dirtyCost;
      }
    }
  } else {
    if (U.isZero(cur) && !U.isZero(value)) cost += param(P_SSTORE_SET);
    else {
      cost += param(P_SSTORE_RESET);
      if (!U.isZero(cur) && U.isZero(value)) gRefund += param(P_SSTORE_CLEAR_REFUND);
    }
  }
  gas -= cost;
  if (gas < 0) return -1;
  if (!U.eq(cur, value)) setSlot(s, value);
  return gas;
}

/** SELFDESTRUCT (EIP-6780 from Cancun). Returns gas left or -1. */
function selfdestruct(fr: usize, gas: i64, beneficiaryWord: usize): i64 {
  const self = load<u32>(fr + FR_ACC);
  const b = account(wordToAddress(beneficiaryWord));
  let cost: i64 = 0;
  if (has(F_EIP2929) && coldAccess(b)) cost += param(P_COLD_ACCOUNT);
  const balance = accPtr(self) + AC_BALANCE;
  if (has(F_EIP161)) {
    if (!U.isZero(balance) && !accIsLive(b)) cost += param(P_NEW_ACCOUNT);
  } else if (has(F_EIP150) && (accFlags(b) & AF_EXISTS) == 0) cost += param(P_NEW_ACCOUNT);
  gas -= cost;
  if (gas < 0) return -1;
  const f = accFlags(self);
  if ((f & AF_DESTRUCTED) == 0 && !has(F_EIP3529)) gRefund += param(P_SELFDESTRUCT_REFUND);
  const destroy = !has(F_EIP6780) || (f & AF_CREATED) != 0;
  U.copy(balance, VALUE_TMP);
  if (b != self) {
    ensureExists(b);
    U.add(accPtr(b) + AC_BALANCE, VALUE_TMP, BAL_TMP);
    setBalance(b, BAL_TMP);
    touch(b);
    U.setZero(BAL_TMP);
    setBalance(self, BAL_TMP);
  } else if (destroy) {
    U.setZero(BAL_TMP);
    setBalance(self, BAL_TMP);
  }
  if (destroy) setFlags(self, accFlags(self) | AF_DESTRUCTED);
  return gas;
}

// ---------------------------------------------------------------- tracing (EIP-3155)

// Two loops, not a flag: runFrameImpl is inlined twice with a constant `trace`, so the
// untraced loop has no trace code at all. drive() picks the loop once per frame entry.
@external("host", "traceStep")
declare function hostTraceStep(pc: u32, op: u32, gas: i64, depth: u32, stack: usize, items: u32, memSize: u32, refund: i64, rd: usize, rdLen: u32): void;
@external("host", "traceEnd")
declare function hostTraceEnd(gasCost: i64, status: i32): void; // status: S_* of the operation (S_SUCCESS if it went on)

let gTrace = false;
let traceGas: i64 = 0; // gas before the traced operation
let traceOp: u32 = 0;
/** Gas left once a call or create paid for itself (a call: including the child's gas). */
let gasAfterCharge: i64 = 0;

/** The host turns tracing on or off (between transactions). */
export function setTrace(on: bool): void {
  gTrace = on;
}

function traceBegin(fr: usize, pc: usize, op: usize, gas: i64, sp: usize, stackBase: usize): void {
  traceGas = gas;
  traceOp = <u32>op;
  hostTraceStep(<u32>pc, <u32>op, gas, gDepth + 1, stackBase, <u32>((sp - stackBase) >> 5), <u32>gMemSize, gRefund,
    rdBuf(gDepth), load<u32>(fr + FR_RD_LEN));
}

@inline function isCallOrCreate(op: u32): bool {
  return op == 0xf0 || op == 0xf1 || op == 0xf2 || op == 0xf4 || op == 0xf5 || op == 0xfa;
}

/** The traced operation went on to the next one in the same frame, with `gas` left. */
function traceNext(gas: i64): void {
  hostTraceEnd(traceGas - (isCallOrCreate(traceOp) ? gasAfterCharge : gas), S_SUCCESS);
}

function runFrame(fr: usize): i32 {
  return runFrameImpl(fr, false, true);
}

/** The frame from its saved registers, checked operation by operation (see analyseBlocks). */
function runFrameChecked(fr: usize): i32 {
  return runFrameImpl(fr, false, false);
}

function runFrameTraced(fr: usize): i32 {
  const r = runFrameImpl(fr, true, false);
  // The frame's last operation: it entered a child, halted, or failed.
  let cost: i64;
  if (r == ACT_CHILD) cost = traceGas - gasAfterCharge;
  else if (r == S_SUCCESS || r == S_REVERT) cost = traceGas - load<i64>(fr + FR_GAS);
  else {
    const c = load<i32>(<usize>GAS_TABLE + (<usize>traceOp << 2));
    cost = c < 0 ? 0 : <i64>c;
  }
  hostTraceEnd(cost, r == ACT_CHILD ? S_SUCCESS : r);
  return r;
}

// ---------------------------------------------------------------- the dispatch loop

// `blocks`: gas and stack checked per basic block (the untraced loop); else per
// operation. Operations that stay inside a block end with `continue`, enders with
// `break`, which in the block loop leaves for the next block's checks.
@inline function runFrameImpl(fr: usize, trace: bool, blocks: bool): i32 {
  const ce = <usize>load<u32>(fr + FR_CODE);
  analyse(ce);
  if (blocks) analyseBlocks(ce);
  const code = ce + CE_CODE;
  const codeLen = load<u32>(ce + CE_LEN);
  const bitmap = codeBitmap(ce);
  const blockTable = codeBlocks(ce);
  const stackBase = stackFor(gDepth);
  const stackTop = stackBase + <usize>STACK_LIMIT * 32;
  let pc = <usize>load<u32>(fr + FR_PC);
  let gas = load<i64>(fr + FR_GAS);
  let sp = <usize>load<u32>(fr + FR_SP);
  enterMemory(fr);
  let traced = false; // an operation's trace step is open

  while (true) {
    if (blocks) {
      // Every entry here is at a run's start (the frame's start or resumption, after an ender) or at a JUMPDEST.
      const bw = load<u32>(blockTable + (pc << 2));
      const need = <i64>(bw & BLK_GAS);
      if (gas < need) return yieldFrame(fr, pc, gas, sp, ACT_CHECK);
      const lo = (bw >> 18) & 127;
      if ((<u32>(sp - stackBase) >> 5) - lo > STACK_LIMIT - (bw >> 25) - lo) return yieldFrame(fr, pc, gas, sp, ACT_CHECK);
      if (bw == BLK_SLOW) return yieldFrame(fr, pc, gas, sp, ACT_CHECK);
      gas -= need;
      if (load<u8>(code + pc) == 0x5b) pc++; // a jump's JUMPDEST, paid for: one dispatch less
    }
    while (true) {
    if (trace && traced) traceNext(gas);
    const op = <usize>load<u8>(code + pc);
    pc++;
    if (trace) { traceBegin(fr, pc - 1, op, gas, sp, stackBase); traced = true; }
    if (!blocks) {
      // One load answers all checks (see OP_TABLE): stack bounds as one unsigned compare.
      const entry = load<u64>(OP_TABLE + (op << 3));
      const cost = <i32>entry;
      if (cost < 0) { store<i64>(fr + FR_GAS, 0); return S_INVALID_OPCODE; }
      if (<u32>(sp - stackBase) - (<u32>(entry >> 32) & 0xffff) > <u32>(entry >> 48)) {
        return sp < stackBase + <usize>((entry >> 32) & 0xffff) ? S_STACK_UNDERFLOW : S_STACK_OVERFLOW;
      }
      gas -= cost;
      if (gas < 0) return S_OUT_OF_GAS;
    }

    switch (<i32>op) {
      case 0x00: { // STOP
        store<i64>(fr + FR_GAS, gas);
        haltLen = 0;
        return S_SUCCESS;
      }
      case 0x01: { U.add(sp - 32, sp - 64, sp - 64); sp -= 32; continue; }
      case 0x02: { U.mul(sp - 32, sp - 64, sp - 64); sp -= 32; continue; }
      case 0x03: { U.sub(sp - 32, sp - 64, sp - 64); sp -= 32; continue; }
      case 0x04: { U.div(sp - 32, sp - 64, sp - 64); sp -= 32; continue; }
      case 0x05: { U.sdiv(sp - 32, sp - 64, sp - 64); sp -= 32; continue; }
      case 0x06: { U.mod(sp - 32, sp - 64, sp - 64); sp -= 32; continue; }
      case 0x07: { U.smod(sp - 32, sp - 64, sp - 64); sp -= 32; continue; }
      case 0x08: { U.addmod(sp - 32, sp - 64, sp - 96, sp - 96); sp -= 64; continue; }
      case 0x09: { U.mulmod(sp - 32, sp - 64, sp - 96, sp - 96); sp -= 64; continue; }
      case 0x0a: { // EXP
        gas -= <i64>U.byteLength(sp - 64) * param(P_EXP_BYTE);
        if (gas < 0) return S_OUT_OF_GAS;
        U.exp(sp - 32, sp - 64, sp - 64); sp -= 32; break;
      }
      case 0x0b: { U.signextend(sp - 32, sp - 64, sp - 64); sp -= 32; continue; }
      case 0x10: { const r = U.lt(sp - 32, sp - 64); sp -= 32; U.setU64(sp - 32, r ? 1 : 0); continue; }
      case 0x11: { const r = U.gt(sp - 32, sp - 64); sp -= 32; U.setU64(sp - 32, r ? 1 : 0); continue; }
      case 0x12: { const r = U.slt(sp - 32, sp - 64); sp -= 32; U.setU64(sp - 32, r ? 1 : 0); continue; }
      case 0x13: { const r = U.sgt(sp - 32, sp - 64); sp -= 32; U.setU64(sp - 32, r ? 1 : 0); continue; }
      case 0x14: { const r = U.eq(sp - 32, sp - 64); sp -= 32; U.setU64(sp - 32, r ? 1 : 0); continue; }
      case 0x15: { U.setU64(sp - 32, U.iszero(sp - 32) ? 1 : 0); continue; }
      case 0x16: { U.and(sp - 32, sp - 64, sp - 64); sp -= 32; continue; }
      case 0x17: { U.or(sp - 32, sp - 64, sp - 64); sp -= 32; continue; }
      case 0x18: { U.xor(sp - 32, sp - 64, sp - 64); sp -= 32; continue; }
      case 0x19: { U.not(sp - 32, sp - 32); continue; }
      case 0x1a: { U.byte(sp - 32, sp - 64, sp - 64); sp -= 32; continue; }
      case 0x1b: { U.shl(sp - 32, sp - 64, sp - 64); sp -= 32; continue; }
      case 0x1c: { U.shr(sp - 32, sp - 64, sp - 64); sp -= 32; continue; }
      case 0x1d: { U.sar(sp - 32, sp - 64, sp - 64); sp -= 32; continue; }
      case 0x1e: { U.setU64(sp - 32, <u64>U.clz(sp - 32)); continue; }
      case 0x20: { // KECCAK256
        if (!memRange(sp - 32, sp - 64)) return S_OUT_OF_GAS;
        const off = rangeOff, len = rangeLen;
        gas -= <i64>words(len) * param(P_KECCAK_WORD);
        if (gas < 0) return S_OUT_OF_GAS;
        gas = memExpand(gas, off + len);
        if (gas < 0) return S_OUT_OF_GAS;
        keccak256(gMem + <usize>off, <usize>len, SCRATCH);
        sp -= 32;
        U.loadBE(SCRATCH, 32, sp - 32);
        break;
      }
      case 0x30: { pushAddress(sp, accPtr(load<u32>(fr + FR_ACC)) + AC_ADDR); sp += 32; continue; }
      case 0x31: { // BALANCE
        const a = account(wordToAddress(sp - 32));
        gas -= has(F_EIP2929) ? accountAccessCost(a) : 0;
        if (gas < 0) return S_OUT_OF_GAS;
        U.copy(accPtr(a) + AC_BALANCE, sp - 32);
        break;
      }
      case 0x32: { U.copy(ENV + E_ORIGIN, sp); sp += 32; continue; }
      case 0x33: { pushAddress(sp, fr + FR_CALLER); sp += 32; continue; }
      case 0x34: { U.copy(fr + FR_VALUE, sp); sp += 32; continue; }
      case 0x35: { // CALLDATALOAD
        const len = <u64>load<u32>(fr + FR_INPUT_LEN);
        const w = sp - 32;
        if (!U.fitsU64(w) || load<u64>(w) >= len) U.setZero(w);
        else {
          const off = load<u64>(w);
          const n = len - off >= 32 ? 32 : len - off;
          if (n == 32) U.loadBE(inputPtr(fr) + <usize>off, 32, w);
          else { // right-pad with zeros
            memory.fill(SCRATCH, 0, 32);
            memory.copy(SCRATCH, inputPtr(fr) + <usize>off, <usize>n);
            U.loadBE(SCRATCH, 32, w);
          }
        }
        continue;
      }
      case 0x36: { U.setU64(sp, <u64>load<u32>(fr + FR_INPUT_LEN)); sp += 32; continue; }
      case 0x37: case 0x39: case 0x3e: { // CALLDATACOPY, CODECOPY, RETURNDATACOPY
        if (!memRange(sp - 32, sp - 96)) return S_OUT_OF_GAS;
        const dst = rangeOff, len = rangeLen;
        const srcW = sp - 64;
        let srcLen: u64, src: usize;
        if (op == 0x37) { srcLen = <u64>load<u32>(fr + FR_INPUT_LEN); src = inputPtr(fr); }
        else if (op == 0x39) { srcLen = <u64>codeLen; src = code; }
        else {
          srcLen = <u64>load<u32>(fr + FR_RD_LEN); src = rdBuf(gDepth);
          // EIP-211: reading past the return data is an error, not zero padding.
          if (!U.fitsU64(srcW) || load<u64>(srcW) + len > srcLen || load<u64>(srcW) > 0xFFFFFFFF) return S_RETURNDATA_OOB;
        }
        gas -= <i64>words(len) * param(P_COPY_WORD);
        if (gas < 0) return S_OUT_OF_GAS;
        gas = memExpand(gas, dst + len);
        if (gas < 0) return S_OUT_OF_GAS;
        const srcOff: u64 = U.fitsU64(srcW) ? load<u64>(srcW) : <u64>0xFFFFFFFFFFFFFFFF;
        copyPadded(gMem + <usize>dst, src, srcLen, srcOff, len);
        sp -= 96;
        break;
      }
      case 0x38: { U.setU64(sp, <u64>codeLen); sp += 32; continue; }
      case 0x3a: { U.copy(ENV + E_GASPRICE, sp); sp += 32; continue; }
      case 0x3b: { // EXTCODESIZE
        const a = account(wordToAddress(sp - 32));
        gas -= accountAccessCost(a);
        if (gas < 0) return S_OUT_OF_GAS;
        U.setU64(sp - 32, <u64>load<u32>(accPtr(a) + AC_CODE_SIZE));
        break;
      }
      case 0x3c: { // EXTCODECOPY
        const a = account(wordToAddress(sp - 32));
        gas -= accountAccessCost(a);
        if (!memRange(sp - 64, sp - 128)) return S_OUT_OF_GAS;
        const dst = rangeOff, len = rangeLen;
        gas -= <i64>words(len) * param(P_COPY_WORD);
        if (gas < 0) return S_OUT_OF_GAS;
        gas = memExpand(gas, dst + len);
        if (gas < 0) return S_OUT_OF_GAS;
        if (len) {
          const e = accCode(a);
          const srcW = sp - 96;
          const srcOff: u64 = U.fitsU64(srcW) ? load<u64>(srcW) : <u64>0xFFFFFFFFFFFFFFFF;
          copyPadded(gMem + <usize>dst, e + CE_CODE, <u64>load<u32>(e + CE_LEN), srcOff, len);
        }
        sp -= 128;
        break;
      }
      case 0x3d: { U.setU64(sp, <u64>load<u32>(fr + FR_RD_LEN)); sp += 32; continue; }
      case 0x3f: { // EXTCODEHASH
        const a = account(wordToAddress(sp - 32));
        gas -= accountAccessCost(a);
        if (gas < 0) return S_OUT_OF_GAS;
        if ((accFlags(a) & AF_EXISTS) == 0 || accIsEmpty(a)) U.setZero(sp - 32);
        else U.loadBE(accPtr(a) + AC_CODE_HASH, 32, sp - 32);
        break;
      }
      case 0x40: { // BLOCKHASH
        const w = sp - 32;
        const cur = load<u64>(ENV + E_NUMBER);
        if (U.fitsU64(w) && load<u64>(w) < cur && cur - load<u64>(w) <= 256) {
          store<u64>(HOST_IO + H_NUMBER, load<u64>(w));
          hostBlockHash();
          U.loadBE(HOST_IO + H_WORD, 32, w);
        } else U.setZero(w);
        continue;
      }
      case 0x41: { U.copy(ENV + E_COINBASE, sp); sp += 32; continue; }
      case 0x42: { U.copy(ENV + E_TIMESTAMP, sp); sp += 32; continue; }
      case 0x43: { U.copy(ENV + E_NUMBER, sp); sp += 32; continue; }
      case 0x44: { U.copy(ENV + E_PREVRANDAO, sp); sp += 32; continue; }
      case 0x45: { U.copy(ENV + E_GASLIMIT, sp); sp += 32; continue; }
      case 0x46: { U.copy(ENV + E_CHAINID, sp); sp += 32; continue; }
      case 0x47: { U.copy(accPtr(load<u32>(fr + FR_ACC)) + AC_BALANCE, sp); sp += 32; continue; }
      case 0x48: { U.copy(ENV + E_BASEFEE, sp); sp += 32; continue; }
      case 0x49: { // BLOBHASH
        const w = sp - 32;
        const count = <u64>load<u32>(ENV + E_BLOB_COUNT);
        if (U.fitsU64(w) && load<u64>(w) < count) U.loadBE(<usize>BLOB_HASHES + <usize>load<u64>(w) * 32, 32, w);
        else U.setZero(w);
        continue;
      }
      case 0x4a: { U.copy(ENV + E_BLOBBASEFEE, sp); sp += 32; continue; }
      case 0x50: { sp -= 32; continue; }
      case 0x51: { // MLOAD
        const w = sp - 32;
        if (!fits32(w)) return S_OUT_OF_GAS;
        const off = load<u64>(w);
        const left = memExpand(gas, off + 32);
        if (left < 0) return blocks ? recheckFrom(fr, pc - 1, gas, sp) : S_OUT_OF_GAS;
        gas = left;
        U.loadBE(gMem + <usize>off, 32, w);
        continue;
      }
      case 0x52: { // MSTORE
        const w = sp - 32;
        if (!fits32(w)) return S_OUT_OF_GAS;
        const off = load<u64>(w);
        const left = memExpand(gas, off + 32);
        if (left < 0) return blocks ? recheckFrom(fr, pc - 1, gas, sp) : S_OUT_OF_GAS;
        gas = left;
        U.storeBE(sp - 64, gMem + <usize>off);
        sp -= 64;
        continue;
      }
      case 0x53: { // MSTORE8
        const w = sp - 32;
        if (!fits32(w)) return S_OUT_OF_GAS;
        const off = load<u64>(w);
        const left = memExpand(gas, off + 1);
        if (left < 0) return blocks ? recheckFrom(fr, pc - 1, gas, sp) : S_OUT_OF_GAS;
        gas = left;
        store<u8>(gMem + <usize>off, load<u8>(sp - 64));
        sp -= 64;
        continue;
      }
      case 0x54: { // SLOAD
        const s = slot(load<u32>(fr + FR_ACC), sp - 32);
        if (has(F_EIP2929)) {
          gas -= warmSlot(s) ? param(P_COLD_SLOAD) : param(P_WARM_ACCESS);
          if (gas < 0) return S_OUT_OF_GAS;
        }
        U.copy(slotPtr(s) + SL_CURRENT, sp - 32);
        break;
      }
      case 0x55: { // SSTORE
        if (load<u32>(fr + FR_STATIC)) return S_STATIC_VIOLATION;
        gas = sstore(fr, gas, sp - 32, sp - 64);
        if (gas < 0) return S_OUT_OF_GAS;
        sp -= 64;
        break;
      }
      case 0x56: { // JUMP
        const w = sp - 32;
        if (!fits32(w)) return S_BAD_JUMP;
        const dest = <usize>load<u64>(w);
        if (dest >= <usize>codeLen || (load<u8>(bitmap + (dest >> 3)) & (1 << <u8>(dest & 7))) == 0) return S_BAD_JUMP;
        pc = dest;
        sp -= 32;
        if (!trace && --gYield == 0) return yieldFrame(fr, pc, gas, sp);
        break;
      }
      case 0x57: { // JUMPI
        if (!U.isZero(sp - 64)) {
          const w = sp - 32;
          if (!fits32(w)) return S_BAD_JUMP;
          const dest = <usize>load<u64>(w);
          if (dest >= <usize>codeLen || (load<u8>(bitmap + (dest >> 3)) & (1 << <u8>(dest & 7))) == 0) return S_BAD_JUMP;
          pc = dest;
          if (!trace && --gYield == 0) return yieldFrame(fr, pc, gas, sp - 64);
        }
        sp -= 64;
        break;
      }
      case 0x58: { U.setU64(sp, <u64>(pc - 1)); sp += 32; continue; }
      case 0x59: { U.setU64(sp, gMemSize); sp += 32; continue; }
      case 0x5a: { U.setU64(sp, <u64>gas); sp += 32; break; }
      case 0x5b: continue; // JUMPDEST
      case 0x5c: { // TLOAD
        const t = tslot(load<u32>(fr + FR_ACC), sp - 32);
        U.copy(tslotPtr(t) + SL_CURRENT, sp - 32);
        continue;
      }
      case 0x5d: { // TSTORE
        if (load<u32>(fr + FR_STATIC)) return S_STATIC_VIOLATION;
        const t = tslot(load<u32>(fr + FR_ACC), sp - 32);
        setTslot(t, sp - 64);
        sp -= 64;
        continue;
      }
      case 0x5e: { // MCOPY
        if (!memRange(sp - 32, sp - 96)) return S_OUT_OF_GAS;
        const dst = rangeOff, len = rangeLen;
        if (!memRange(sp - 64, sp - 96)) return S_OUT_OF_GAS;
        const src = rangeOff;
        gas -= <i64>words(len) * param(P_COPY_WORD);
        if (gas < 0) return S_OUT_OF_GAS;
        if (len) {
          gas = memExpand(gas, (dst > src ? dst : src) + len);
          if (gas < 0) return S_OUT_OF_GAS;
          memory.copy(gMem + <usize>dst, gMem + <usize>src, <usize>len);
        }
        sp -= 96;
        break;
      }
      case 0x5f: { U.setZero(sp); sp += 32; continue; }
      case 0x60: { // PUSH1, the most common instruction
        U.setU64(sp, <u64>load<u8>(code + pc));
        pc++;
        sp += 32;
        continue;
      }
      case 0x61: { // PUSH2 (jump destinations): its own case, no length branches
        U.setU64(sp, <u64>((<u32>load<u8>(code + pc) << 8) | <u32>load<u8>(code + pc, 1)));
        pc += 2;
        sp += 32;
        continue;
      }
      case 0x7f: { // PUSH32
        U.loadBE(code + pc, 32, sp);
        pc += 32;
        sp += 32;
        continue;
      }
      case 0x62: case 0x63: case 0x64: case 0x65: case 0x66: case 0x67:
      case 0x68: case 0x69: case 0x6a: case 0x6b: case 0x6c: case 0x6d: case 0x6e: case 0x6f:
      case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: case 0x75: case 0x76: case 0x77:
      case 0x78: case 0x79: case 0x7a: case 0x7b: case 0x7c: case 0x7d: case 0x7e: {
        const n = op - 0x5f;
        U.loadBE(code + pc, n, sp);
        pc += n;
        sp += 32;
        continue;
      }
      case 0x80: case 0x81: case 0x82: case 0x83: case 0x84: case 0x85: case 0x86: case 0x87:
      case 0x88: case 0x89: case 0x8a: case 0x8b: case 0x8c: case 0x8d: case 0x8e: case 0x8f: {
        U.copy(sp - ((op - 0x7f) << 5), sp);
        sp += 32;
        continue;
      }
      case 0x90: case 0x91: case 0x92: case 0x93: case 0x94: case 0x95: case 0x96: case 0x97:
      case 0x98: case 0x99: case 0x9a: case 0x9b: case 0x9c: case 0x9d: case 0x9e: case 0x9f: {
        const a = sp - 32;
        const b = sp - ((op - 0x8e) << 5);
        const a0 = v128.load(a), a1 = v128.load(a, 16), b0 = v128.load(b), b1 = v128.load(b, 16);
        v128.store(a, b0); v128.store(a, b1, 16);
        v128.store(b, a0); v128.store(b, a1, 16);
        continue;
      }
      case 0xa0: case 0xa1: case 0xa2: case 0xa3: case 0xa4: { // LOGn
        if (load<u32>(fr + FR_STATIC)) return S_STATIC_VIOLATION;
        const topics = <u32>(op - 0xa0);
        if (!memRange(sp - 32, sp - 64)) return S_OUT_OF_GAS;
        const off = rangeOff, len = rangeLen;
        gas -= <i64>len * param(P_LOG_BYTE);
        if (gas < 0) return S_OUT_OF_GAS;
        gas = memExpand(gas, off + len);
        if (gas < 0) return S_OUT_OF_GAS;
        const rec = logAppend(accPtr(load<u32>(fr + FR_ACC)) + AC_ADDR, topics, <u32>len);
        for (let i: u32 = 0; i < topics; i++) U.storeBE(sp - 96 - (<usize>i << 5), rec + 28 + (<usize>i << 5));
        if (len) memory.copy(rec + 28 + (<usize>topics << 5), gMem + <usize>off, <usize>len);
        sp -= (2 + <usize>topics) << 5;
        break;
      }
      case 0xf0: case 0xf5: { // CREATE, CREATE2
        store<u32>(fr + FR_PC, <u32>pc);
        store<i64>(fr + FR_GAS, gas);
        store<u32>(fr + FR_SP, <u32>sp);
        const r = opCreate(fr, op == 0xf5);
        if (r != ACT_CONTINUE) return r;
        gas = load<i64>(fr + FR_GAS);
        sp = <usize>load<u32>(fr + FR_SP);
        break;
      }
      case 0xf1: case 0xf2: case 0xf4: case 0xfa: { // CALL, CALLCODE, DELEGATECALL, STATICCALL
        store<u32>(fr + FR_PC, <u32>pc);
        store<i64>(fr + FR_GAS, gas);
        store<u32>(fr + FR_SP, <u32>sp);
        const kind = op == 0xf1 ? FK_CALL : op == 0xf2 ? FK_CALLCODE : op == 0xf4 ? FK_DELEGATECALL : FK_STATICCALL;
        const r = opCall(fr, kind);
        if (r != ACT_CONTINUE) return r;
        gas = load<i64>(fr + FR_GAS);
        sp = <usize>load<u32>(fr + FR_SP);
        break;
      }
      case 0xf3: case 0xfd: { // RETURN, REVERT
        if (!memRange(sp - 32, sp - 64)) return S_OUT_OF_GAS;
        const off = rangeOff, len = rangeLen;
        gas = memExpand(gas, off + len);
        if (gas < 0) return S_OUT_OF_GAS;
        store<i64>(fr + FR_GAS, gas);
        store<u32>(fr + FR_MEM_SIZE, <u32>gMemSize);
        haltOff = <u32>off;
        haltLen = <u32>len;
        return op == 0xf3 ? S_SUCCESS : S_REVERT;
      }
      case 0xff: { // SELFDESTRUCT
        if (load<u32>(fr + FR_STATIC)) return S_STATIC_VIOLATION;
        gas = selfdestruct(fr, gas, sp - 32);
        if (gas < 0) return S_OUT_OF_GAS;
        store<i64>(fr + FR_GAS, gas);
        haltLen = 0;
        return S_SUCCESS;
      }
      default: { // 0xfe INVALID and anything the gas table lets through
        return S_INVALID_OPCODE;
      }
    }
    if (blocks) break; // an ender: the next block
    }
  }
  return S_INVALID_OPCODE;
}

@external("host", "blockHash")
declare function hostBlockHash(): void; // H_NUMBER -> H_WORD

// ---------------------------------------------------------------- top-level message

export let topOutPtr: usize = 0;
export let topOutLen: u32 = 0;

/**
 * Runs a transaction's message: a call to `to` (or `code` instead of its code), or a
 * creation at `to`. Value moves inside the message's checkpoint. Returns the status;
 * gas left via topGasLeft.
 */
export let topGasLeft: i64 = 0;
export function runMessage(kind: i32, caller: usize, to: usize, value: usize, input: usize, inputLen: u32, gas: i64, code: usize, codeLen: u32, refund: i64): i32 {
  gDepth = 0;
  gRefund = refund;
  topOutPtr = 0;
  topOutLen = 0;
  const from = account(caller);
  const target = account(to);
  const fr = frameAt(0);
  let status: i32;
  if (kind == 1) { // creation
    const r = enterCreate(0, from, target, value, input, inputLen, gas, 0);
    if (r == ACT_CONTINUE) { topGasLeft = 0; return S_CREATE_COLLISION; }
    status = drive();
    let gasLeft = load<i64>(fr + FR_GAS);
    const outPtr = memBuf(0) + <usize>haltOff;
    if (status == S_SUCCESS) {
      if (haltLen > 0 && has(F_EIP3541) && load<u8>(outPtr) == 0xef) status = S_INVALID_CODE_PREFIX;
      else if (param(P_MAX_CODE_SIZE) > 0 && <i64>haltLen > param(P_MAX_CODE_SIZE)) status = S_CODE_TOO_LARGE;
      else {
        const deposit = <i64>haltLen * param(P_CODE_DEPOSIT);
        if (gasLeft >= deposit) {
          gasLeft -= deposit;
          const e = codeFromBytes(outPtr, haltLen, HASH_TMP);
          setCode(target, e, haltLen, HASH_TMP);
        } else if (has(F_EIP2)) status = S_OUT_OF_GAS;
      }
    }
    const temp = <usize>load<u32>(fr + FR_TEMP_CODE);
    if (temp) heap.free(temp);
    if (status == S_REVERT) { topOutPtr = outPtr; topOutLen = haltLen; }
    if (status != S_SUCCESS) rollback(fr);
    topGasLeft = status == S_SUCCESS || status == S_REVERT ? gasLeft : 0;
    return status;
  }
  checkpoint(fr);
  if (!U.isZero(value)) transfer(from, target, value);
  else if ((accFlags(target) & AF_EXISTS) != 0 || !has(F_EIP161)) { ensureExists(target); touch(target); }
  const in0 = ensureCapacity(<usize>load<u32>(topInput), <usize>load<u32>(topInput, 4), <usize>inputLen);
  if (capResult != 0) { store<u32>(topInput, <u32>capResult, 4); capResult = 0; }
  store<u32>(topInput, <u32>in0);
  if (inputLen) memory.copy(in0, input, inputLen);
  const pre = kind == 0 ? isPrecompile(to) : 0;
  if (pre != 0) {
    const left = runPrecompile(pre, in0, inputLen, gas);
    if (left < 0) { rollback(fr); topGasLeft = 0; return S_PRECOMPILE_FAILURE; }
    setReturnData(0, pcOutPtr, pcOutLen);
    if (pcOutOwned) heap.free(pcOutPtr);
    topOutPtr = rdBuf(0);
    topOutLen = pcOutLen;
    topGasLeft = left;
    return S_SUCCESS;
  }
  let ce: usize;
  let temp: usize = 0;
  if (kind == 2) {
    temp = codeEntryAlloc(codeLen);
    if (codeLen) memory.copy(temp + CE_CODE, code, codeLen);
    ce = temp;
  } else ce = resolveCode(target);
  initFrame(0, ce, gas);
  store<u32>(fr + FR_INPUT, <u32>in0);
  store<u32>(fr + FR_TEMP_CODE, <u32>temp);
  store<u32>(fr + FR_KIND, FK_CALL);
  store<u32>(fr + FR_ACC, target);
  store<u32>(fr + FR_STATIC, 0);
  store<u32>(fr + FR_INPUT_LEN, inputLen);
  memory.copy(fr + FR_CALLER, caller, 20);
  U.copy(value, fr + FR_VALUE);
  status = drive();
  if (temp) heap.free(temp);
  if (status == S_SUCCESS || status == S_REVERT) {
    topOutPtr = memBuf(0) + <usize>haltOff;
    topOutLen = haltLen;
    topGasLeft = load<i64>(fr + FR_GAS);
  } else topGasLeft = 0;
  if (status != S_SUCCESS) rollback(fr);
  return status;
}
