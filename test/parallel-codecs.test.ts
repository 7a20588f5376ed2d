// The binary messages of Block-STM: the transactions workers read their block from
// (src/parallel/tx-codec.ts) and the outcomes they hand back (outcome-codec.ts). Every
// field comes back as it went in, for generated transactions of every type, the
// transactions of real mainnet blocks, and the results of executed blocks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Tx } from '../src/evm/types.js';
import { readBlockFixture } from '../src/block/fixture.js';
import { encodeTxs, TxList } from '../src/parallel/tx-codec.js';
import { OutcomeEncoder, decodeOutcomes, encodeOutcomes } from '../src/parallel/outcome-codec.js';
import type { TxOutcome } from '../src/parallel/protocol.js';
import { executeBlock } from '../src/block/execute.js';
import { Evm } from '../src/evm/evm.js';
import { encodeLogs, logsBloom } from '../src/state/logs.js';
import * as W from '../src/parallel/workloads.js';
import { forkByName } from '../src/fork/table.js';
import { vectorsDir } from '../src/util/vectors.js';
import { logsBloomOf, receiptsRoot, type Receipt } from '../src/block/receipt.js';
import type { Log } from '../src/state/logs.js';
import { ReceiptLeaves, ReceiptsFeed, acquireReceiptsBuffer, releaseReceiptsBuffer } from '../src/parallel/receipts.js';
import { Reader, Writer } from '../src/parallel/binary.js';

const TX_FIELDS = ['type', 'sender', 'nonce', 'gasLimit', 'to', 'value', 'data', 'gasPrice', 'maxFeePerGas', 'maxPriorityFeePerGas', 'accessList',
  'maxFeePerBlobGas', 'blobVersionedHashes', 'authorizationList'] as const;

function txFields(tx: Tx): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of TX_FIELDS) if (tx[k] !== undefined) out[k] = k === 'authorizationList' ? tx.authorizationList!.map(({ signer: _, ...a }) => a) : tx[k];
  return out;
}

function roundTrip(txs: Tx[], what: string): void {
  const list = new TxList(encodeTxs(txs));
  assert.is(list.length, txs.length, what);
  // Out of order: decoding is by index.
  for (let i = txs.length - 1; i >= 0; i--) assert.equal(txFields(list.get(i)), txFields(txs[i]), `${what}: transaction ${i}`);
}

const b = (n: number, fill: number) => new Uint8Array(n).fill(fill);

test('every transaction type and field, extreme numbers included', () => {
  const base = { sender: b(20, 1), nonce: 0n, gasLimit: 21_000n, value: 0n, data: new Uint8Array(0), accessList: [] };
  roundTrip([
    { ...base, type: 0, to: null, gasPrice: 0n, data: b(70_000, 0x60), value: (1n << 256n) - 1n },
    { ...base, type: 1, to: b(20, 2), gasPrice: 1n << 80n, accessList: [{ address: b(20, 3), storageKeys: [b(32, 4), b(32, 5)] }, { address: b(20, 6), storageKeys: [] }] },
    { ...base, type: 2, to: b(20, 2), maxFeePerGas: 10n ** 12n, maxPriorityFeePerGas: 0n, nonce: (1n << 64n) - 2n, gasLimit: 30_000_000n },
    { ...base, type: 3, to: b(20, 2), maxFeePerGas: 7n, maxPriorityFeePerGas: 1n, maxFeePerBlobGas: 1n << 40n, blobVersionedHashes: [b(32, 1), b(32, 2)] },
    { ...base, type: 4, to: b(20, 2), maxFeePerGas: 7n, maxPriorityFeePerGas: 1n, authorizationList: [
      { chainId: 1n, address: b(20, 9), nonce: 3n, yParity: 1n, r: (1n << 255n) + 5n, s: 12345n },
      { chainId: 0n, address: b(20, 0), nonce: 0n, yParity: 0n, r: 0n, s: 1n },
    ] },
  ], 'generated');
});

test('numbers of every byte length come back as written', () => {
  const values: bigint[] = [0n, 1n, 255n, 256n];
  for (let bits = 8; bits <= 256; bits += 8) values.push((1n << BigInt(bits)) - 1n, 1n << BigInt(bits - 1), (1n << BigInt(bits - 1)) + 0x5a5a5n);
  const w = new Writer(64);
  for (const v of values) w.num(v);
  const r = new Reader(w.finish(false));
  for (const v of values) assert.is(r.num(), v);
});

