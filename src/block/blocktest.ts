// ethereum/tests blockchain tests: a genesis block and pre-state, then blocks given
// as RLP, each either valid (it must import, with the hash the fixture gives) or
// carrying `expectException` (it must be rejected, for that reason). Blocks may fork
// (`chainname`); the head is `lastblockhash`, whose state must equal `postState` (or
// hash to `postStateHash`).
//
// A file is {testName: {network, genesisBlockHeader, genesisRLP, pre, blocks,
// lastblockhash, postState | postStateHash, sealEngine, config?}}. execution-spec-tests
// fixtures add `config` ({network, chainid, blobSchedule}): its chain id, and its blob
// schedule for the network's fork (EIP-7840), take precedence over the fork table. The block's RLP is what is
// imported; the decoded JSON fields (`blockHeader`, `transactions`) are only used to
// name what a valid block should hash to.

import type { Evm } from '../evm/evm.js';
import { forkByName, withBlobSchedule, type BlobSchedule, type Fork } from '../fork/table.js';
import { WorldState } from '../state/world.js';
import { InputError, bytesToHex, bytesToKey, equalBytes, hexToBytes, hexToFixed, parseQuantity } from '../util/hex.js';
import { asObject } from '../util/json.js';
import { decodeBlock, type DecodedBlock } from './block.js';
import { InvalidBlockError, codeOf } from './errors.js';
import { executeBlock, type ExecuteOptions } from './execute.js';
import { headerHash, type BlockHeader } from './header.js';
import { validateBlockSize, validateHeader, validateResult, validateUncles } from './validate.js';
import { readJsonFile } from '../util/file.js';

export interface BlockTestResult {
  file: string;
  name: string;
  /** The test's `network`. */
  fork: string;
  pass: boolean;
  /** Blocks in the test. */
  blocks: number;
  /** State root of the head after the run ('' when none). */
  stateRoot: string;
  /** Why the test failed; null when it passed. */
  reason: string | null;
  /** The run threw (the EVM instance may be in a bad state). */
  threw?: boolean;
}

interface ChainBlock {
  header: BlockHeader;
  state: WorldState;
  /** Hashes of this block and its ancestors by number (filled lazily, up to 256 back). */
  parentKey: string | null;
}

export interface BlockTestOptions {
  /**
   * Called before each block is executed, with its parent's state (which it must not
   * change), the block and executeBlock's options: test/parallel.test.ts runs the same
   * blocks through the parallel executor.
   */
  onBlock?: (parentState: WorldState, block: DecodedBlock, options: ExecuteOptions) => void;
}

/** The chain id blockchain tests run with. */
const TEST_CHAIN_ID = 1n;

export function readBlockTestFile(file: string): Record<string, unknown> {
  return asObject(readJsonFile(file), `${file}: top level (expected {testName: test})`);
}

export function runBlockTest(evm: Evm, file: string, name: string, raw: unknown, opts: BlockTestOptions = {}): BlockTestResult {
  const ctx = `${file}: test ${JSON.stringify(name)}`;
  const t = asObject(raw, ctx);
  const network = typeof t.network === 'string' ? t.network : '?';
  const blocks = Array.isArray(t.blocks) ? t.blocks : [];
  const result = (pass: boolean, reason: string | null, stateRoot = ''): BlockTestResult =>
    ({ file, name, fork: network, pass, blocks: blocks.length, stateRoot, reason });
  let fork: Fork;
  try {
    fork = forkByName(network);
  } catch {
    return result(false, `unsupported network ${JSON.stringify(network)}`);
  }
  fork = configuredFork(fork, network, t.config, ctx);
  try {
    return runChecked(evm, ctx, t, fork, result, opts);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    return { ...result(false, `threw: ${message}`), threw: true };
  }
}

