// Logs: the hash ethereum/tests state tests compare ("logs" in each post entry) and
// the 2048-bit bloom filter of receipts and block headers (Yellow Paper, section 4.3.1).

import { keccak256, keccak256View } from '../util/keccak.js';
import { rlpHeaderSize, stringSize, writeRlpHeader, writeString } from './trie.js';
import { ByteChunks } from '../util/chunks.js';

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
export function addLogsToBloom(bloom: Uint8Array, logs: Log[]): void {
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
  const n = item.length;
  if (n === 0 || n > CACHED_MAX) {
    setBloomBits(bloom, keccak256View(item));
    return;
  }
  // Contracts and event signatures repeat from log to log: their bits come from a small
  // direct-mapped cache (a comparison of at most 32 bytes instead of a keccak).
  const slot = (item[n - 1] ^ (item[n - 2 < 0 ? 0 : n - 2] << 1) ^ (item[0] << 2) ^ (item[n >> 1] << 3) ^ n) & (CACHE_ENTRIES - 1);
  const at = slot * CACHED_MAX;
  let hit = cachedLength[slot] === n;
  for (let i = 0; hit && i < n; i++) if (cachedItems[at + i] !== item[i]) hit = false;
  if (!hit) {
    const h = keccak256View(item);
    for (let i = 0; i < 3; i++) cachedBits[3 * slot + i] = ((h[2 * i] << 8) | h[2 * i + 1]) & 2047;
    cachedItems.set(item, at);
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
