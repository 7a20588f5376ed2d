// Fuzz cases as state tests: a case is written in the ethereum/tests format from the
// start, and parsed by the same parser the `statetest` command uses, so a saved
// mismatch replays exactly as it ran.

import type { PostState } from './ethjs.js';
import { parseStateTestFile, type StateTestCase } from '../statetest/parse.js';

/** The usual state-test sender: its secret key and address. */
export const SECRET_KEY = '0x45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8';
export const SENDER = '0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b';
export const COINBASE = '0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba';

export interface TxSpec {
  type: 0 | 1 | 2;
  nonce: bigint;
  /** null: a creation. */
  to: string | null;
  value: bigint;
  data: string;
  gasLimit: bigint;
  gasPrice: bigint;
  maxPriorityFeePerGas: bigint;
  accessList: { address: string; storageKeys: string[] }[];
  /** Default: SENDER (signed with SECRET_KEY). Another sender is written without a secret key. */
  sender?: string;
}

export interface EnvSpec {
  number: bigint;
  timestamp: bigint;
  gasLimit: bigint;
  baseFee: bigint;
  random: string;
  coinbase: string;
}

export interface CaseSpec {
  fork: string;
  env: EnvSpec;
  pre: PostState;
  tx: TxSpec;
}

const q = (n: bigint) => '0x' + n.toString(16);

/** The state-test JSON of a case; `post` gives the expected root and logs hash (zeros when unknown). */
export function toStateTest(name: string, c: CaseSpec, post = { hash: '0x' + '00'.repeat(32), logs: '0x' + '00'.repeat(32) }, info?: unknown): Record<string, unknown> {
  const t = c.tx;
  const transaction: Record<string, unknown> = {
    data: [t.data], gasLimit: [q(t.gasLimit)], value: [q(t.value)], nonce: q(t.nonce),
    to: t.to ?? '', ...(t.sender === undefined || t.sender === SENDER ? { secretKey: SECRET_KEY, sender: SENDER } : { sender: t.sender }),
  };
  if (t.type === 2) {
    transaction.maxFeePerGas = q(t.gasPrice);
    transaction.maxPriorityFeePerGas = q(t.maxPriorityFeePerGas);
  } else transaction.gasPrice = q(t.gasPrice);
  if (t.type >= 1) transaction.accessLists = [t.accessList];
  const test: Record<string, unknown> = {};
  if (info !== undefined) test._info = info;
  Object.assign(test, {
    env: {
      currentCoinbase: c.env.coinbase, currentNumber: q(c.env.number), currentTimestamp: q(c.env.timestamp),
      currentGasLimit: q(c.env.gasLimit), currentBaseFee: q(c.env.baseFee), currentRandom: c.env.random,
      currentDifficulty: '0x0', currentExcessBlobGas: '0x0',
    },
    pre: c.pre,
    transaction,
    post: { [c.fork]: [{ hash: post.hash, logs: post.logs, indexes: { data: 0, gas: 0, value: 0 } }] },
  });
  return { [name]: test };
}

/** The runnable case of a spec. */
export function toCase(name: string, c: CaseSpec): StateTestCase {
  const cases = parseStateTestFile(`<fuzz ${name}>`, JSON.stringify(toStateTest(name, c)));
  return cases[0];
}
