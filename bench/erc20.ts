// A real ERC-20: OpenZeppelin Contracts 4.9.6's ERC20PresetFixedSupply, the compiled
// bytecode the npm package ships in its artifact
// (node_modules/@openzeppelin/contracts/build/contracts/ERC20PresetFixedSupply.json).
// Its constructor(name, symbol, initialSupply, owner) mints the supply to `owner`.
//
// Two workloads deploy it with a CREATE and then time transfers: one transfer call
// to an existing holder (a transaction's worth of work), and a driver contract that
// makes 100 transfers to new holders in one call.

import { createRequire } from 'node:module';
import { asm } from './asm.js';
import type { Call, Workload } from './engines.js';
import { createAddress } from '../src/evm/evm.js';
import type { BlockEnv } from '../src/evm/types.js';
import { WorldState, createAccount } from '../src/state/world.js';
import { bigintToBytes, bytesToBigint, bytesToKey, concatBytes, hexToBytes } from '../src/util/hex.js';

export const SEL_TRANSFER = 0xa9059cbbn;
const SUPPLY = 10n ** 27n;

/** The artifact's creation bytecode (constructor arguments go after it). */
function presetFixedSupplyBytecode(): Uint8Array {
  const require = createRequire(import.meta.url);
  const artifact = require('@openzeppelin/contracts/build/contracts/ERC20PresetFixedSupply.json') as { bytecode: string };
  return hexToBytes(artifact.bytecode);
}

const word = (n: bigint | Uint8Array) => bigintToBytes(typeof n === 'bigint' ? n : bytesToBigint(n), 32);

/** ABI encoding of a string as a tail: length word, then the bytes padded to whole words. */
function abiString(s: string): Uint8Array {
  const b = new TextEncoder().encode(s);
  const padded = new Uint8Array(Math.ceil(b.length / 32) * 32);
  padded.set(b);
  return concatBytes(word(BigInt(b.length)), padded);
}

/** Creation code plus ABI-encoded (string name, string symbol, uint256 supply, address owner). */
export function erc20InitCode(name: string, symbol: string, supply: bigint, owner: Uint8Array): Uint8Array {
  const nameTail = abiString(name);
  const head = 4 * 32;
  return concatBytes(
    presetFixedSupplyBytecode(),
    word(BigInt(head)), word(BigInt(head + nameTail.length)), word(supply), word(owner),
    nameTail, abiString(symbol),
  );
}

/**
 * Calls token.transfer(0x1000 + i, 1) for i = n..1 (calldata: token, n), reverting
 * if a transfer fails.
 */
export function transferDriver(): Uint8Array {
  const a = asm();
  a.push(32).op('CALLDATALOAD').label('loop'); // i
  a.push(SEL_TRANSFER, 4).push(224).op('SHL').push(0).op('MSTORE');
  a.op('DUP1').push(0x1000, 2).op('ADD').push(4).op('MSTORE');
  a.push(1).push(36).op('MSTORE');
  a.push(32).push(0).push(68).push(0).push(0).push(0).op('CALLDATALOAD', 'GAS', 'CALL');
  a.op('ISZERO').pushLabel('fail').op('JUMPI');
  a.push(1).op('SWAP1', 'SUB', 'DUP1').pushLabel('loop').op('JUMPI', 'STOP');
  a.label('fail').push(0).op('DUP1', 'REVERT');
  return a.bytes();
}

const addr = (byte: number) => new Uint8Array(20).fill(byte);
const HOLDER = addr(0x5a);
const DEPLOYER = addr(0x5d);
const DRIVER = addr(0xd7);

export function transferCalldata(to: Uint8Array, amount: bigint): Uint8Array {
  return concatBytes(bigintToBytes(SEL_TRANSFER, 4), word(to), word(amount));
}

/** The two ERC-20 workloads (fork and block as given; they share the setup). */
export function erc20Workloads(fork: string, block: BlockEnv, batch = 100): Workload[] {
  const pre = new WorldState();
  pre.putAccount(bytesToKey(DEPLOYER), createAccount({ balance: 10n ** 30n }));
  pre.putAccount(bytesToKey(DRIVER), createAccount({ code: transferDriver() }));
  const token = createAddress(DEPLOYER, 0n);
  const gasLimit = 30_000_000n;
  const call = (caller: Uint8Array, to: Uint8Array | null, data: Uint8Array): Call => ({ caller, to, data, value: 0n, gasLimit });
  const setup = [
    call(DEPLOYER, null, erc20InitCode('Lanes Bench Token', 'LBT', SUPPLY, DEPLOYER)),
    call(DEPLOYER, token, transferCalldata(HOLDER, 10n ** 24n)),
    call(DEPLOYER, token, transferCalldata(DRIVER, 10n ** 24n)),
  ];
  const base = { suite: 'contracts', group: 'erc20', fork, pre, block, setup };
  return [
    { ...base, name: 'ERC-20 transfer (one call)', call: call(DEPLOYER, token, transferCalldata(HOLDER, 1n)), ops: 1 },
    {
      ...base, name: `ERC-20 x${batch} transfers to new holders`,
      call: call(DEPLOYER, DRIVER, concatBytes(word(token), word(BigInt(batch)))), ops: batch,
    },
  ];
}
