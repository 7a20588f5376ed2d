// Reads state-test JSON files (ethereum/tests GeneralStateTests and
// execution-spec-tests `state_test` fixtures) into runnable cases.
//
// A file is {testName: {env, pre, transaction, post, config?}}. Each entry of
// post[fork] picks one transaction variant through `indexes` = {data, gas, value}
// (indexes into transaction.data / gasLimit / value) and gives the expected state
// root `hash`, the `logs` hash and, for a transaction that must be rejected,
// `expectException`. EEST's `txbytes` and `state` are not used: the transaction is
// built from the fields, which agree with txbytes on the type in every vector.

import { keccak_256 } from '@noble/hashes/sha3.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import type { Authorization, AccessListEntry, BlockEnv, Tx } from '../evm/types.js';
import { forkByName } from '../fork/table.js';
import { WorldState } from '../state/world.js';
import { InputError, bigintToBytes, hexToBytes, hexToFixed, parseQuantity } from '../util/hex.js';
import { array, asObject, parseJson } from '../util/json.js';
import { readText } from '../util/file.js';

export interface CaseIndexes { data: number; gas: number; value: number }

/** The transaction of a case. */
export type StateTestTx = Tx;

export interface StateTestCase {
  /** The path as given (used in reports and known-failure ids). */
  file: string;
  name: string;
  /** The fork key as written in `post` (e.g. "Cancun", "ConstantinopleFix"). */
  fork: string;
  indexes: CaseIndexes;
  /** Shared by all cases of a test: copy before running. */
  pre: WorldState;
  block: BlockEnv;
  tx: StateTestTx;
  expectedRoot: Uint8Array;
  expectedLogs: Uint8Array;
  /** Exception name(s) expected when the transaction is invalid ("A|B" = either). */
  expectException?: string;
  /**
   * Set when the fixture's transaction cannot exist at all (a field wider than 256
   * bits, which no transaction encoding can carry): the case is then an invalid
   * transaction without running anything.
   */
  unencodable?: string;
}

export interface ParseOptions {
  /** Only cases whose `post` fork key passes (see forkFilter). */
  fork?: (forkKey: string) => boolean;
  /** Only tests whose name matches. */
  run?: RegExp;
}

/**
 * A `post` key filter for a fork name given by a user: equal as written, or the same
 * fork under another name (ConstantinopleFix = Petersburg, Merge = Paris). Throws
 * InputError for a fork name the fork table does not know.
 */
export function forkFilter(name: string): (forkKey: string) => boolean {
  const wanted = forkByName(name).name;
  return (key) => {
    if (key === name) return true;
    try {
      return forkByName(key).name === wanted;
    } catch {
      return false;
    }
  };
}

/** Reads and parses one state-test file. */
export function readStateTestFile(file: string, opts: ParseOptions = {}): StateTestCase[] {
  return parseStateTestFile(file, readText(file), opts);
}

/** Parses the text of one state-test file into cases, in file order. */
export function parseStateTestFile(file: string, text: string, opts: ParseOptions = {}): StateTestCase[] {
  const tests = asObject(parseJson(text, file), `${file}: top level (expected {testName: test})`);
  const cases: StateTestCase[] = [];
  for (const [name, raw] of Object.entries(tests)) {
    if (opts.run && !opts.run.test(name)) continue;
    cases.push(...parseTest(file, name, raw, opts));
  }
  return cases;
}

