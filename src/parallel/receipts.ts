// The receipts root hashed beside the commit (streamed commit, receipts with a status).
// The root's cost is in its leaves: one keccak256 of a few hundred bytes per receipt,
// which the committing thread would pay after its last commit. Instead it hands each
// receipt's encoding over in shared memory as it commits it, and a worker that has no
// Block-STM task left hashes the receipt's leaf (OrderedTrieShape: a leaf depends only
// on its index, the block's transaction count and its value). At the end the
// committing thread hashes the leaves nobody took and the branches above them.
//
// Layout: header words, then per receipt [state, byte offset, length, reference
// length] and 32 reference bytes (a receipt's leaf is over 32 bytes: always a hash),
// then the encodings. A receipt goes READY -> CLAIMED -> DONE (a worker) or
// READY -> MINE (the committing thread, while it waits or at the end); its encoding is written before it
// is READY and its reference before it is DONE.

import { ReceiptEncoding, STATUS_FAILED, STATUS_OK, logsBloomView, logsIdentity, type Receipt } from '../block/receipt.js';
import type { Log } from '../state/logs.js';
import { OrderedTrieShape } from '../state/trie.js';
import { SpareBuffer } from './spare.js';

const H_N = 0; // receipts in the block
const H_READY = 1; // receipts handed over (a prefix)
const H_CURSOR = 2; // next receipt for the workers to try
const H_COMPLETE = 3; // the committing thread needs no more leaves: workers leave
const H_SLEEPERS = 4; // workers asleep on H_READY
const H_WORDS = 8;
const R_STATE = 0;
const R_OFFSET = 1;
const R_LENGTH = 2;
const R_REF_LENGTH = 3;
const R_WORDS = 4;
const REF_BYTES = 32;

const EMPTY = 0;
const READY = 1;
const CLAIMED = 2;
const DONE = 3;
const MINE = 4;

/** Bytes of encodings a buffer holds per receipt (a receipt with few logs: ~300); a receipt that does not fit is hashed at the end. */
const BYTES_PER_RECEIPT = 512;
/** How long the committing thread waits for a leaf a worker took before it hashes the leaf itself. */
const CLAIM_WAIT_MS = 100;
/** Sleeping workers are woken after this many new receipts, not each one (a wake-up costs more than a leaf). */
const WAKE_EVERY = 16;

function layout(n: number): { refs: number; bytes: number; size: number } {
  const refs = 4 * (H_WORDS + n * R_WORDS);
  const bytes = refs + n * REF_BYTES;
  return { refs, bytes, size: bytes + n * BYTES_PER_RECEIPT };
}

/** The buffer of a finished block, kept for the next. */
const spare = new SpareBuffer();

/** The shared buffer for a block of `n` transactions (a spare one if large enough); releaseReceiptsBuffer() when done. */
export function acquireReceiptsBuffer(n: number): SharedArrayBuffer {
  const buf = spare.take(layout(n).size);
  const w = new Int32Array(buf);
  w.fill(0, 0, H_WORDS + n * R_WORDS); // the rest is written before it is read
  w[H_N] = n;
  return buf;
}

/** Returns a buffer no worker touches any more. */
export function releaseReceiptsBuffer(buf: SharedArrayBuffer): void {
  spare.give(buf);
}

/** Receipts handed over so far: progress of a block whose workers only hash leaves any more (the pool's watchdog). */
export function receiptsProgress(buffer: SharedArrayBuffer): number {
  return Atomics.load(new Int32Array(buffer), H_READY);
}

/**
 * The committing thread's side: add() each receipt as its transaction commits, in
 * order; root() at the end gives the receipts root, with the leaves workers hashed.
 */
