// The outcomes a worker hands back (protocol.ts TxOutcome) as one byte buffer. The
// main thread decodes every transaction of the block before its in-order commit, so
// this is on the block's sequential path: decoding these records costs a fraction of
// deserialising the same objects from a structured clone (about 10 us per outcome).
//
// A record: tx (u32), which keys the result and outcome have (K_*), status, then the
// fields present in order: incarnation, invalid, error, gasUsed, output, logs, createdAddress, read
// set, write set, coinbaseFee, fee, credit, logs bloom and encoding. A result with a
// key this codec does not know is refused, so that a new field cannot be lost silently.
// State keys (the hex strings WorldState maps by) travel as their bytes, an address's
// 20 and a slot's 32, and are made again on decoding through the key caches of
// src/wasm/keys.ts: a flat string of its own, which the state's maps compare and hash
// at about half the cost of a slice of one long string of keys (what they were until
// the fifteenth session).

import type { FullTxResult } from '../evm/evm.js';
import * as C from '../../assembly/shared/config.js';
import { WriteRecords, putAccountFields, putWriteSet, writeSetBytesOf, type AccountWrite, type PendingWriteSet, type ReadSet, type WriteSet } from '../evm/sets.js';
import { NO_CODE, codeHashAt, isHashAt, type WorldState } from '../state/world.js';
import type { ExecStatus } from '../evm/types.js';
import { LogBuffer, logsAsBuffer, putLogs } from '../state/logs.js';
import { rlpHeaderSize } from '../state/trie.js';
import { Reader, Writer } from './binary.js';
import { hexDigitValue } from '../util/hex.js';
import { addressKeyAt, slotKeyAt } from '../wasm/keys.js';
import type { TxOutcome } from './protocol.js';

const K_INVALID = 1;
const K_ERROR = 2; // the key exists
const K_ERROR_SET = 4; // and is not undefined
const K_CREATED = 8;
const K_CREATED_SET = 16;
const K_COINBASE_FEE = 32;
const K_FEE = 64;
const K_CREDIT = 128;
const K_LOGS_PARTS = 256;
const K_INC = 512;

const RESULT_KEYS = new Set(['status', 'invalid', 'error', 'gasUsed', 'output', 'logs', 'createdAddress', 'readSet', 'writeSet', 'coinbaseFee']);
const STATUSES: ExecStatus[] = ['success', 'revert', 'halt'];

const W_DELETED = 1;
const W_STORAGE_CLEARED = 2;
const W_ACCOUNT = 4;
const W_CODE = 8;

/** A worker's outcomes: the records. */
export interface EncodedOutcomes {
  bytes: ArrayBuffer;
}

/** With `readSets` false, the results' read sets are left out (encoded empty). */
export function encodeOutcomes(outcomes: TxOutcome[], readSets = true): EncodedOutcomes {
  const e = new OutcomeEncoder(outcomes.length, readSets);
  for (const o of outcomes) e.add(o);
  return e.take(null);
}

/**
 * Bytes per outcome the last buffer taken here held (the next encoder's first guess):
 * a first buffer too small was copied on every doubling (a batch of 64 swaps of (c)
 * grew from 16 KiB three times).
 */
let bytesPerOutcome = 256;
/**
 * The guess's ceiling. The merge block (15537394) has a transaction with 10,001 logs,
 * a 3 MB outcome: the guess after it made the next encoders allocate batches of 3 MB
 * outcomes, 15 ms of the worker's time per block, which then ran at 0.6x sequential.
 */
const MAX_BYTES_PER_OUTCOME = 4096;

/** The cursor of OutcomeEncoder's write sets in bytes. */
const records = new WriteRecords();

/**
 * Outcomes encoded one at a time, as they are produced (their objects then die young),
 * of which a selection makes the buffer: encodeOutcomes's, from the records chosen.
 */
export class OutcomeEncoder {
  private readonly w: Writer;
  /** Per record: its first byte (the next record's is its end). */
  private starts: number[] = [];

  /**
   * `expected` outcomes sizes the first buffer; with `readSets` false, read sets are
   * encoded empty. With `logsParts`, a result with logs is encoded with its logs bloom
   * and encoding (as if the outcome carried them: see add), computed straight into the
   * buffer.
   */
  constructor(expected: number, private readonly readSets: boolean, private readonly logsParts = false) {
    this.w = new Writer(4 + expected * bytesPerOutcome);
    this.w.u32(0); // the count, set by take
  }

  get count(): number {
    return this.starts.length;
  }