function parseTest(file: string, name: string, raw: unknown, opts: ParseOptions): StateTestCase[] {
  const ctx = `${file}: test ${JSON.stringify(name)}`;
  const test = asObject(raw, ctx);
  const post = asObject(test.post, `${ctx}: post`);

  // Select the entries first, so filtered-out tests cost no pre-state parsing.
  const entries: { fork: string; entry: Record<string, unknown>; where: string }[] = [];
  for (const [fork, list] of Object.entries(post)) {
    if (opts.fork && !opts.fork(fork)) continue;
    if (!Array.isArray(list)) throw new InputError(`${ctx}: post.${fork}: expected an array`);
    list.forEach((e, i) => {
      const where = `${ctx}: post.${fork}[${i}]`;
      entries.push({ fork, entry: asObject(e, where), where });
    });
  }
  if (entries.length === 0) return [];

  const env = asObject(test.env, `${ctx}: env`);
  const config = test.config === undefined ? undefined : asObject(test.config, `${ctx}: config`);
  const block = parseEnv(env, config, ctx);
  const pre = WorldState.fromJSON(test.pre, `${ctx}: pre`);
  const txJson = asObject(test.transaction, `${ctx}: transaction`);
  const variants = parseTxVariants(txJson, `${ctx}: transaction`);

  return entries.map(({ fork, entry, where }) => {
    const ix = asObject(entry.indexes, `${where}.indexes`);
    const indexes: CaseIndexes = {
      data: index(ix.data, variants.data.length, `${where}.indexes.data`),
      gas: index(ix.gas, variants.gasLimit.length, `${where}.indexes.gas`),
      value: index(ix.value, variants.value.length, `${where}.indexes.value`),
    };
    let expectException: string | undefined;
    if (entry.expectException !== undefined) {
      if (typeof entry.expectException !== 'string' || entry.expectException === '') {
        throw new InputError(`${where}.expectException: expected a non-empty string`);
      }
      expectException = entry.expectException;
    }
    return {
      file, name, fork, indexes, pre, block,
      tx: variants.build(indexes),
      unencodable: variants.unencodable(indexes),
      expectedRoot: hexToFixed(entry.hash, 32, `${where}.hash`),
      expectedLogs: hexToFixed(entry.logs, 32, `${where}.logs`),
      expectException,
    };
  });
}

function parseEnv(env: Record<string, unknown>, config: Record<string, unknown> | undefined, ctx: string): BlockEnv {
  const w = (f: string) => `${ctx}: env.${f}`;
  const number = parseQuantity(required(env, 'currentNumber', w), w('currentNumber'), 64);
  const difficulty = env.currentDifficulty === undefined ? 0n : parseQuantity(env.currentDifficulty, w('currentDifficulty'));
  // PREVRANDAO (EIP-4399): currentRandom from Paris on; older fixtures only have a difficulty.
  const prevRandao = bigintToBytes(
    env.currentRandom === undefined ? difficulty : parseQuantity(env.currentRandom, w('currentRandom')),
    32,
  );
  return {
    coinbase: hexToFixed(required(env, 'currentCoinbase', w), 20, w('currentCoinbase')),
    number,
    timestamp: parseQuantity(required(env, 'currentTimestamp', w), w('currentTimestamp'), 64),
    gasLimit: parseQuantity(required(env, 'currentGasLimit', w), w('currentGasLimit'), 64),
    // Pre-London fixtures have no base fee; geth and retesteth use 10 when a London+ fork needs one.
    baseFee: env.currentBaseFee === undefined ? 10n : parseQuantity(env.currentBaseFee, w('currentBaseFee')),
    prevRandao,
    difficulty,
    excessBlobGas: env.currentExcessBlobGas === undefined ? 0n : parseQuantity(env.currentExcessBlobGas, w('currentExcessBlobGas'), 64),
    chainId: config?.chainid === undefined ? 1n : parseQuantity(config.chainid, `${ctx}: config.chainid`),
    blockHash: stateTestBlockHash(number),
  };
}

/**
 * BLOCKHASH in state tests: there is no chain, so (as geth's state-test runner does)
 * the hash of block n is keccak256 of n written in decimal, for the 256 blocks below
 * the current one.
 */
export function stateTestBlockHash(current: bigint): (n: bigint) => Uint8Array | undefined {
  const enc = new TextEncoder();
  return (n) => (n < current && n + 256n >= current && n >= 0n ? keccak_256(enc.encode(n.toString(10))) : undefined);
}