function runChecked(
  evm: Evm, ctx: string, t: Record<string, unknown>, fork: Fork,
  result: (pass: boolean, reason: string | null, stateRoot?: string) => BlockTestResult, opts: BlockTestOptions,
): BlockTestResult {
  const config = t.config === undefined ? {} : asObject(t.config, `${ctx}: config`);
  const chainId = config.chainid === undefined ? TEST_CHAIN_ID : parseQuantity(config.chainid, `${ctx}: config.chainid`, 64);
  const genesis = decodeBlock(hexToBytes(t.genesisRLP, `${ctx}: genesisRLP`), 'genesis');
  const genesisJson = asObject(t.genesisBlockHeader, `${ctx}: genesisBlockHeader`);
  const genesisHash = hexToFixed(genesisJson.hash, 32, `${ctx}: genesisBlockHeader.hash`);
  if (!equalBytes(genesis.hash, genesisHash)) return result(false, `genesis hash ${bytesToHex(genesis.hash)}, fixture ${bytesToHex(genesisHash)}`);
  const pre = WorldState.fromJSON(t.pre, `${ctx}: pre`);
  const preRoot = pre.stateRoot();
  if (!equalBytes(preRoot, genesis.header.stateRoot)) return result(false, `genesis state root ${bytesToHex(preRoot)}, header ${bytesToHex(genesis.header.stateRoot)}`);

  const chain = new Map<string, ChainBlock>();
  chain.set(bytesToKey(genesis.hash), { header: genesis.header, state: pre, parentKey: null });
  const blockHash = (parentKey: string) => (n: bigint): Uint8Array | undefined => {
    // Walk up from the parent: at most 256 steps, and BLOCKHASH is rare.
    let key: string | null = parentKey;
    while (key !== null) {
      const b: ChainBlock = chain.get(key)!;
      if (b.header.number === n) return hexToBytes(key);
      if (b.header.number < n) return undefined;
      key = b.parentKey;
    }
    return undefined;
  };

  const problems: string[] = [];
  const blocks = Array.isArray(t.blocks) ? t.blocks : [];
  blocks.forEach((rawBlock, i) => {
    const where = `${ctx}: blocks[${i}]`;
    const b = asObject(rawBlock, where);
    const expect = typeof b.expectException === 'string' ? b.expectException : undefined;
    const label = `block ${i}${typeof b.blocknumber === 'string' ? ` (number ${b.blocknumber}${b.chainname && b.chainname !== 'default' ? `, chain ${b.chainname}` : ''})` : ''}`;
    let error: string | undefined;
    let decoded: DecodedBlock | undefined;
    try {
      const rlp = hexToBytes(b.rlp, `${where}.rlp`);
      decoded = decodeBlock(rlp, `blocks[${i}]`);
      validateBlockSize(rlp.length, fork);
      const parentKey = bytesToKey(decoded.header.parentHash);
      const parent = chain.get(parentKey);
      if (!parent) {
        const zero = decoded.header.parentHash.every((x) => x === 0);
        throw new InvalidBlockError(zero ? 'UNKNOWN_PARENT_ZERO' : 'UNKNOWN_PARENT', `parent ${bytesToHex(decoded.header.parentHash)} not imported`);
      }
      validateHeader(decoded.header, parent.header, fork);
      validateUncles(decoded, fork);
      const options: ExecuteOptions = { fork, chainId, blockHash: blockHash(parentKey) };
      opts.onBlock?.(parent.state, decoded, options);
      const state = parent.state.copy();
      const r = executeBlock(evm, state, decoded, options);
      validateResult(decoded, r, decoded.transactions.map((tx) => tx.encoded));
      chain.set(bytesToKey(decoded.hash), { header: decoded.header, state, parentKey });
    } catch (e) {
      if (e instanceof InvalidBlockError) error = e.message;
      else if (e instanceof InputError && /^[A-Z0-9_]+:/.test(e.message)) error = e.message; // RLP and signature errors
      else throw e;
    }
    if (expect === undefined) {
      if (error !== undefined) problems.push(`${label} rejected: ${error}`);
      else {
        const hdr = b.blockHeader === undefined ? undefined : asObject(b.blockHeader, `${where}.blockHeader`);
        if (hdr?.hash !== undefined && decoded && !equalBytes(decoded.hash, hexToFixed(hdr.hash, 32, `${where}.blockHeader.hash`))) {
          problems.push(`${label}: hash ${bytesToHex(decoded.hash)}, fixture ${String(hdr.hash)}`);
        }
      }
    } else if (error === undefined) {
      problems.push(`${label} imported, expected ${expect}`);
    } else {
      const wanted = expect.split('|').map((x) => x.replace(/^[A-Za-z]+Exception\./, '').trim());
      const got = codeOf(error);
      if (!wanted.includes(got)) problems.push(`${label} rejected as ${error}; expected ${expect}`);
    }
  });

  const last = hexToFixed(t.lastblockhash, 32, `${ctx}: lastblockhash`);
  const head = chain.get(bytesToKey(last));
  if (!head) {
    problems.push(`head ${bytesToHex(last)} was not imported`);
    return result(false, problems.join('; '));
  }
  const root = head.state.stateRoot();
  if (t.postStateHash !== undefined) {
    const want = hexToFixed(t.postStateHash, 32, `${ctx}: postStateHash`);
    if (!equalBytes(root, want)) problems.push(`post-state root ${bytesToHex(root)}, expected ${bytesToHex(want)}`);
  } else if (t.postState !== undefined) {
    const post = WorldState.fromJSON(t.postState, `${ctx}: postState`);
    const want = post.stateRoot();
    if (!equalBytes(root, want)) problems.push(`post-state root ${bytesToHex(root)}, expected ${bytesToHex(want)}${stateDiff(head.state, post)}`);
  }
  if (!equalBytes(headerHash(head.header), last)) problems.push('head hash mismatch');
  return result(problems.length === 0, problems.length === 0 ? null : problems.join('; '), bytesToHex(root));
}