  /** Encodes `o`; returns its record's index. */
  add(o: TxOutcome): number {
    const w = this.w;
    this.starts.push(w.at);
    const r = o.result as FullTxResult;
    for (const k in r) if (!RESULT_KEYS.has(k)) throw new Error(`outcome codec: unknown result field ${k}`);
    // The logs in the interpreter's layout (LogBuffer): copied as they are, decoded only where read.
    const logs = logsAsBuffer(r);
    const keys = (r.invalid !== undefined ? K_INVALID : 0) | ('error' in r ? K_ERROR : 0) | (r.error !== undefined ? K_ERROR_SET : 0) |
      ('createdAddress' in r ? K_CREATED : 0) | (r.createdAddress !== undefined ? K_CREATED_SET : 0) | (r.coinbaseFee !== undefined ? K_COINBASE_FEE : 0) |
      (o.fee !== undefined ? K_FEE : 0) | (o.credit !== undefined ? K_CREDIT : 0) |
      (o.encodedLogs !== undefined || (this.logsParts && logs !== null) ? K_LOGS_PARTS : 0) |
      (o.inc !== undefined ? K_INC : 0);
    w.u32(o.tx);
    w.u32(keys);
    w.u8(STATUSES.indexOf(r.status));
    if (o.inc !== undefined) w.u32(o.inc);
    if (r.invalid !== undefined) w.str(r.invalid);
    if (r.error !== undefined) w.str(r.error);
    w.num(r.gasUsed);
    w.blob(r.output);
    w.u32(logs?.count ?? 0);
    if (logs !== null) w.blob(logs.bytes);
    if (r.createdAddress !== undefined) w.bytes(r.createdAddress);
    if (this.readSets) {
      const rs = r.readSet;
      w.u32(rs.accounts.length);
      for (const a of rs.accounts) this.key(a, 40);
      w.u32(rs.storage.length);
      for (const [a, s] of rs.storage) {
        this.key(a, 40);
        this.key(s, 64);
      }
      w.u32(rs.blockHashes.length);
      for (const n of rs.blockHashes) w.num(n);
    } else {
      w.u32(0);
      w.u32(0);
      w.u32(0);
    }
    const writeSetBytes = writeSetBytesOf(r);
    if (writeSetBytes !== undefined) this.writeSetOf(writeSetBytes);
    else this.writeSetObjects(r.writeSet);
    if (r.coinbaseFee !== undefined) w.num(r.coinbaseFee);
    if (o.fee !== undefined) w.num(o.fee);
    if (o.credit !== undefined) w.num(o.credit);
    if (o.encodedLogs !== undefined) {
      w.bytes(o.logsBloom!);
      w.blob(o.encodedLogs);
    } else if (this.logsParts && logs !== null) {
      // Neither a bloom nor an encoding of their own (each a backing store for the collector to free).
      w.room(256);
      w.buf.fill(0, w.at, w.at + 256);
      logs.addToBloom(w.buf.subarray(w.at, w.at + 256));
      w.at += 256;
      const payload = logs.payload();
      const size = rlpHeaderSize(payload) + payload;
      w.u32(size);
      w.room(size);
      logs.write(w.buf, w.at, payload);
      w.at += size;
    }
    return this.starts.length - 1;
  }

  /**
   * A write set in the WASM's bytes (a worker's results: format in
   * assembly/shared/config.ts), encoded as writeSetObjects encodes its objects, without
   * making them (an object, two bigints and a copy per account, a pair and a copy per
   * slot): parsing them was about 6% of a worker's CPU on ERC-20 transfers.
   */
  private writeSetOf(bytes: Uint8Array): void {
    const w = this.w;
    const c = records.reset(bytes, 0, bytes.length);
    const buf = c.bytes;
    const countAt = w.at;
    w.u32(0);
    let count = 0;
    while (c.next()) {
      count++;
      w.bytesAt(buf, c.addressAt, 20);
      const f = c.flags;
      if (f & C.W_DELETED) {
        // As parseWriteSet's object: deleted, its storage cleared, nothing else.
        w.u8(W_DELETED | W_STORAGE_CLEARED);
        w.u32(0);
        continue;
      }
      w.u8((f & C.W_STORAGE_CLEARED ? W_STORAGE_CLEARED : 0) | (f & C.W_ACCOUNT ? W_ACCOUNT : 0) | (f & C.W_CODE ? W_CODE : 0));
      if (f & C.W_ACCOUNT) {
        w.numOfU64LE(buf, c.nonceAt);
        w.numOfWord(buf, c.balanceAt);
        w.bytesAt(buf, c.codeHashAt, 32);
      }
      if (f & C.W_CODE) {
        w.u32(c.codeLength);
        w.bytesAt(buf, c.codeAt, c.codeLength);
      }
      w.u32(c.slotCount);
      for (let i = 0; i < c.slotCount; i++) {
        w.bytesAt(buf, c.slotAt(i), 64); // the slot and its value
      }
    }
    w.setU32(countAt, count);
  }

