// A minimal ERC-20 token, hand-assembled (no compiler): Solidity's storage layout
// (balances mapping in slot 0, so balanceOf[a] lives at keccak256(a . 0); total
// supply in slot 1), transfer(address,uint256) with the checks Solidity 0.8 makes
// (calldata length, clean address, balance, overflow) and the Transfer event, plus
// balanceOf(address) and totalSupply(). The constructor mints the supply to its
// deployer.
//
// Two workloads deploy it with a CREATE and then time transfers: one transfer call
// to an existing holder (a transaction's worth of work), and a driver contract that
// makes 100 transfers to new holders in one call.

import { asm, deployCode, type Asm } from './asm.js';
import type { Call, Workload } from './engines.js';
import { createAddress } from '../src/evm/evm.js';
import type { BlockEnv } from '../src/evm/types.js';
import { WorldState, createAccount } from '../src/state/world.js';
import { bigintToBytes, bytesToBigint, bytesToKey, concatBytes } from '../src/util/hex.js';

export const SEL_TRANSFER = 0xa9059cbbn;
export const SEL_BALANCE_OF = 0x70a08231n;
export const SEL_TOTAL_SUPPLY = 0x18160dddn;
/** keccak256("Transfer(address,address,uint256)") */
const TRANSFER_TOPIC = 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3efn;
const SUPPLY = 10n ** 27n;

/** Leaves keccak256(word . 0) on the stack for the address on top (balances slot). */
function balanceSlot(a: Asm): Asm {
  return a.push(0).op('MSTORE').push(0).push(32).op('MSTORE').push(64).push(0).op('KECCAK256');
}

export function erc20Runtime(): Uint8Array {
  const a = asm();
  a.push(0).op('CALLDATALOAD').push(0xe0).op('SHR');
  a.op('DUP1').push(SEL_TRANSFER, 4).op('EQ').pushLabel('transfer').op('JUMPI');
  a.op('DUP1').push(SEL_BALANCE_OF, 4).op('EQ').pushLabel('balanceOf').op('JUMPI');
  a.op('DUP1').push(SEL_TOTAL_SUPPLY, 4).op('EQ').pushLabel('totalSupply').op('JUMPI');
  a.pushLabel('revert').op('JUMP');

  a.label('balanceOf');
  a.push(36).op('CALLDATASIZE', 'LT').pushLabel('revert').op('JUMPI');
  a.push(4).op('CALLDATALOAD', 'DUP1').push(160).op('SHR').pushLabel('revert').op('JUMPI');
  balanceSlot(a).op('SLOAD').pushLabel('return word').op('JUMP');

  a.label('totalSupply');
  a.push(1).op('SLOAD').pushLabel('return word').op('JUMP');

  a.label('transfer'); // stack: selector
  a.push(68).op('CALLDATASIZE', 'LT').pushLabel('revert').op('JUMPI');
  a.push(4).op('CALLDATALOAD'); // to
  a.op('DUP1').push(160).op('SHR').pushLabel('revert').op('JUMPI');
  a.push(36).op('CALLDATALOAD'); // amount, to
  a.op('CALLER');
  balanceSlot(a); // fromSlot, amount, to
  a.op('DUP1', 'SLOAD'); // fromBal, fromSlot, amount, to
  a.op('DUP3', 'DUP2', 'LT').pushLabel('revert').op('JUMPI'); // fromBal < amount
  a.op('DUP3', 'SWAP1', 'SUB'); // fromBal - amount, fromSlot, amount, to
  a.op('SWAP1', 'SSTORE'); // amount, to
  a.op('DUP2');
  balanceSlot(a); // toSlot, amount, to
  a.op('DUP1', 'SLOAD'); // toBal, toSlot, amount, to
  a.op('DUP3', 'ADD'); // sum, toSlot, amount, to
  a.op('DUP3', 'DUP2', 'LT').pushLabel('revert').op('JUMPI'); // sum < amount: overflow
  a.op('SWAP1', 'SSTORE'); // amount, to
  a.push(0).op('MSTORE'); // to
  a.op('CALLER').push(TRANSFER_TOPIC, 32).push(32).push(0).op('LOG3');
  a.push(1).pushLabel('return word').op('JUMP');

  a.label('return word'); // value
  a.push(0).op('MSTORE').push(32).push(0).op('RETURN');
  a.label('revert');
  a.push(0).op('DUP1', 'REVERT');
  return a.bytes();
}

export function erc20InitCode(): Uint8Array {
  const ctor = asm().push(SUPPLY).op('DUP1', 'CALLER');
  balanceSlot(ctor).op('SSTORE'); // supply
  ctor.push(1).op('SSTORE');
  return deployCode(erc20Runtime(), ctor);
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
const word = (n: bigint | Uint8Array) => bigintToBytes(typeof n === 'bigint' ? n : bytesToBigint(n), 32);

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
    call(DEPLOYER, null, erc20InitCode()),
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