test('the transactions of mainnet blocks', () => {
  const dir = join(vectorsDir(), 'mainnet-blocks');
  if (!existsSync(dir)) return;
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().slice(0, 12);
  for (const f of files) roundTrip(readBlockFixture(join(dir, f)).transactions, f);
});

test('outcomes: results of executed blocks (logs, creations, self-destructs, reverts, invalid), with fees, credits and logs parts', async () => {
  const evm = await Evm.create();
  const workloads = [W.mixedWorkload(60, 3, 50), W.lifecycleWorkload(forkByName('Cancun')), W.coinbaseWorkload(forkByName('Cancun')), W.hotRecipientWorkload(20)];
  let withLogs = 0;
  for (const w of workloads) {
    const { results } = executeBlock(evm, w.pre.copy(), w.block, { fork: w.fork, stateRoot: false });
    const outcomes: TxOutcome[] = results.map((result, tx) => {
      const o: TxOutcome = { tx, result: tx % 3 === 0 ? { ...result, coinbaseFee: BigInt(tx) * 10n ** 15n } : result };
      if (tx % 4 !== 3) o.inc = tx % 4;
      if (tx % 2 === 0) o.fee = 21_000n * BigInt(tx);
      if (tx % 5 === 1) o.credit = (1n << 130n) + BigInt(tx);
      if (result.logs.length > 0) {
        withLogs++;
        o.logsBloom = logsBloom(result.logs);
        o.encodedLogs = encodeLogs(result.logs);
      }
      return o;
    });
    // Two workers' halves, decoded into one list.
    const decoded: TxOutcome[] = new Array(outcomes.length);
    const even = encodeOutcomes(outcomes.filter((o) => o.tx % 2 === 0));
    decodeOutcomes(even, decoded);
    decodeOutcomes(encodeOutcomes(outcomes.filter((o) => o.tx % 2 === 1)), decoded);
    outcomes.forEach((o, i) => assert.equal(decoded[i], o, `${w.name}: outcome ${i}`));
    // What goes into the state is copied out of the message (a value kept there must not
    // keep the whole message alive); the logs are views of it.
    for (const o of decoded.filter((d) => d.tx % 2 === 0)) {
      for (const a of o.result.writeSet) {
        for (const [, value] of a.storage) assert.ok(value.buffer !== even.bytes, `${w.name}: a slot value of ${o.tx} is a copy`);
        if (a.account) assert.ok(a.account.codeHash.buffer !== even.bytes);
        if (a.code) assert.ok(a.code.buffer !== even.bytes);
      }
      for (const log of o.result.logs) assert.ok(log.data.buffer === even.bytes, `${w.name}: log data of ${o.tx} is a view`);
    }
    // An encoder that makes the logs bloom and encoding itself writes what outcomes carrying them encode to.
    const computing = new OutcomeEncoder(outcomes.length, true, true);
    for (const o of outcomes) {
      const { logsBloom: _bloom, encodedLogs: _encoded, ...bare } = o;
      computing.add(bare);
    }
    const carried = encodeOutcomes(outcomes);
    const computed = computing.take(null);
    assert.ok(Buffer.from(computed.bytes).equals(Buffer.from(carried.bytes)), `${w.name}: logs parts made by the encoder`);
    // Streamed batches arrive from several workers in any order: an older incarnation does not replace a newer one.
    const newer = outcomes.map((o) => ({ ...o, inc: 7, result: { ...o.result, gasUsed: o.result.gasUsed + 1n } }));
    const streamed: TxOutcome[] = new Array(outcomes.length);
    decodeOutcomes(encodeOutcomes(newer), streamed, 0, true);
    decodeOutcomes(encodeOutcomes(outcomes), streamed, 0, true);
    newer.forEach((o, i) => assert.equal(streamed[i], o, `${w.name}: streamed outcome ${i}`));
  }
  assert.ok(withLogs > 0, 'some results have logs');
});

test('outcomes: an unknown result field is refused, not dropped', () => {
  const result = { status: 'success', gasUsed: 1n, output: new Uint8Array(0), logs: [], readSet: { accounts: [], storage: [], blockHashes: [] }, writeSet: [], extra: 1 };
  assert.throws(() => encodeOutcomes([{ tx: 0, result: result as unknown as TxOutcome['result'] }]), /unknown result field extra/);
});

