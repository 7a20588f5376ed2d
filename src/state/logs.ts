// Logs: the hash ethereum/tests state tests compare ("logs" in each post entry) and
// the 2048-bit bloom filter of receipts and block headers (Yellow Paper, section 4.3.1).

import { keccak256, keccak256ViewAt } from '../util/keccak.js';
import { rlpHeaderSize, stringSize, stringSizeAt, writeRlpHeader, writeString, writeStringAt } from './trie.js';
import { ByteChunks } from '../util/chunks.js';
import { u32At } from '../util/hex.js';

export interface Log {
  address: Uint8Array;
  topics: Uint8Array[];
  data: Uint8Array;
}

/**
 * RLP of the log list [[address, [topics...], data], ...], as receipts carry it.
 * Written directly into one buffer (sizes first): receipts of a busy block hold
 * thousands of logs, and a generic encoder's nested arrays cost more than the hashing.
 */
export function encodeLogs(logs: Log[]): Uint8Array {
  const payload = logsPayload(logs);
  const out = new Uint8Array(rlpHeaderSize(payload) + payload);
  writeLogs(out, 0, logs, payload);
  return out;
}

/** The payload of encodeLogs(logs), the list's contents: the encoding is rlpHeaderSize(payload) + payload bytes. */
export function logsPayload(logs: Log[]): number {
  let payload = 0;
  for (const l of logs) payload += logSize(l);
  return payload;
}

/** Writes encodeLogs(logs), whose payload is `payload` (logsPayload), at out[at...]: into a buffer already there, no array of its own. */
export function writeLogs(out: Uint8Array, at: number, logs: Log[], payload: number): void {
  let o = writeRlpHeader(out, at, payload, 0xc0);
  for (const l of logs) {
    o = writeRlpHeader(out, o, logPayload(l), 0xc0);
    o = writeString(out, o, l.address);
    o = writeRlpHeader(out, o, topicsPayload(l), 0xc0);
    for (const t of l.topics) o = writeString(out, o, t);
    o = writeString(out, o, l.data);
  }
}

function topicsPayload(l: Log): number {
  let n = 0;
  for (const t of l.topics) n += stringSize(t);
  return n;
}

function logPayload(l: Log): number {
  const topics = topicsPayload(l);
  return stringSize(l.address) + rlpHeaderSize(topics) + topics + stringSize(l.data);
}

function logSize(l: Log): number {
  const p = logPayload(l);
  return rlpHeaderSize(p) + p;
}

/** keccak256(RLP(logs)); for no logs this is keccak256(0xc0). */
export function logsHash(logs: Log[]): Uint8Array {
  return keccak256(encodeLogs(logs));
}

const blooms = new ByteChunks();

/** The 256-byte bloom of the logs' addresses and topics (an array of its own, a view of a shared chunk). */
export function logsBloom(logs: Log[]): Uint8Array {
  const bloom = blooms.zeroed(256);
  addLogsToBloom(bloom, logs);
  return bloom;
}

/** Sets the bits of the logs' addresses and topics in `bloom` (256 bytes). */
function addLogsToBloom(bloom: Uint8Array, logs: Log[]): void {
  for (const l of logs) {
    addToBloom(bloom, l.address);
    for (const t of l.topics) addToBloom(bloom, t);
  }
}

/**
 * Sets the three bits of `item` in `bloom`: each of the first three byte pairs of
 * keccak256(item), taken mod 2048, indexes a bit counted from the low end of the
 * 2048-bit big-endian number, so bit i lives in byte 255 - (i >> 3).
 */
export function addToBloom(bloom: Uint8Array, item: Uint8Array): void {
  addToBloomAt(bloom, item, 0, item.length);
}

/** addToBloom of the `n` bytes buf[from...] (no view of them made unless they are hashed). */
function addToBloomAt(bloom: Uint8Array, buf: Uint8Array, from: number, n: number): void {
  if (n === 0 || n > CACHED_MAX) {
    setBloomBits(bloom, keccak256ViewAt(buf, from, n));
    return;
  }
  // Contracts and event signatures repeat from log to log: their bits come from a small
  // direct-mapped cache (a comparison of at most 32 bytes instead of a keccak).
  const slot = (buf[from + n - 1] ^ (buf[from + (n - 2 < 0 ? 0 : n - 2)] << 1) ^ (buf[from] << 2) ^ (buf[from + (n >> 1)] << 3) ^ n) & (CACHE_ENTRIES - 1);
  const at = slot * CACHED_MAX;
  let hit = cachedLength[slot] === n;
  for (let i = 0; hit && i < n; i++) if (cachedItems[at + i] !== buf[from + i]) hit = false;
  if (!hit) {
    const h = keccak256ViewAt(buf, from, n);
    for (let i = 0; i < 3; i++) cachedBits[3 * slot + i] = ((h[2 * i] << 8) | h[2 * i + 1]) & 2047;
    for (let i = 0; i < n; i++) cachedItems[at + i] = buf[from + i];
    cachedLength[slot] = n;
  }
  for (let i = 0; i < 3; i++) {
    const bit = cachedBits[3 * slot + i];
    bloom[255 - (bit >> 3)] |= 1 << (bit & 7);
  }
}

