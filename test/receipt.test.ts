// Receipt and log-list encodings (written directly, src/block/receipt.ts and
// src/state/logs.ts) against @ethereumjs/rlp's generic encoder.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RLP } from '@ethereumjs/rlp';
import { encodeReceipt, logsBloomOf, logsCount, logsIdentity, receiptOf, receiptsRoot, rememberLogsParts, type Receipt } from '../src/block/receipt.js';
import { LogBuffer, encodeLogs, logBufferOf, logBytes, logsBloom, putLogs, type Log } from '../src/state/logs.js';
import { bigintToMinimalBytes, concatBytes } from '../src/util/hex.js';

let seed = 7;
const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
const bytes = (n: number) => Uint8Array.from({ length: n }, () => rand(256));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// Data lengths around RLP's boundaries: empty, one byte below and above 0x80, 55/56, two-byte lengths.
const DATA_LENGTHS = [0, 1, 1, 2, 55, 56, 57, 255, 256, 300, 70_000];

function randomLogs(count: number): Log[] {
  return Array.from({ length: count }, () => {
    const n = DATA_LENGTHS[rand(DATA_LENGTHS.length)];
    const data = bytes(n);
    if (n === 1) data[0] = rand(2) === 0 ? 0x7f : 0x80;
    return { address: bytes(20), topics: Array.from({ length: rand(5) }, () => bytes(32)), data };
  });
}

function reference(r: Receipt): Uint8Array {
  const first = r.postState ?? (r.status === 1 ? Uint8Array.of(1) : new Uint8Array(0));
  const body = RLP.encode([first, bigintToMinimalBytes(r.cumulativeGasUsed), r.logsBloom, r.logs.map((l) => [l.address, l.topics, l.data])]);
  return r.type === 0 ? body : concatBytes(Uint8Array.of(r.type), body);
}

test('log lists encode as RLP.encode does', () => {
  for (const count of [0, 1, 2, 3, 10, 40]) {
    const logs = randomLogs(count);
    assert.is(hex(encodeLogs(logs)), hex(RLP.encode(logs.map((l) => [l.address, l.topics, l.data]))), `${count} logs`);
  }
});

test('receipts encode as RLP.encode does: types, status, post-state roots, gas sizes', () => {
  for (let i = 0; i < 120; i++) {
    const logs = randomLogs(rand(4));
    const r: Receipt = { type: rand(5), cumulativeGasUsed: [0n, 1n, 127n, 128n, 255n, 256n, 30_000_000n, (1n << 53n) - 1n, 1n << 53n, 1n << 63n][rand(10)], logs, logsBloom: logsBloom(logs) };
    if (rand(3) === 0) r.postState = bytes(32);
    else r.status = rand(2) as 0 | 1;
    assert.is(hex(encodeReceipt(r)), hex(reference(r)), `receipt ${i}`);
  }
});

/** The logs in the interpreter's layout (logBytes), at an offset into a larger buffer as the Evm keeps them. */
function asBuffer(logs: Log[]): LogBuffer {
  const bytes = logBytes(logs);
  const backing = new Uint8Array(bytes.length + 13);
  backing.set(bytes, 7);
  return new LogBuffer(backing.subarray(7, 7 + bytes.length), logs.length);
}

test('a LogBuffer decodes, blooms and encodes as its logs do, without making them', () => {
  for (const count of [1, 2, 3, 10, 40]) {
    const logs = randomLogs(count);
    const buffer = asBuffer(logs);
    assert.is(hex(buffer.bloom()), hex(logsBloom(logs)), `${count} logs: bloom`);
    assert.is(hex(buffer.encode()), hex(encodeLogs(logs)), `${count} logs: encoding`);
    const decoded = buffer.decode();
    assert.equal(decoded.map((l) => [hex(l.address), l.topics.map(hex), hex(l.data)]), logs.map((l) => [hex(l.address), l.topics.map(hex), hex(l.data)]));
    assert.is(buffer.decode(), decoded, 'decoded once');
    // A receipt sharing a result's buffer encodes from the bytes, and both read the same list.
    const result = {} as { logs: Log[] };
    putLogs(result, buffer);
    const receipt = receiptOf(2, 21_000n, result, logsBloomOf(result));
    receipt.status = 1;
    assert.is(logBufferOf(receipt), buffer);
    assert.is(logsCount(receipt), count);
    const plain: Receipt = { type: 2, status: 1, cumulativeGasUsed: 21_000n, logs, logsBloom: logsBloom(logs) };
    assert.is(hex(encodeReceipt(receipt)), hex(encodeReceipt(plain)), `${count} logs: receipt`);
    assert.is(receipt.logs, result.logs, 'one list');
    assert.is(logsIdentity(receipt), logsIdentity(result));
    // Replaced logs are the logs from then on.
    result.logs = [];
    assert.is(logBufferOf(result), undefined);
    assert.is(logsCount(result), 0);
  }
});

test('parts handed over for a log list are used for that list only', () => {
  const logs = randomLogs(3);
  const other = randomLogs(2);
  const bloom = logsBloom(logs);
  rememberLogsParts({ logs }, bloom, encodeLogs(logs));
  assert.is(logsBloomOf({ logs }), bloom);
  assert.is(hex(logsBloomOf({ logs: other })), hex(logsBloom(other)));
  const receipts: Receipt[] = [logs, other].map((l, i) => ({ type: 2, status: 1, cumulativeGasUsed: BigInt(i + 1) * 21_000n, logs: l, logsBloom: logsBloom(l) }));
  const root = receiptsRoot(receipts);
  assert.is(root.length, 32);
  assert.is(hex(encodeReceipt(receipts[0])), hex(reference(receipts[0])));
  // Logs in a LogBuffer keep their parts on it: used for that buffer's results and receipts, not for another with the same bytes.
  const buffered = { logs: [] as Log[] };
  putLogs(buffered, new LogBuffer(logBytes(logs), logs.length));
  const twin = { logs: [] as Log[] };
  putLogs(twin, new LogBuffer(logBytes(logs), logs.length));
  const bufferBloom = logsBloom(logs);
  rememberLogsParts(buffered, bufferBloom, encodeLogs(logs));
  assert.is(logsBloomOf(buffered), bufferBloom);
  assert.ok(logsBloomOf(twin) !== bufferBloom);
  assert.is(hex(logsBloomOf(twin)), hex(bufferBloom));
  const receipt = receiptOf(2, 21_000n, buffered, logsBloomOf(buffered));
  receipt.status = 1;
  assert.is(hex(encodeReceipt(receipt)), hex(reference({ type: 2, status: 1, cumulativeGasUsed: 21_000n, logs, logsBloom: bufferBloom })));
});

test.run();