interface TxVariants {
  data: Uint8Array[];
  gasLimit: bigint[];
  value: bigint[];
  build(ix: CaseIndexes): StateTestTx;
  unencodable(ix: CaseIndexes): string | undefined;
}

function parseTxVariants(tx: Record<string, unknown>, ctx: string): TxVariants {
  const w = (f: string) => `${ctx}.${f}`;
  const data = array(required(tx, 'data', w), w('data')).map((d, i) => hexToBytes(d, `${w('data')}[${i}]`));
  const gasLimit = array(required(tx, 'gasLimit', w), w('gasLimit')).map((g, i) => txQuantity(g, `${w('gasLimit')}[${i}]`));
  const value = array(required(tx, 'value', w), w('value')).map((v, i) => txQuantity(v, `${w('value')}[${i}]`));

  const rawTo = required(tx, 'to', w);
  const to = rawTo === '' ? null : hexToFixed(rawTo, 20, w('to'));
  const nonce = txQuantity(required(tx, 'nonce', w), w('nonce'));
  const sender = tx.sender !== undefined && tx.sender !== ''
    ? hexToFixed(tx.sender, 20, w('sender'))
    : senderFromSecretKey(hexToFixed(required(tx, 'secretKey', w), 32, w('secretKey')), w('secretKey'));

  const opt = (f: string) => (tx[f] === undefined ? undefined : txQuantity(tx[f], w(f)));
  const gasPrice = opt('gasPrice');
  const maxFeePerGas = opt('maxFeePerGas');
  const maxPriorityFeePerGas = opt('maxPriorityFeePerGas');
  const maxFeePerBlobGas = opt('maxFeePerBlobGas');
  const blobVersionedHashes = tx.blobVersionedHashes === undefined
    ? undefined
    : array(tx.blobVersionedHashes, w('blobVersionedHashes')).map((h, i) => hexToFixed(h, 32, `${w('blobVersionedHashes')}[${i}]`));
  const accessLists = tx.accessLists === undefined
    ? undefined
    : array(tx.accessLists, w('accessLists')).map((l, i) => (l === null ? null : parseAccessList(l, `${w('accessLists')}[${i}]`)));
  if (accessLists !== undefined && accessLists.length !== data.length) {
    throw new InputError(`${w('accessLists')}: ${accessLists.length} entries for ${data.length} data variants`);
  }
  const authorizationList = tx.authorizationList === undefined
    ? undefined
    : array(tx.authorizationList, w('authorizationList')).map((a, i) => parseAuthorization(a, `${w('authorizationList')}[${i}]`));

  if (maxFeePerGas === undefined && gasPrice === undefined) throw new InputError(`${ctx}: needs gasPrice or maxFeePerGas`);
  if (maxFeePerGas !== undefined && maxPriorityFeePerGas === undefined) throw new InputError(`${w('maxPriorityFeePerGas')}: missing (maxFeePerGas is set)`);
  if (blobVersionedHashes !== undefined && maxFeePerBlobGas === undefined) throw new InputError(`${w('maxFeePerBlobGas')}: missing (blobVersionedHashes is set)`);

  const wide = (n: bigint | undefined) => n !== undefined && n > MAX_U256;
  const scalarWide = [['nonce', nonce], ['gasPrice', gasPrice], ['maxFeePerGas', maxFeePerGas],
    ['maxPriorityFeePerGas', maxPriorityFeePerGas], ['maxFeePerBlobGas', maxFeePerBlobGas]] as const;

  return {
    data, gasLimit, value,
    unencodable(ix) {
      const bad = [
        ...scalarWide.filter(([, n]) => wide(n)).map(([f]) => f),
        ...(wide(gasLimit[ix.gas]) ? [`gasLimit[${ix.gas}]`] : []),
        ...(wide(value[ix.value]) ? [`value[${ix.value}]`] : []),
      ];
      return bad.length === 0 ? undefined : `transaction ${bad.join(', ')} wider than 256 bits`;
    },
    build(ix) {
      const accessList = accessLists?.[ix.data] ?? null;
      // The type follows from the fields present; a null access list for a data index
      // means a legacy transaction (the fixtures' txbytes agree).
      const type: StateTestTx['type'] = authorizationList !== undefined ? 4
        : blobVersionedHashes !== undefined ? 3
          : maxFeePerGas !== undefined ? 2
            : accessList !== null ? 1 : 0;
      const t: StateTestTx = {
        type, sender, nonce, to,
        gasLimit: gasLimit[ix.gas],
        value: value[ix.value],
        data: data[ix.data],
        accessList: accessList ?? [],
      };
      if (type <= 1) t.gasPrice = gasPrice;
      else {
        t.maxFeePerGas = maxFeePerGas;
        t.maxPriorityFeePerGas = maxPriorityFeePerGas;
      }
      if (type === 3) {
        t.maxFeePerBlobGas = maxFeePerBlobGas;
        t.blobVersionedHashes = blobVersionedHashes;
      }
      if (type === 4) t.authorizationList = authorizationList;
      return t;
    },
  };
}