  /** A write set's objects (a result whose write set was read or replaced). */
  private writeSetObjects(writeSet: WriteSet): void {
    const w = this.w;
    w.u32(writeSet.length);
    for (const a of writeSet) {
      this.key(a.address, 40);
      w.u8((a.deleted ? W_DELETED : 0) | (a.storageCleared ? W_STORAGE_CLEARED : 0) | (a.account ? W_ACCOUNT : 0) | (a.code !== undefined ? W_CODE : 0));
      if (a.account) {
        w.num(a.account.nonce);
        w.num(a.account.balance);
        w.bytes(a.account.codeHash);
      }
      if (a.code !== undefined) w.blob(a.code);
      w.u32(a.storage.length);
      for (const [slot, value] of a.storage) {
        this.key(slot, 64);
        w.bytes(value);
      }
    }
  }

  /** A state key (`len` hex digits) as its bytes (see the top of this file). */
  private key(k: string, len: number): void {
    if (k.length !== len) throw new Error(`outcome codec: state key ${k} is not ${len} hex digits`);
    const w = this.w;
    w.room(len / 2);
    const buf = w.buf;
    for (let i = 0; i < len; i += 2) {
      const hi = hexDigitValue(k.charCodeAt(i));
      const lo = hexDigitValue(k.charCodeAt(i + 1));
      if (hi < 0 || lo < 0) throw new Error(`outcome codec: state key ${k} is not hex`);
      buf[w.at++] = (hi << 4) | lo;
    }
  }

  /**
   * The buffer of the records `which` (indices, each once), or of all (null); the
   * encoder is done with. Its tail may be unused: decodeOutcomes reads the records by
   * their count.
   */
  take(which: number[] | null): EncodedOutcomes {
    const w = this.w;
    const n = this.starts.length;
    // An eighth more than the mean, so that most batches fit their first buffer; at most
    // MAX_BYTES_PER_OUTCOME, or one outlier sizes the next buffer (a batch's worth of it).
    if (n > 0) bytesPerOutcome = Math.min(MAX_BYTES_PER_OUTCOME, Math.max(64, Math.ceil((1.125 * w.at) / n)));
    if (which === null || which.length === n) {
      const end = w.at;
      w.at = 0;
      w.u32(n);
      w.at = end;
      return { bytes: w.handOver() };
    }
    const out = new Writer(4 + (which.length * w.at) / Math.max(1, n));
    out.u32(which.length);
    for (const i of which) out.bytes(w.buf.subarray(this.starts[i], i + 1 === n ? w.at : this.starts[i + 1]));
    return { bytes: out.handOver() };
  }
}

/**
 * Decodes a buffer of encodeOutcomes into `into`, by transaction index plus `offset`
 * (the block's index of the job's first); with `newest`, an outcome replaces one there
 * only if its incarnation is not older (streamed batches come from several workers).
 */
export function decodeOutcomes(encoded: EncodedOutcomes, into: TxOutcome[], offset = 0, newest = false): void {
  const r = new Reader(encoded.bytes);
  for (let n = r.u32(); n > 0; n--) {
    const tx = r.u32();
    const keys = r.u32();
    const status = STATUSES[r.u8v()];
    const inc = keys & K_INC ? r.u32() : undefined;
    const invalid = keys & K_INVALID ? r.str() : undefined;
    const error = keys & K_ERROR_SET ? r.str() : undefined;
    const gasUsed = r.num();
    // The result's own bytes are views of the message: they live as long as the block's
    // result does. What goes into the state (the write set's) is copied.
    const output = r.viewBlob();
    const logCount = r.u32();
    const logs = logCount === 0 ? null : new LogBuffer(r.viewBlob(), logCount);
    const createdAddress = keys & K_CREATED_SET ? r.view(20) : undefined;
    const readSet = readSetOf(r);
    // The write set stays in the message: the commit applies it from there (EncodedWriteSet).
    const writeSet = new EncodedWriteSet(r, r.p);
    EncodedWriteSet.skip(r);
    // The keys in the order Evm.executeTx creates them, so that results look alike.
    const result = { status } as FullTxResult;
    if (keys & K_ERROR) result.error = error;
    result.gasUsed = gasUsed;
    result.output = output;
    putLogs(result, logs ?? []);
    if (keys & K_CREATED) result.createdAddress = createdAddress;
    result.readSet = readSet;
    putWriteSet(result, writeSet);
    if (keys & K_INVALID) result.invalid = invalid;
    if (keys & K_COINBASE_FEE) result.coinbaseFee = r.num();
    const o: TxOutcome = { tx: tx + offset, result };
    if (inc !== undefined) o.inc = inc;
    if (keys & K_FEE) o.fee = r.num();
    if (keys & K_CREDIT) o.credit = r.num();
    if (keys & K_LOGS_PARTS) {
      o.logsBloom = r.view(256);
      o.encodedLogs = r.viewBlob();
    }
    if (newest && (into[tx + offset]?.inc ?? -1) > (inc ?? -1)) continue;
    into[tx + offset] = o;
  }
}