/**
 * The fork with the blob schedule of the fixture's `config.blobSchedule[network]`
 * ({target, max, baseFeeUpdateFraction}, quantities), when it has one.
 */
function configuredFork(fork: Fork, network: string, rawConfig: unknown, ctx: string): Fork {
  if (rawConfig === undefined) return fork;
  const config = asObject(rawConfig, `${ctx}: config`);
  if (config.blobSchedule === undefined) return fork;
  const schedules = asObject(config.blobSchedule, `${ctx}: config.blobSchedule`);
  const raw = schedules[network] ?? schedules[fork.name];
  if (raw === undefined) return fork;
  const where = `${ctx}: config.blobSchedule.${network}`;
  const o = asObject(raw, where);
  const s: Partial<BlobSchedule> = {};
  if (o.target !== undefined) s.target = Number(parseQuantity(o.target, `${where}.target`, 32));
  if (o.max !== undefined) {
    s.max = Number(parseQuantity(o.max, `${where}.max`, 32));
    if (!fork.eips.has(7594)) s.maxPerTx = s.max; // before EIP-7594 a transaction may fill the block
  }
  if (o.baseFeeUpdateFraction !== undefined) s.updateFraction = parseQuantity(o.baseFeeUpdateFraction, `${where}.baseFeeUpdateFraction`);
  // (No maxBlobsPerTx in these configurations: EIP-7594's limit stays the table's.)
  if (o.maxBlobsPerTx !== undefined) s.maxPerTx = Number(parseQuantity(o.maxBlobsPerTx, `${where}.maxBlobsPerTx`, 32));
  return withBlobSchedule(fork, s);
}

/** The first few accounts that differ, for a failure message. */
function stateDiff(actual: WorldState, expected: WorldState, max = 3): string {
  const a = actual.toJSON();
  const e = expected.toJSON();
  const diffs: string[] = [];
  for (const addr of new Set([...Object.keys(a), ...Object.keys(e)])) {
    const x = a[addr];
    const y = e[addr];
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    if (!x) diffs.push(`${addr} missing`);
    else if (!y) diffs.push(`${addr} unexpected`);
    else {
      const parts: string[] = [];
      if (x.balance !== y.balance) parts.push(`balance ${x.balance} want ${y.balance}`);
      if (x.nonce !== y.nonce) parts.push(`nonce ${x.nonce} want ${y.nonce}`);
      if (x.code !== y.code) parts.push('code');
      for (const s of new Set([...Object.keys(x.storage), ...Object.keys(y.storage)])) {
        if (x.storage[s] !== y.storage[s]) parts.push(`[${s}] ${x.storage[s] ?? '0'} want ${y.storage[s] ?? '0'}`);
      }
      diffs.push(`${addr}: ${parts.join(', ')}`);
    }
    if (diffs.length >= max) break;
  }
  return diffs.length === 0 ? '' : ` (${diffs.join('; ')})`;
}