export class ReceiptsFeed {
  private readonly w: Int32Array;
  private readonly u8: Uint8Array;
  private readonly shape: OrderedTrieShape;
  private readonly refBase: number;
  private readonly bytesEnd: number;
  private top: number;
  private count = 0;
  /** What was handed over, to check against executeBlock's receipts: type, status, cumulative gas, logs. */
  private readonly types: Uint8Array;
  private readonly statuses: Uint8Array;
  private readonly gasAfter: BigUint64Array;
  /** The logs handed over, by logsIdentity. */
  private readonly logs: object[] = [];
  /** Encodings that did not fit the buffer (hashed at the end). */
  private readonly outside = new Map<number, Uint8Array>();
  /** Leaf references this thread made: hashOne's while it waited, then root()'s. */
  private readonly refs: (Uint8Array | undefined)[];
  /** Measures each receipt handed over (one object for all). */
  private readonly measure = new ReceiptEncoding();
  private gas = 0n;
  /** Leaves the workers hashed (the rest were hashed here). */
  hashedByWorkers = 0;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.w = new Int32Array(buffer);
    this.u8 = new Uint8Array(buffer);
    const n = this.w[H_N];
    this.shape = OrderedTrieShape.of(n);
    const { refs, bytes, size } = layout(n);
    this.refBase = refs;
    this.top = bytes;
    this.bytesEnd = size;
    this.types = new Uint8Array(n);
    this.statuses = new Uint8Array(n);
    this.gasAfter = new BigUint64Array(n);
    this.refs = new Array<Uint8Array | undefined>(n);
  }

  /**
   * Hashes the leaf of the next receipt handed over that no worker took; false if
   * there is none. The committing thread's use for a wait on the workers: each leaf
   * hashed here is one fewer at the end.
   */
  hashOne(): boolean {
    const i = claimNext(this.w, MINE);
    if (i < 0) return false;
    this.refs[i] = this.shape.leafRef(i, this.encoding(i));
    return true;
  }

  /** The receipt of the next transaction, as executeBlock makes it from the result: type, status, gas used, logs. */
  add(type: number, success: boolean, gasUsed: bigint, result: { logs: Log[] }): void {
    const i = this.count++;
    if (i >= this.shape.n) throw new RangeError(`receipt ${i} of a block of ${this.shape.n}`);
    this.gas += gasUsed;
    this.types[i] = type;
    this.statuses[i] = success ? 1 : 0;
    this.gasAfter[i] = this.gas;
    this.logs.push(logsIdentity(result));
    const e = this.measure.set(type, success ? STATUS_OK : STATUS_FAILED, this.gas, logsBloomView(result), result);
    if (this.top + e.size > this.bytesEnd) {
      // Stays EMPTY, and ends the prefix the workers take: hashed at the end.
      const out = new Uint8Array(e.size);
      e.write(out, 0);
      this.outside.set(i, out);
      return;
    }
    e.write(this.u8, this.top);
    const at = H_WORDS + i * R_WORDS;
    this.w[at + R_OFFSET] = this.top;
    this.w[at + R_LENGTH] = e.size;
    this.top += e.size;
    Atomics.store(this.w, at + R_STATE, READY);
    if (Atomics.load(this.w, H_READY) === i) {
      Atomics.store(this.w, H_READY, i + 1);
      if ((i + 1) % WAKE_EVERY === 0 && Atomics.load(this.w, H_SLEEPERS) > 0) Atomics.notify(this.w, H_READY);
    }
  }

  /**
   * The receipts root of `receipts` (executeBlock's), with the leaves hashed by workers;
   * undefined when they are not the receipts handed over (then the caller computes it).
   * Either way the workers are released.
   */
  root(receipts: Receipt[]): Uint8Array | undefined {
    try {
      if (!this.matches(receipts)) return undefined;
      const n = receipts.length;
      const refs = this.refs;
      const w = this.w;
      // The leaves left are shared with the workers (woken for them): each takes the next.
      Atomics.notify(w, H_READY);
      while (this.hashOne());
      for (let i = 0; i < n; i++) {
        if (refs[i] !== undefined) continue;
        const at = H_WORDS + i * R_WORDS + R_STATE;
        let s = Atomics.load(w, at);
        // A worker is hashing it: a leaf takes microseconds; one that died leaves it here.
        for (const until = performance.now() + CLAIM_WAIT_MS; s === CLAIMED && performance.now() < until; s = Atomics.load(w, at)) {
          Atomics.wait(w, at, CLAIMED, 1);
        }
        if (s !== DONE) continue;
        const len = w[H_WORDS + i * R_WORDS + R_REF_LENGTH];
        // A view, not a copy: the root below is all that reads it, before the buffer is given back.
        refs[i] = new Uint8Array(this.buffer, this.refBase + i * REF_BYTES, len);
        this.hashedByWorkers++;
      }
      return this.shape.root((i) => this.encoding(i), refs);
    } finally {
      this.complete();
    }
  }

  /** No more leaves are needed (the block ended, or failed): the workers leave. */
  complete(): void {
    Atomics.store(this.w, H_COMPLETE, 1);
    Atomics.notify(this.w, H_READY);
  }

  private encoding(i: number): Uint8Array {
    const at = H_WORDS + i * R_WORDS;
    const off = this.w[at + R_OFFSET];
    return this.outside.get(i) ?? this.u8.subarray(off, off + this.w[at + R_LENGTH]);
  }

  private matches(receipts: Receipt[]): boolean {
    if (receipts.length !== this.count || receipts.length !== this.shape.n) return false;
    for (let i = 0; i < receipts.length; i++) {
      const r = receipts[i];
      if (r.type !== this.types[i] || r.status !== this.statuses[i] || r.cumulativeGasUsed !== this.gasAfter[i] || logsIdentity(r) !== this.logs[i] || r.postState !== undefined) return false;
    }
    return true;
  }
}

