// Byte-level writer and reader for the block's binary messages (tx-codec.ts,
// outcome-codec.ts): structured clone of object graphs, one ArrayBuffer per byte
// array, costs the main thread more than executing a light transaction does.
// Numbers are a length byte and minimal big-endian bytes; counts and lengths u32.

import { safeIntByteLength, writeSafeIntBytes } from '../util/hex.js';

const TWO53 = 1n << 53n;
const TWO64 = 1n << 64n;
const TWO256 = 1n << 256n;
const scratch = new Uint8Array(32);
const scratchView = new DataView(scratch.buffer);

export class Writer {
  buf: Uint8Array;
  at = 0;

  constructor(size: number) {
    this.buf = new Uint8Array(Math.max(64, size));
  }

  room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.at));
    this.buf = b;
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.at++] = v;
  }

  u32(v: number): void {
    this.room(4);
    this.setU32(this.at, v);
    this.at += 4;
  }

  bytes(b: Uint8Array): void {
    const n = b.length;
    this.room(n);
    const buf = this.buf;
    const at = this.at;
    // set() from 20 bytes up (addresses, words, hashes): measured on outcomes, a loop was slower for those.
    if (n <= 16) for (let i = 0; i < n; i++) buf[at + i] = b[i];
    else buf.set(b, at);
    this.at = at + n;
  }

  /** u32 length, then the bytes. */
  blob(b: Uint8Array): void {
    this.u32(b.length);
    this.bytes(b);
  }

  /** Sets the u32 at `at` (little-endian, as u32 writes it), within what is written. */
  setU32(at: number, v: number): void {
    const b = this.buf;
    b[at] = v & 0xff;
    b[at + 1] = (v >>> 8) & 0xff;
    b[at + 2] = (v >>> 16) & 0xff;
    b[at + 3] = v >>> 24;
  }

  /** `n` bytes of `src` from `from` (bytes() of a subarray, without making one). */
  bytesAt(src: Uint8Array, from: number, n: number): void {
    this.room(n);
    const buf = this.buf;
    const at = this.at;
    if (n <= 32) for (let i = 0; i < n; i++) buf[at + i] = src[from + i];
    else buf.set(src.subarray(from, from + n), at);
    this.at = at + n;
  }

  /** As num() of the 32-byte big-endian word at src[from...], without the bigint. */
  numOfWord(src: Uint8Array, from: number): void {
    let first = 0;
    while (first < 32 && src[from + first] === 0) first++;
    this.u8(32 - first);
    this.bytesAt(src, from + first, 32 - first);
  }

  /** As num() of the u64 little-endian at src[from...], without the bigint. */
  numOfU64LE(src: Uint8Array, from: number): void {
    let len = 8;
    while (len > 0 && src[from + len - 1] === 0) len--;
    this.room(1 + len);
    const buf = this.buf;
    buf[this.at++] = len;
    for (let i = len - 1; i >= 0; i--) buf[this.at++] = src[from + i];
  }

  num(v: bigint): void {
    if (v < 0n) throw new RangeError(`negative number in a message: ${v}`);
    if (v < TWO53) {
      const x = Number(v);
      const len = safeIntByteLength(x);
      this.room(1 + len);
      this.buf[this.at] = len;
      this.at += 1 + writeSafeIntBytes(this.buf, this.at + 1, x, len);
      return;
    }
    if (v >= TWO256) {
      let h = v.toString(16);
      if (h.length & 1) h = '0' + h;
      const len = h.length >> 1;
      if (len > 255) throw new RangeError(`number too large for a message: ${v}`);
      this.room(1 + len);
      this.buf[this.at++] = len;
      for (let i = 0; i < len; i++) this.buf[this.at++] = parseInt(h.substr(2 * i, 2), 16);
      return;
    }
    // 64-bit pieces through a scratch view (setBigUint64 takes the low 64 bits): no hex string.
    let first = 24;
    scratchView.setBigUint64(24, v);
    if (v >= TWO64) {
      first = 16;
      let high = v >> 64n;
      scratchView.setBigUint64(16, high);
      if (high >= TWO64) {
        first = 8;
        high >>= 64n;
        scratchView.setBigUint64(8, high);
        if (high >= TWO64) {
          first = 0;
          scratchView.setBigUint64(0, high >> 64n);
        }
      }
    }
    while (scratch[first] === 0) first++;
    const len = 32 - first;
    this.room(1 + len);
    const b = this.buf;
    b[this.at++] = len;
    for (let i = first; i < 32; i++) b[this.at++] = scratch[i];
  }

  str(s: string): void {
    this.u32(s.length);
    this.room(2 * s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      this.buf[this.at++] = c & 0xff;
      this.buf[this.at++] = c >>> 8;
    }
  }

  /**
   * The buffer written into, as it is (its bytes past `at` unused), for a message read
   * by its structure, not its length: no copy. The writer must not be used after.
   */
  handOver(): ArrayBuffer {
    return this.buf.buffer as ArrayBuffer;
  }

  /** The bytes written, in a buffer of their own. */
  finish(shared: boolean): ArrayBuffer | SharedArrayBuffer {
    const out = shared ? new SharedArrayBuffer((this.at + 3) & ~3) : new ArrayBuffer(this.at);
    new Uint8Array(out).set(this.buf.subarray(0, this.at));
    return out;
  }
}

export class Reader {
  readonly u8: Uint8Array;
  readonly dv: DataView;
  p = 0;

  constructor(buffer: ArrayBuffer | SharedArrayBuffer) {
    this.u8 = new Uint8Array(buffer);
    this.dv = new DataView(buffer);
  }

  u8v(): number {
    return this.u8[this.p++];
  }

  u32(): number {
    const v = this.dv.getUint32(this.p, true);
    this.p += 4;
    return v;
  }

  /** A copy (not a view: it may outlive the message, and some APIs refuse views on shared memory). */
  bytes(n: number): Uint8Array {
    const b = this.u8.slice(this.p, this.p + n);
    this.p += n;
    return b;
  }

  blob(): Uint8Array {
    return this.bytes(this.u32());
  }

  /**
   * The next `n` bytes as a view of the buffer, not a copy: only for a buffer that
   * nobody writes any more (a message's), and for values that may keep all of it alive.
   * Copies of more than 64 bytes each get a backing store of their own, which the
   * garbage collector frees one by one: half a decoder's time went there.
   */
  view(n: number): Uint8Array {
    // The constructor over the buffer, not subarray: 13 against 26 ns a view (Node 20).
    const b = new Uint8Array(this.u8.buffer, this.p, n);
    this.p += n;
    return b;
  }

  viewBlob(): Uint8Array {
    return this.view(this.u32());
  }

  num(): bigint {
    const u8 = this.u8;
    const len = u8[this.p++];
    let p = this.p;
    const end = p + len;
    this.p = end;
    // 48-bit pieces (exact as Numbers), most significant first: twice as fast as parsing hex.
    const first = len % 6 || 6;
    let x = 0;
    for (let i = 0; i < first && p < end; i++) x = x * 256 + u8[p++];
    let v = BigInt(x);
    while (p < end) {
      x = 0;
      for (let k = 0; k < 6; k++) x = x * 256 + u8[p++];
      v = (v << 48n) | BigInt(x);
    }
    return v;
  }

  str(): string {
    const n = this.u32();
    let s = '';
    for (let i = 0; i < n; i++, this.p += 2) s += String.fromCharCode(this.u8[this.p] | (this.u8[this.p + 1] << 8));
    return s;
  }
}
