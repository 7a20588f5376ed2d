#!/usr/bin/env node
// Writes the block fixtures of this folder (format: README.md). Run after
// `npm run build`:  node vectors/lanes/make-fixtures.mjs
//
// - bc-*.json: the first block of an ethereum/tests blockchain test, with its complete
//   pre-state; the expectations are the block header's (data from outside Lanes).
//   Needs $LANES_VECTORS/ethereum-tests (default ../shared/vectors).
// - synthetic-*.json: generated blocks shaped for the parallel executor (independent
//   transfers, one hot slot, a token with partial conflicts). Their expectations come
//   from Lanes' sequential executor, the reference a parallel run must reproduce.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';

const dist = new URL('../../dist/src/', import.meta.url);
const load = (p) => import(new URL(p, dist).href);
const { decodeBlock } = await load('block/block.js');
const { executeBlock } = await load('block/execute.js');
const { parseBlockFixture, encodeFixtureTx } = await load('block/fixture.js');
const { transactionsRoot } = await load('block/block.js');
const { Evm } = await load('evm/evm.js');
const { encodeTx, signingHash } = await load('tx/decode.js');
const { sign, publicKeyToAddress } = await load('tx/signature.js');
const { bytesToHex } = await load('util/hex.js');
const { vectorsDir } = await load('util/vectors.js');

const here = fileURLToPath(new URL('.', import.meta.url));
const q = (n) => '0x' + BigInt(n).toString(16);
const hex = bytesToHex;

function rpcTx(tx) {
  const o = {
    hash: hex(tx.hash ?? keccak_256(encodeTx(tx))), type: q(tx.type), from: hex(tx.sender), to: tx.to === null ? null : hex(tx.to),
    nonce: q(tx.nonce), value: q(tx.value), gas: q(tx.gasLimit), input: hex(tx.data),
  };
  if (tx.type <= 1) o.gasPrice = q(tx.gasPrice);
  else {
    o.maxFeePerGas = q(tx.maxFeePerGas);
    o.maxPriorityFeePerGas = q(tx.maxPriorityFeePerGas);
  }
  if (tx.chainId !== null) o.chainId = q(tx.chainId);
  if (tx.type >= 1) o.accessList = tx.accessList.map((e) => ({ address: hex(e.address), storageKeys: e.storageKeys.map(hex) }));
  if (tx.type === 3) {
    o.maxFeePerBlobGas = q(tx.maxFeePerBlobGas);
    o.blobVersionedHashes = tx.blobVersionedHashes.map(hex);
  }
  o.v = q(tx.v);
  o.r = q(tx.r);
  o.s = q(tx.s);
  if (tx.type >= 1) o.yParity = q(tx.v);
  return o;
}

function rpcHeader(h, hash) {
  const o = {
    number: q(h.number), hash: hash ? hex(hash) : undefined, parentHash: hex(h.parentHash), miner: hex(h.coinbase),
    timestamp: q(h.timestamp), gasLimit: q(h.gasLimit), gasUsed: q(h.gasUsed), difficulty: q(h.difficulty),
    mixHash: hex(h.mixHash), nonce: hex(h.nonce), extraData: hex(h.extraData), sha3Uncles: hex(h.ommersHash),
    stateRoot: hex(h.stateRoot), transactionsRoot: hex(h.transactionsRoot), receiptsRoot: hex(h.receiptsRoot), logsBloom: hex(h.logsBloom),
  };
  if (h.baseFeePerGas !== undefined) o.baseFeePerGas = q(h.baseFeePerGas);
  if (h.withdrawalsRoot !== undefined) o.withdrawalsRoot = hex(h.withdrawalsRoot);
  if (h.blobGasUsed !== undefined) o.blobGasUsed = q(h.blobGasUsed);
  if (h.excessBlobGas !== undefined) o.excessBlobGas = q(h.excessBlobGas);
  if (h.parentBeaconBlockRoot !== undefined) o.parentBeaconBlockRoot = hex(h.parentBeaconBlockRoot);
  return o;
}

const rpcWithdrawal = (w) => ({ index: q(w.index), validatorIndex: q(w.validatorIndex), address: hex(w.address), amount: q(w.amount) });