/** Takes the next receipt of the ready prefix (state READY -> `as`): its index, or -1 when none is left. */
function claimNext(w: Int32Array, as: number): number {
  for (;;) {
    const i = Atomics.load(w, H_CURSOR);
    if (i >= Atomics.load(w, H_READY)) return -1;
    if (Atomics.compareExchange(w, H_CURSOR, i, i + 1) !== i) continue;
    if (Atomics.compareExchange(w, H_WORDS + i * R_WORDS + R_STATE, READY, as) === READY) return i;
  }
}

/** A worker's side: hashes leaves of receipts handed over while it has nothing else to do. */
export class ReceiptLeaves {
  private readonly w: Int32Array;
  private readonly u8: Uint8Array;
  private readonly shape: OrderedTrieShape;
  private readonly refBase: number;
  hashed = 0;

  constructor(buffer: SharedArrayBuffer) {
    this.w = new Int32Array(buffer);
    this.u8 = new Uint8Array(buffer);
    const n = this.w[H_N];
    this.shape = OrderedTrieShape.of(n);
    this.refBase = layout(n).refs;
  }

  /** Hashes the next receipt's leaf if one is ready and untaken; false if none is. */
  hashOne(): boolean {
    const w = this.w;
    if (Atomics.load(w, H_COMPLETE) !== 0) return false;
    const i = claimNext(w, CLAIMED);
    if (i >= 0) {
      const at = H_WORDS + i * R_WORDS;
      const off = w[at + R_OFFSET];
      const ref = this.shape.leafRef(i, this.u8.subarray(off, off + w[at + R_LENGTH]));
      if (ref.length > REF_BYTES) throw new Error(`receipt leaf reference of ${ref.length} bytes`);
      this.u8.set(ref, this.refBase + i * REF_BYTES);
      w[at + R_REF_LENGTH] = ref.length;
      Atomics.store(w, at + R_STATE, DONE);
      Atomics.notify(w, at + R_STATE);
      this.hashed++;
    }
    return i >= 0;
  }

  /** After the worker's Block-STM tasks: hashes leaves as they come until the committing thread needs no more (or `stop()`). */
  serve(stop: () => boolean): void {
    const w = this.w;
    while (Atomics.load(w, H_COMPLETE) === 0 && !stop()) {
      if (this.hashOne()) continue;
      const ready = Atomics.load(w, H_READY);
      Atomics.add(w, H_SLEEPERS, 1);
      if (Atomics.load(w, H_CURSOR) >= ready && Atomics.load(w, H_COMPLETE) === 0) Atomics.wait(w, H_READY, ready, 2);
      Atomics.sub(w, H_SLEEPERS, 1);
    }
  }
}