/**
 * Read sets without a read (all of them where they are not used: readSets false)
 * share one, frozen: nothing changes a decoded result's read set, and 10,000 empty ones
 * were four objects each.
 */
const NO_READS: ReadSet = Object.freeze({ accounts: Object.freeze([]) as unknown as string[], storage: Object.freeze([]) as unknown as [string, string][],
  blockHashes: Object.freeze([]) as unknown as bigint[] });

function readSetOf(r: Reader): ReadSet {
  const accounts = r.u32();
  if (accounts === 0 && r.dv.getUint32(r.p, true) === 0 && r.dv.getUint32(r.p + 4, true) === 0) {
    r.p += 8;
    return NO_READS;
  }
  const readSet: ReadSet = { accounts: [], storage: [], blockHashes: [] };
  for (let k = accounts; k > 0; k--) readSet.accounts.push(addressOf(r));
  for (let k = r.u32(); k > 0; k--) readSet.storage.push([addressOf(r), slotOf(r)]);
  for (let k = r.u32(); k > 0; k--) readSet.blockHashes.push(r.num());
  return readSet;
}

/** The state key of the address at `r`'s position (moved past it). */
function addressOf(r: Reader): string {
  const key = addressKeyAt(r.u8, r.p);
  r.p += 20;
  return key;
}

/** The state key of the slot at `r`'s position (moved past it). */
function slotOf(r: Reader): string {
  const key = slotKeyAt(r.u8, r.p);
  r.p += 32;
  return key;
}

/**
 * A decoded outcome's write set, left in the posted message (encoded as in
 * OutcomeEncoder.add) until someone reads it: the commit applies it from there, as
 * applyWriteSet would its objects, without making them. `r` is the message's reader
 * (shared by its outcomes: each walk sets its position), `at` where the write set
 * starts.
 */
class EncodedWriteSet implements PendingWriteSet {
  constructor(private readonly r: Reader, private readonly at: number) {}

  /** Moves `r` past a write set. */
  static skip(r: Reader): void {
    for (let n = r.u32(); n > 0; n--) {
      r.p += 20; // the address
      const flags = r.u8v();
      if (flags & W_ACCOUNT) {
        r.p += 1 + r.u8[r.p]; // nonce
        r.p += 1 + r.u8[r.p]; // balance
        r.p += 32; // code hash
      }
      if (flags & W_CODE) r.p += 4 + r.u32();
      const slots = r.u32();
      r.p += 64 * slots; // slots and values
    }
  }

  parse(): WriteSet {
    const r = this.r;
    r.p = this.at;
    const writeSet: AccountWrite[] = [];
    for (let n = r.u32(); n > 0; n--) {
      const owner = addressOf(r);
      const flags = r.u8v();
      const a: AccountWrite = { address: owner, deleted: (flags & W_DELETED) !== 0, storageCleared: (flags & W_STORAGE_CLEARED) !== 0, storage: [] };
      if (flags & W_ACCOUNT) a.account = { nonce: r.num(), balance: r.num(), codeHash: r.bytes(32) };
      if (flags & W_CODE) a.code = r.blob();
      for (let s = r.u32(); s > 0; s--) a.storage.push([slotOf(r), r.bytes(32)]);
      writeSet.push(a);
    }
    return writeSet;
  }

  applyTo(state: WorldState): void {
    const r = this.r;
    r.p = this.at;
    for (let n = r.u32(); n > 0; n--) {
      const address = addressOf(r);
      const flags = r.u8v();
      if (flags & W_DELETED) {
        state.deleteAccount(address);
        const slots = r.u32(); // (none from the Evm: a deleted account's storage goes with it)
        r.p += 64 * slots;
        continue;
      }
      if (flags & W_ACCOUNT) {
        const nonce = r.num();
        const balance = r.num();
        const a = state.getAccountFields(address);
        // An unchanged code hash is the account's own array, not a copy.
        const same = a !== undefined && isHashAt(r.u8, r.p, a.codeHash);
        const codeHash = same ? a!.codeHash : codeHashAt(r.u8, r.p);
        r.p += 32;
        const code = flags & W_CODE ? r.blob() : same ? a!.code : NO_CODE;
        putAccountFields(state, address, a, nonce, balance, code, codeHash, (flags & W_STORAGE_CLEARED) !== 0);
      } else if (flags & W_CODE) r.p += 4 + r.u32();
      for (let s = r.u32(); s > 0; s--) state.putStorage(address, slotOf(r), r.bytes(32));
    }
  }
}