test('outcomes: a state key that is not an address or slot in hex is refused', () => {
  const withReads = (accounts: string[]) => ({ status: 'success', gasUsed: 1n, output: new Uint8Array(0), logs: [], readSet: { accounts, storage: [], blockHashes: [] }, writeSet: [] });
  const encode = (accounts: string[]) => encodeOutcomes([{ tx: 0, result: withReads(accounts) as unknown as TxOutcome['result'] }]);
  const good = 'ab'.repeat(20);
  const decoded: TxOutcome[] = [];
  decodeOutcomes(encode([good]), decoded);
  assert.equal(decoded[0].result.readSet.accounts, [good]);
  assert.throws(() => encode(['ab'.repeat(19)]), /is not 40 hex digits/);
  assert.throws(() => encode(['0g' + 'ab'.repeat(19)]), /is not hex/);
});

// The receipts root hashed beside the commit (src/parallel/receipts.ts), its two sides
// driven here in one thread so that who hashes which leaf is fixed.
function receiptsOf(n: number, seed: number): Receipt[] {
  let x = seed;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  const bytes = (len: number) => Uint8Array.from({ length: len }, () => next() & 0xff);
  let gas = 0n;
  return Array.from({ length: n }, (_, i) => {
    // Mostly no logs; now and then a large one (beyond the buffer's share per receipt).
    const logs: Log[] = next() % 4 === 0 ? [] : Array.from({ length: 1 + (next() % 3) }, () => ({ address: bytes(20), topics: [bytes(32), bytes(32)], data: bytes(i % 97 === 5 ? 3000 : next() % 100) }));
    gas += BigInt(21000 + (next() % 100000));
    return { type: i % 3, status: next() % 5 === 0 ? 0 : 1, cumulativeGasUsed: gas, logs, logsBloom: logsBloomOf({ logs }) } as Receipt;
  });
}

function feed(receipts: Receipt[], buffer: SharedArrayBuffer): ReceiptsFeed {
  const f = new ReceiptsFeed(buffer);
  let before = 0n;
  for (const r of receipts) {
    f.add(r.type, r.status === 1, r.cumulativeGasUsed - before, r);
    before = r.cumulativeGasUsed;
  }
  return f;
}

test('receipts hashed beside the commit: the root of receiptsRoot(), whoever hashed which leaf', () => {
  for (const n of [1, 2, 17, 200, 1500]) {
    const receipts = receiptsOf(n, n);
    const expected = Buffer.from(receiptsRoot(receipts)).toString('hex');
    for (const workerShare of [0, 0.5, 1]) {
      const buffer = acquireReceiptsBuffer(n);
      const f = feed(receipts, buffer);
      const leaves = new ReceiptLeaves(buffer);
      while (leaves.hashed < Math.floor(n * workerShare) && leaves.hashOne());
      const root = f.root(receipts);
      assert.ok(root !== undefined, `${n} receipts: the handed-over receipts are executeBlock's`);
      assert.is(Buffer.from(root!).toString('hex'), expected, `${n} receipts, ${workerShare} hashed by the worker`);
      assert.is(f.hashedByWorkers, leaves.hashed, `${n} receipts: the worker's leaves were used`);
      assert.not.ok(leaves.hashOne(), 'nothing is left to hash once the root is taken');
      releaseReceiptsBuffer(buffer);
    }
  }
});

test('receipts hashed beside the commit: receipts other than those handed over are refused (the caller hashes them)', () => {
  const receipts = receiptsOf(40, 3);
  for (const change of [(r: Receipt) => void (r.cumulativeGasUsed += 1n), (r: Receipt) => void (r.status = r.status === 1 ? 0 : 1), (r: Receipt) => void (r.logs = [...r.logs])]) {
    const buffer = acquireReceiptsBuffer(receipts.length);
    const f = feed(receipts, buffer);
    const changed = receipts.map((r) => ({ ...r }));
    change(changed[7]);
    assert.is(f.root(changed), undefined);
    assert.is(f.root(receipts.slice(0, 39)), undefined, 'fewer receipts');
  }
});

test.run();
