// The parallel executor's contract workloads, on real compiled bytecode: OpenZeppelin's
// ERC20PresetFixedSupply (@openzeppelin/contracts 4.9.6) and Uniswap V2's factory and
// pairs (@uniswap/v2-core 1.0.1). Their pre-states are built by running the
// constructors and set-up calls (token distribution, createPair, liquidity, mint)
// through Lanes on a WorldState, never by writing the contracts' storage by hand.
// The artifacts are devDependencies, so this lives in bench/ (loaded by the benchmark
// and the tests only). Deterministic: the same arguments give the same blocks.
//
//   (b) erc20TransfersWorkload: ERC-20 transfers between distinct pairs on one token
//   (c) ownPairSwapsWorkload:   swaps, each on its own pair (conflict-free)
//   (d) hotMixWorkload:         ERC-20 transfers with a share of swaps on one hot pair
//   (e) onePairSwapsWorkload:   swaps all on one pair (every transaction conflicts)
// (a) and (f), plain transfers, are in src/parallel/workloads.ts.

import { createRequire } from 'node:module';
import { keccak_256 as keccak } from '@noble/hashes/sha3.js';
import { asm } from './asm.js';
import { Evm } from '../src/evm/evm.js';
import { forkByName, type Fork } from '../src/fork/table.js';
import { WorldState } from '../src/state/world.js';
import { bytesToKey, concatBytes, hexToBytes } from '../src/util/hex.js';
import { ETH, TxBuilder, address, block, fund, prng, word, type Workload } from '../src/parallel/workloads.js';

const require = createRequire(import.meta.url);

function artifact(path: string): Uint8Array {
  const a = require(path) as { bytecode: string | { object: string } };
  return hexToBytes(typeof a.bytecode === 'string' ? a.bytecode : a.bytecode.object);
}

/** Creation code (constructor not appended). */
const TOKEN_CODE = artifact('@openzeppelin/contracts/build/contracts/ERC20PresetFixedSupply.json');
const FACTORY_CODE = artifact('@uniswap/v2-core/build/UniswapV2Factory.json');

function selector(signature: string): Uint8Array {
  return keccak(new TextEncoder().encode(signature)).slice(0, 4);
}

const TRANSFER = selector('transfer(address,uint256)');
const CREATE_PAIR = selector('createPair(address,address)');
const MINT = selector('mint(address)');
const GET_RESERVES = selector('getReserves()');
const SWAP = selector('swap(uint256,uint256,address,bytes)');

const addrWord = (a: Uint8Array) => concatBytes(new Uint8Array(12), a);
const call = (sel: Uint8Array, ...words: Uint8Array[]) => concatBytes(sel, ...words);

/** ABI encoding of a string argument's tail: length, then the bytes padded to 32. */
function abiString(s: string): Uint8Array {
  const b = new TextEncoder().encode(s);
  const padded = new Uint8Array(Math.ceil(b.length / 32) * 32);
  padded.set(b);
  return concatBytes(word(b.length), padded);
}

/** ERC20PresetFixedSupply's creation code with constructor(name, symbol, initialSupply, owner). */
function tokenInitCode(name: string, symbol: string, supply: bigint, owner: Uint8Array): Uint8Array {
  const n = abiString(name);
  return concatBytes(TOKEN_CODE, word(128), word(128 + n.length), word(supply), addrWord(owner), n, abiString(symbol));
}

/**
 * A swapper (one per sender, so that no two swaps share a token balance): calldata
 * (tokenIn, pair, amountIn, tokenInIsToken0). Transfers amountIn of tokenIn from its
 * own balance to the pair, reads the pair's reserves, computes Uniswap V2's amount
 * out (0.3% fee: in * 997 * rOut / (rIn * 1000 + in * 997)) and calls the pair's
 * swap with itself as recipient. Reverts with the callee's data if a call fails.
 */