function write(name, fixture) {
  writeFileSync(join(here, name), JSON.stringify(fixture, null, 1) + '\n');
  console.log(`wrote ${name}: ${fixture.transactions.length} transactions`);
}

// --- from blockchain tests ---

function fromBlockTest(out, file, test) {
  const t = JSON.parse(readFileSync(file, 'utf8'))[test];
  const genesis = decodeBlock(Buffer.from(t.genesisRLP.slice(2), 'hex'));
  const block = decodeBlock(Buffer.from(t.blocks[0].rlp.slice(2), 'hex'));
  const h = block.header;
  write(out, {
    _format: 'lanes-block-fixture/v1',
    _source: { repo: 'ethereum/tests', path: file.slice(file.indexOf('BlockchainTests')), test, block: 0 },
    _notes: 'first block of the blockchain test; complete pre-state; expectations from its header',
    chainId: '0x1', fork: t.network, preStateComplete: true,
    header: rpcHeader(h, block.hash),
    transactions: block.transactions.map(rpcTx),
    withdrawals: block.withdrawals?.map(rpcWithdrawal),
    preState: t.pre,
    blockHashes: { [String(genesis.header.number)]: hex(genesis.hash) },
    expected: {
      gasUsed: q(h.gasUsed), receiptsRoot: hex(h.receiptsRoot), logsBloom: hex(h.logsBloom),
      transactionsRoot: hex(h.transactionsRoot), stateRoot: hex(h.stateRoot),
    },
  });
}

const bt = join(vectorsDir(), 'ethereum-tests', 'BlockchainTests', 'ValidBlocks');
fromBlockTest('bc-intrinsic.json', join(bt, 'bcEIP1559', 'intrinsic.json'), 'intrinsic_Cancun');
fromBlockTest('bc-all-tx-types.json', join(bt, 'bcEIP4844-blobtransactions', 'blockWithAllTransactionTypes.json'), 'blockWithAllTransactionTypes_Cancun');
fromBlockTest('bc-shanghai-withdrawals.json', join(bt, 'bcExample', 'shanghaiExample.json'), 'shanghaiExample_Cancun');

// --- synthetic blocks for the parallel executor ---

const evm = await Evm.create();
const key = (label, i) => keccak_256(new TextEncoder().encode(`lanes fixture ${label} ${i}`));
const addressOf = (sk) => publicKeyToAddress(secp256k1.getPublicKey(sk, false));
const ETH = 10n ** 18n;
const BASE_FEE = 7n;
const addr = (n) => '0x' + n.toString(16).padStart(40, '0');

function signed(sk, fields) {
  const tx = { chainId: 1n, accessList: [], value: 0n, data: new Uint8Array(0), ...fields };
  const { r, s, yParity } = sign(signingHash(tx), sk);
  const v = tx.type === 0 ? 35n + 2n * tx.chainId + BigInt(yParity) : BigInt(yParity);
  const full = { ...tx, v, r, s, sender: addressOf(sk) };
  return { ...full, hash: keccak_256(encodeTx(full)) };
}

function synthetic(name, notes, txs, preState) {
  const header = {
    number: '0x1', parentHash: hex(keccak_256(new TextEncoder().encode(`lanes ${name} parent`))), miner: addr(0xc0ffee),
    timestamp: '0x6553f100', gasLimit: q(30_000_000), gasUsed: '0x0', difficulty: '0x0', mixHash: hex(new Uint8Array(32).fill(7)),
    nonce: '0x0000000000000000', extraData: '0x', baseFeePerGas: q(BASE_FEE), withdrawalsRoot: '0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421',
    blobGasUsed: '0x0', excessBlobGas: '0x0', parentBeaconBlockRoot: hex(new Uint8Array(32)),
  };
  const fixture = {
    _format: 'lanes-block-fixture/v1',
    _notes: `${notes} Expectations from the Lanes sequential executor (the reference a parallel run must match).`,
    chainId: '0x1', fork: 'Cancun', preStateComplete: true,
    header, transactions: txs.map(rpcTx), withdrawals: [], preState, blockHashes: {},
    expected: {},
  };
  const f = parseBlockFixture(fixture, name);
  const state = f.preState.copy();
  const r = executeBlock(evm, state, { header: f.header, transactions: f.transactions, uncles: [], withdrawals: [] }, { fork: f.fork, chainId: 1n });
  header.gasUsed = q(r.gasUsed);
  fixture.expected = {
    gasUsed: q(r.gasUsed), receiptsRoot: hex(r.receiptsRoot), logsBloom: hex(r.logsBloom),
    transactionsRoot: hex(transactionsRoot(f.transactions.map(encodeFixtureTx))), stateRoot: hex(r.stateRoot),
    receipts: r.receipts.map((x) => ({ status: q(x.status), cumulativeGasUsed: q(x.cumulativeGasUsed) })),
  };
  write(name, fixture);
}