const MAX_U256 = (1n << 256n) - 1n;

/**
 * A transaction quantity. Values beyond 256 bits are kept (the case then becomes an
 * unencodable, hence invalid, transaction); retesteth writes them as "0x:bigint 0x...".
 */
function txQuantity(v: unknown, what: string): bigint {
  if (typeof v === 'string' && v.startsWith('0x:bigint ')) v = v.slice('0x:bigint '.length);
  return parseQuantity(v, what, 1024);
}

function parseAccessList(raw: unknown, ctx: string): AccessListEntry[] {
  return array(raw, ctx).map((e, i) => {
    const where = `${ctx}[${i}]`;
    const o = asObject(e, where);
    const w = (f: string) => `${where}.${f}`;
    return {
      address: hexToFixed(required(o, 'address', w), 20, w('address')),
      storageKeys: array(required(o, 'storageKeys', w), w('storageKeys')).map((k, j) => hexToFixed(k, 32, `${w('storageKeys')}[${j}]`)),
    };
  });
}

function parseAuthorization(raw: unknown, ctx: string): Authorization {
  const o = asObject(raw, ctx);
  const w = (f: string) => `${ctx}.${f}`;
  // yParity is the EIP-7702 field; some fixtures also (or only) carry v.
  const parity = o.yParity !== undefined ? parseQuantity(o.yParity, w('yParity')) : parseQuantity(required(o, 'v', w), w('v'));
  return {
    chainId: parseQuantity(required(o, 'chainId', w), w('chainId')),
    address: hexToFixed(required(o, 'address', w), 20, w('address')),
    nonce: parseQuantity(required(o, 'nonce', w), w('nonce')),
    yParity: parity,
    r: parseQuantity(required(o, 'r', w), w('r')),
    s: parseQuantity(required(o, 's', w), w('s')),
    signer: o.signer === undefined ? undefined : hexToFixed(o.signer, 20, w('signer')),
  };
}

/** The address of a secp256k1 secret key: the last 20 bytes of keccak256(uncompressed public key without its 0x04 prefix). */
export function senderFromSecretKey(secretKey: Uint8Array, what = 'secretKey'): Uint8Array {
  let pub: Uint8Array;
  try {
    pub = secp256k1.getPublicKey(secretKey, false);
  } catch (e) {
    throw new InputError(`${what}: not a valid secp256k1 secret key (${(e as Error).message})`);
  }
  return keccak_256(pub.subarray(1)).subarray(12);
}


function required(o: Record<string, unknown>, field: string, where: (f: string) => string): unknown {
  const v = o[field];
  if (v === undefined) throw new InputError(`${where(field)}: missing`);
  return v;
}

function index(v: unknown, length: number, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= length) {
    throw new InputError(`${what}: ${JSON.stringify(v)} is not an index below ${length}`);
  }
  return v;
}