function setBloomBits(bloom: Uint8Array, h: Uint8Array): void {
  for (let i = 0; i < 6; i += 2) {
    const bit = ((h[i] << 8) | h[i + 1]) & 2047;
    bloom[255 - (bit >> 3)] |= 1 << (bit & 7);
  }
}

const CACHE_ENTRIES = 256;
const CACHED_MAX = 32;
const cachedItems = new Uint8Array(CACHE_ENTRIES * CACHED_MAX);
const cachedLength = new Uint8Array(CACHE_ENTRIES); // 0: empty
const cachedBits = new Uint16Array(CACHE_ENTRIES * 3);

/** ORs `src` into `dst` (a block's bloom is the union of its receipts' blooms). */
export function orBloom(dst: Uint8Array, src: Uint8Array): void {
  for (let i = 0; i < 256; i++) dst[i] |= src[i];
}

/**
 * The logs of a call as the interpreter wrote them, kept in one copy: per log, the
 * address (20 bytes), topic count and data length (u32 little-endian each), topics
 * (32 bytes each), data. A receipt needs only their bloom and RLP, which are read
 * straight from these bytes; the Log objects are made when someone first reads them (a
 * transaction can emit thousands, and building and collecting their objects cost more
 * than executing the LOGs).
 */
export class LogBuffer {
  private decoded: Log[] | null = null;
  /**
   * The logs' bloom and RLP encoding where they were computed elsewhere (the parallel
   * executor's workers: rememberLogsParts in src/block/receipt.ts), else null. On the
   * buffer itself rather than in a WeakMap by buffer: an entry per transaction there
   * was 2% of a forced block of ERC-20 transfers on the committing thread, besides
   * what the collector spends on a weak map.
   */
  knownParts: { bloom: Uint8Array; encoded: Uint8Array } | null = null;
  /** The bloom bloom() made, when the parts were not handed over. */
  private madeBloom: Uint8Array | null = null;

  /** `bytes`: the logs in the layout above (logBytes makes it from Log objects). */
  constructor(readonly bytes: Uint8Array, readonly count: number) {}

  /** The Log objects, made once: views into the copy (`new Uint8Array(buffer, ...)` takes half the time of `subarray`). */
  decode(): Log[] {
    if (this.decoded !== null) return this.decoded;
    const b = this.bytes.buffer;
    const logs: Log[] = new Array(this.count);
    let o = this.bytes.byteOffset;
    const u8 = new Uint8Array(b);
    for (let i = 0; i < logs.length; i++) {
      const address = new Uint8Array(b, o, 20);
      const nt = u32At(u8, o + 20);
      const len = u32At(u8, o + 24);
      const topics: Uint8Array[] = new Array(nt);
      for (let t = 0; t < nt; t++) topics[t] = new Uint8Array(b, o + 28 + 32 * t, 32);
      logs[i] = { address, topics, data: new Uint8Array(b, o + 28 + 32 * nt, len) };
      o += 28 + 32 * nt + len;
    }
    return (this.decoded = logs);
  }

  /** logsBloom of the logs, made once (a streamed commit's receipt feed and executeBlock both ask for it). */
  bloom(): Uint8Array {
    if (this.madeBloom !== null) return this.madeBloom;
    const bloom = blooms.zeroed(256);
    this.addToBloom(bloom);
    return (this.madeBloom = bloom);
  }

  /** addLogsToBloom of the logs. */
  addToBloom(bloom: Uint8Array): void {
    const b = this.bytes;
    for (let i = 0, o = 0; i < this.count; i++) {
      const nt = u32At(b, o + 20);
      addToBloomAt(bloom, b, o, 20);
      for (let t = 0; t < nt; t++) addToBloomAt(bloom, b, o + 28 + 32 * t, 32);
      o += 28 + 32 * nt + u32At(b, o + 24);
    }
  }