const eoa = (balance) => ({ balance: q(balance), nonce: '0x0', code: '0x', storage: {} });

{
  // 200 transfers, each from its own sender to its own fresh recipient: no conflicts but the fee recipient.
  const pre = {};
  const txs = [];
  for (let i = 0; i < 200; i++) {
    const sk = key('transfer', i);
    pre[hex(addressOf(sk))] = eoa(ETH);
    const to = Buffer.from(addr(0x100000 + i).slice(2), 'hex');
    txs.push(i % 2 === 0
      ? signed(sk, { type: 0, nonce: 0n, gasPrice: BASE_FEE + 1n, gasLimit: 21000n, to, value: BigInt(i + 1) })
      : signed(sk, { type: 2, nonce: 0n, maxFeePerGas: 100n, maxPriorityFeePerGas: 2n, gasLimit: 21000n, to, value: BigInt(i + 1) }));
  }
  synthetic('synthetic-transfers.json', '200 independent value transfers (legacy and EIP-1559), fresh recipients.', txs, pre);
}

{
  // 100 senders each increment slot 0 of one counter: every transaction depends on the one before.
  const counter = addr(0xc0c0);
  const pre = { [counter]: { balance: '0x0', nonce: '0x1', code: '0x600054600101600055', storage: { '0x0': '0x5' } } };
  const txs = [];
  for (let i = 0; i < 100; i++) {
    const sk = key('counter', i);
    pre[hex(addressOf(sk))] = eoa(ETH);
    txs.push(signed(sk, { type: 2, nonce: 0n, maxFeePerGas: 100n, maxPriorityFeePerGas: 1n, gasLimit: 60000n, to: Buffer.from(counter.slice(2), 'hex') }));
  }
  synthetic('synthetic-hot-counter.json', '100 calls incrementing one storage slot: a chain of read-after-write conflicts.', txs, pre);
}

{
  // A token: storage[holder] = balance; calldata (to, amount) moves amount from the caller and logs it.
  // 200 transfers among 20 holders, several per sender (nonce order), some of them reverting.
  const TOKEN_CODE = '0x3354602035808210602357808203335560003580548201905560005233602060' + '00a1005b600080fd';
  const token = addr(0x70c3);
  const holders = Array.from({ length: 20 }, (_, i) => key('token', i));
  const storage = {};
  const pre = {};
  holders.forEach((sk, i) => {
    const a = hex(addressOf(sk));
    pre[a] = eoa(ETH);
    if (i % 5 !== 4) storage[a] = q(1_000_000); // every fifth holder starts with none: its first sends revert
  });
  pre[token] = { balance: '0x0', nonce: '0x1', code: TOKEN_CODE, storage };
  const nonces = new Array(20).fill(0n);
  const txs = [];
  for (let k = 0; k < 200; k++) {
    const from = k % 20;
    const to = (k * 7 + 3) % 20;
    const data = new Uint8Array(64);
    data.set(addressOf(holders[to]), 12);
    data[63] = (k % 250) + 1;
    txs.push(signed(holders[from], { type: 2, nonce: nonces[from]++, maxFeePerGas: 100n, maxPriorityFeePerGas: 1n, gasLimit: 100000n, to: Buffer.from(token.slice(2), 'hex'), data }));
  }
  synthetic('synthetic-token.json', '200 token transfers among 20 holders: partial conflicts, same-sender nonce chains, reverts, logs.', txs, pre);
}