const SWAPPER_CODE = (() => {
  const a = asm();
  const arg = (i: number) => a.push(32 * i).op('CALLDATALOAD');
  const selectorAt0 = (sel: Uint8Array) => a.push(sel).push(224).op('SHL').push(0).op('MSTORE');
  // tokenIn.transfer(pair, amountIn)
  selectorAt0(TRANSFER);
  arg(1).push(4).op('MSTORE');
  arg(2).push(36).op('MSTORE');
  a.push(32).push(0).push(68).push(0).push(0);
  arg(0).op('GAS', 'CALL', 'ISZERO').pushLabel('fail').op('JUMPI');
  // pair.getReserves() -> memory 0: reserve0, 32: reserve1
  selectorAt0(GET_RESERVES);
  a.push(64).push(0).push(4).push(0);
  arg(1).op('GAS', 'STATICCALL', 'ISZERO').pushLabel('fail').op('JUMPI');
  // amount out, kept at memory 0x200
  const reserveOut = () => arg(3).push(32).op('MUL', 'MLOAD'); // reserve1 when tokenIn is token0
  const reserveIn = () => arg(3).push(32).op('MUL').push(32).op('SUB', 'MLOAD');
  a.push(997);
  arg(2).op('MUL', 'DUP1'); // inFee inFee
  reserveOut();
  a.op('MUL', 'SWAP1'); // inFee numerator
  a.push(1000);
  reserveIn();
  a.op('MUL', 'ADD', 'SWAP1', 'DIV'); // numerator / denominator
  a.push(0x200).op('MSTORE');
  // pair.swap(tokenIn is token0 ? 0 : out, tokenIn is token0 ? out : 0, this, "")
  selectorAt0(SWAP);
  arg(3).push(1).op('SUB').push(0x200).op('MLOAD', 'MUL').push(4).op('MSTORE');
  arg(3).push(0x200).op('MLOAD', 'MUL').push(36).op('MSTORE');
  a.op('ADDRESS').push(68).op('MSTORE');
  a.push(128).push(100).op('MSTORE');
  a.push(0).push(132).op('MSTORE');
  a.push(0).push(0).push(164).push(0).push(0);
  arg(1).op('GAS', 'CALL', 'ISZERO').pushLabel('fail').op('JUMPI');
  a.op('STOP');
  a.label('fail').op('RETURNDATASIZE').push(0).push(0).op('RETURNDATACOPY', 'RETURNDATASIZE').push(0).op('REVERT');
  return a.bytes();
})();

/** Set-up calls through Lanes (Evm.runCall on the workload's pre-state): each must succeed. */
class Setup {
  private constructor(readonly evm: Evm, readonly deployer: Uint8Array) {}

  static async create(fork: Fork, pre: WorldState): Promise<Setup> {
    const evm = await Evm.create({ fork: fork.name, state: pre });
    return new Setup(evm, fund(pre, address(0xde, 0), 1000n * ETH));
  }

  run(to: Uint8Array | undefined, data: Uint8Array, what: string, caller = this.deployer): Uint8Array {
    const r = this.evm.runCall({ caller, to, data, gasLimit: 30_000_000n });
    if (r.status !== 'success') throw new Error(`workload set-up: ${what}: ${r.status}${r.error ? ` (${r.error})` : ''}`);
    return r.createdAddress ?? r.output;
  }

  token(symbol: string, supply: bigint): Uint8Array {
    return this.run(undefined, tokenInitCode(`Token ${symbol}`, symbol, supply, this.deployer), `deploy ${symbol}`);
  }

  transfer(token: Uint8Array, to: Uint8Array, amount: bigint): void {
    this.run(token, call(TRANSFER, addrWord(to), word(amount)), 'token transfer');
  }

  factory(): Uint8Array {
    return this.run(undefined, concatBytes(FACTORY_CODE, addrWord(this.deployer)), 'deploy the Uniswap V2 factory');
  }

  /** A pair through the factory, with liquidity minted to the deployer; returns it and its token0. */
  pair(factory: Uint8Array, a: Uint8Array, b: Uint8Array, liquidity: bigint): { pair: Uint8Array; token0: Uint8Array } {
    const pair = this.run(factory, call(CREATE_PAIR, addrWord(a), addrWord(b)), 'createPair').slice(12, 32);
    this.transfer(a, pair, liquidity);
    this.transfer(b, pair, liquidity);
    this.run(pair, call(MINT, addrWord(this.deployer)), 'mint liquidity');
    return { pair, token0: bytesToKey(a) < bytesToKey(b) ? a : b };
  }
}

const SUPPLY = 10n ** 30n;
const LIQUIDITY = 10n ** 24n;

/** (b) `n` ERC-20 transfers, each between its own two accounts, on one token. */
export async function erc20TransfersWorkload(n: number, fork = forkByName('Cancun')): Promise<Workload> {
  const pre = new WorldState();
  const s = await Setup.create(fork, pre);
  const token = s.token('TKN', SUPPLY);
  const b = new TxBuilder(fork, pre);
  for (let i = 0; i < n; i++) {
    const from = fund(pre, address(0xe1, i));
    s.transfer(token, from, 10n ** 21n + BigInt(i));
    b.add(from, token, { data: call(TRANSFER, addrWord(address(0xd1, i)), word(10n ** 18n + BigInt(i))), gas: 100_000n });
  }
  return { name: `erc20-transfers-${n}`, description: `${n} ERC-20 transfers between distinct pairs on one token`, fork, pre, block: block(fork, b.txs) };
}