  /** logsPayload of the logs. */
  payload(): number {
    const b = this.bytes;
    let payload = 0;
    for (let i = 0, o = 0; i < this.count; i++) {
      const nt = u32At(b, o + 20);
      const len = u32At(b, o + 24);
      const p = logPayloadOf(nt, stringSizeAt(b, o + 28 + 32 * nt, len));
      payload += rlpHeaderSize(p) + p;
      o += 28 + 32 * nt + len;
    }
    return payload;
  }

  /** writeLogs of the logs, whose payload is `payload`. */
  write(out: Uint8Array, at: number, payload: number): void {
    const b = this.bytes;
    let w = writeRlpHeader(out, at, payload, 0xc0);
    for (let i = 0, o = 0; i < this.count; i++) {
      const nt = u32At(b, o + 20);
      const len = u32At(b, o + 24);
      const data = o + 28 + 32 * nt;
      w = writeRlpHeader(out, w, logPayloadOf(nt, stringSizeAt(b, data, len)), 0xc0);
      w = writeStringAt(out, w, b, o, 20);
      w = writeRlpHeader(out, w, 33 * nt, 0xc0);
      for (let t = 0; t < nt; t++) w = writeStringAt(out, w, b, o + 28 + 32 * t, 32);
      w = writeStringAt(out, w, b, data, len);
      o = data + len;
    }
  }

  /** encodeLogs of the logs. */
  encode(): Uint8Array {
    const payload = this.payload();
    const out = new Uint8Array(rlpHeaderSize(payload) + payload);
    this.write(out, 0, payload);
    return out;
  }
}

/** Log objects in LogBuffer's layout. */
export function logBytes(logs: Log[]): Uint8Array {
  let size = 0;
  for (const l of logs) size += 28 + 32 * l.topics.length + l.data.length;
  const b = new Uint8Array(size);
  let o = 0;
  for (const l of logs) {
    b.set(l.address, o);
    putU32(b, o + 20, l.topics.length);
    putU32(b, o + 24, l.data.length);
    for (let t = 0; t < l.topics.length; t++) b.set(l.topics[t], o + 28 + 32 * t);
    b.set(l.data, o + 28 + 32 * l.topics.length);
    o += 28 + 32 * l.topics.length + l.data.length;
  }
  return b;
}

function putU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = v >>> 24;
}

/** The RLP payload of one log with `topics` topics and data of RLP size `dataSize`: [address, [topics...], data]. */
function logPayloadOf(topics: number, dataSize: number): number {
  return 21 + rlpHeaderSize(33 * topics) + 33 * topics + dataSize;
}

const LOGS = Symbol('logs');
type HasLogs = { logs: Log[]; [LOGS]?: Log[] | LogBuffer };

/**
 * `logs` as an accessor over a LogBuffer, decoded when first read. One shared getter,
 * added in the same place on every object, keeps them on one hidden class (a getter in
 * an object literal is a new closure per object: ~0.7 us).
 */
const LAZY_LOGS: PropertyDescriptor & ThisType<HasLogs> = {
  get(): Log[] {
    const l = this[LOGS]!;
    return l instanceof LogBuffer ? l.decode() : l;
  },
  set(v: Log[]) {
    this[LOGS] = v;
  },
  enumerable: true,
  configurable: true,
};

/** Sets `o.logs` (a result's, a receipt's): while they are in a LogBuffer, decoded when first read. */
export function putLogs(o: { logs: Log[] }, logs: Log[] | LogBuffer): void {
  if (logs instanceof LogBuffer) {
    (o as HasLogs)[LOGS] = logs;
    Object.defineProperty(o, 'logs', LAZY_LOGS);
  } else o.logs = logs;
}

/** The LogBuffer behind `o.logs` (putLogs), unless they were replaced since. */
export function logBufferOf(o: { logs: Log[] }): LogBuffer | undefined {
  const l = (o as HasLogs)[LOGS];
  return l instanceof LogBuffer ? l : undefined;
}

/** The logs of `o` as a LogBuffer: the one behind them, or one made from their objects; null without logs. */
export function logsAsBuffer(o: { logs: Log[] }): LogBuffer | null {
  const buffer = logBufferOf(o);
  if (buffer !== undefined) return buffer;
  const logs = o.logs;
  return logs.length === 0 ? null : new LogBuffer(logBytes(logs), logs.length);
}