/** A swap by `sender` through its own swapper, which is given `amountIn` of tokenIn. */
function swap(s: Setup, pre: WorldState, b: TxBuilder, sender: Uint8Array, swapper: Uint8Array, pool: { pair: Uint8Array; token0: Uint8Array }, tokenIn: Uint8Array, amountIn: bigint): void {
  fund(pre, sender);
  s.evm.setAccount(swapper, { code: SWAPPER_CODE, nonce: 1n });
  s.transfer(tokenIn, swapper, amountIn);
  const zeroForOne = bytesToKey(tokenIn) === bytesToKey(pool.token0) ? 1n : 0n;
  b.add(sender, swapper, { data: concatBytes(addrWord(tokenIn), addrWord(pool.pair), word(amountIn), word(zeroForOne)), gas: 300_000n });
}

/**
 * (c) `n` swaps, each on its own Uniswap V2 pair. The pairs are those of `tokens`
 * tokens taken two at a time (enough for `n`), so the token contracts are shared
 * but no two swaps touch the same balance or pair.
 */
export async function ownPairSwapsWorkload(n: number, fork = forkByName('Cancun')): Promise<Workload> {
  const pre = new WorldState();
  const s = await Setup.create(fork, pre);
  let k = 2;
  while ((k * (k - 1)) / 2 < n) k++;
  const tokens = Array.from({ length: k }, (_, i) => s.token(`T${i}`, SUPPLY));
  const factory = s.factory();
  const b = new TxBuilder(fork, pre);
  const rnd = prng(3);
  let i = 0;
  for (let x = 0; x < k && i < n; x++) {
    for (let y = x + 1; y < k && i < n; y++, i++) {
      const pool = s.pair(factory, tokens[x], tokens[y], LIQUIDITY);
      const tokenIn = rnd() < 0.5 ? tokens[x] : tokens[y];
      swap(s, pre, b, address(0xe2, i), address(0xd2, i), pool, tokenIn, 10n ** 18n + BigInt(Math.floor(rnd() * 1e18)));
    }
  }
  return { name: `own-pair-swaps-${n}`, description: `${n} Uniswap V2 swaps, each on its own pair`, fork, pre, block: block(fork, b.txs) };
}

/** (e) `n` swaps on one Uniswap V2 pair, in random directions: each depends on the one before. */
export async function onePairSwapsWorkload(n: number, fork = forkByName('Cancun')): Promise<Workload> {
  return hotMix(n, 1, fork, `one-pair-swaps-${n}`, `${n} Uniswap V2 swaps all on one pair`);
}

/** (d) `n` transactions: a share `hot` of them swaps on one Uniswap V2 pair, the rest ERC-20 transfers between distinct pairs. */
export async function hotMixWorkload(n: number, hot = 0.3, fork = forkByName('Cancun')): Promise<Workload> {
  return hotMix(n, hot, fork, `hot-mix-${n}`, `${n} transactions, ${Math.round(hot * 100)}% swaps on one pair, the rest ERC-20 transfers`);
}

async function hotMix(n: number, hot: number, fork: Fork, name: string, description: string): Promise<Workload> {
  const pre = new WorldState();
  const s = await Setup.create(fork, pre);
  const a = s.token('A', SUPPLY);
  const c = s.token('C', SUPPLY);
  const pool = s.pair(s.factory(), a, c, LIQUIDITY);
  const b = new TxBuilder(fork, pre);
  const rnd = prng(5);
  for (let i = 0; i < n; i++) {
    if (rnd() < hot) {
      swap(s, pre, b, address(0xe2, i), address(0xd2, i), pool, rnd() < 0.5 ? a : c, 10n ** 18n + BigInt(Math.floor(rnd() * 1e20)));
    } else {
      const from = fund(pre, address(0xe1, i));
      s.transfer(a, from, 10n ** 21n);
      b.add(from, a, { data: call(TRANSFER, addrWord(address(0xd1, i)), word(10n ** 18n + BigInt(i))), gas: 100_000n });
    }
  }
  return { name, description, fork, pre, block: block(fork, b.txs) };
}
