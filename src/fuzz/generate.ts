// Random programs and transactions for the differential fuzzer. A program is a list
// of units (a few instructions each: an operation with the pushes of its arguments,
// a JUMPDEST, a jump to one) so the minimiser can drop units and the program still
// assembles. Generation is biased to run: arguments are pushed before the operation
// that uses them, offsets and lengths are mostly small, jumps go to real JUMPDESTs,
// calls go to the other generated contracts, precompiles and a few plain accounts.

import { keccak_256 } from '@noble/hashes/sha3.js';
import { sign } from '../tx/signature.js';
import { createAddress } from '../evm/evm.js';
import { bytesToHex, hexToBytes } from '../util/hex.js';
import { COINBASE, SENDER, type CaseSpec } from './case.js';

/** A small seeded generator (sfc32, seeded through splitmix32). */
export class Rng {
  private a: number; private b: number; private c: number; private d: number;
  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next(); this.b = next(); this.c = next(); this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }
  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }
  /** 0 <= n < max */
  int(max: number): number {
    return Math.floor((this.u32() / 4294967296) * max);
  }
  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  /** Picks by weight: [[weight, value], ...]. */
  weighted<T>(xs: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of xs) total += w;
    let r = this.int(total);
    for (const [w, v] of xs) {
      if (r < w) return v;
      r -= w;
    }
    return xs[xs.length - 1][1];
  }
  bytes(n: number): number[] {
    return Array.from({ length: n }, () => this.int(256));
  }
  big(bytes: number): bigint {
    let n = 0n;
    for (let i = 0; i < bytes; i++) n = (n << 8n) | BigInt(this.int(256));
    return n;
  }
}

// ---------------------------------------------------------------- programs

/** A unit: bytes, a JUMPDEST with a label, or a jump to a label. */
export type Unit =
  | { k: 'raw'; b: number[] }
  | { k: 'dest'; id: number }
  | { k: 'jump'; pre: number[]; to: number; op: 0x56 | 0x57 };

/** Bytecode of a unit list; a jump whose JUMPDEST was dropped goes to an invalid destination. */
export function assemble(units: Unit[]): number[] {
  const at = new Map<number, number>();
  let off = 0;
  for (const u of units) {
    if (u.k === 'dest') at.set(u.id, off);
    off += u.k === 'raw' ? u.b.length : u.k === 'dest' ? 1 : u.pre.length + 4;
  }
  const out: number[] = [];
  for (const u of units) {
    if (u.k === 'raw') out.push(...u.b);
    else if (u.k === 'dest') out.push(0x5b);
    else {
      const t = at.get(u.to) ?? 0xffff;
      out.push(...u.pre, 0x61, t >> 8, t & 0xff, u.op);
    }
  }
  return out;
}

// Stack items each opcode takes and leaves (undefined opcodes: 0, 0).
const POPS = new Uint8Array(256);
const PUSHES = new Uint8Array(256);
(() => {
  const set = (ops: number[], pops: number, pushes: number) => ops.forEach((o) => { POPS[o] = pops; PUSHES[o] = pushes; });
  set([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0a, 0x0b, 0x10, 0x11, 0x12, 0x13, 0x14, 0x16, 0x17, 0x18, 0x1a, 0x1b, 0x1c, 0x1d, 0x20], 2, 1);
  set([0x08, 0x09], 3, 1);
  set([0x15, 0x19, 0x31, 0x35, 0x3b, 0x3f, 0x40, 0x49, 0x51, 0x54, 0x5c], 1, 1);
  set([0x30, 0x32, 0x33, 0x34, 0x36, 0x38, 0x3a, 0x3d, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x4a, 0x58, 0x59, 0x5a, 0x5f], 0, 1);
  set([0x37, 0x39, 0x3e, 0x5e], 3, 0);
  set([0x3c], 4, 0);
  set([0x50, 0x56], 1, 0);
  set([0x52, 0x53, 0x55, 0x57, 0x5d, 0xf3, 0xfd], 2, 0);
  set([0xff], 1, 0);
  set([0xf0], 3, 1);
  set([0xf5], 4, 1);
  set([0xf1, 0xf2], 7, 1);
  set([0xf4, 0xfa], 6, 1);
  for (let t = 0; t <= 4; t++) set([0xa0 + t], 2 + t, 0);
  for (let n = 1; n <= 32; n++) set([0x5f + n], 0, 1);
  for (let n = 1; n <= 16; n++) {
    POPS[0x7f + n] = n; PUSHES[0x7f + n] = n + 1; // DUPn
    POPS[0x8f + n] = n + 1; PUSHES[0x8f + n] = n + 1; // SWAPn
  }
})();

/** The stack depth `bytes` needs on entry, and its net change (straight-line). */
export function stackEffect(bytes: number[]): { need: number; delta: number } {
  let d = 0, low = 0;
  for (let i = 0; i < bytes.length; i++) {
    const op = bytes[i];
    d -= POPS[op];
    if (d < low) low = d;
    d += PUSHES[op];
    if (op >= 0x60 && op <= 0x7f) i += op - 0x5f;
  }
  return { need: -low, delta: d };
}

export function push(n: bigint): number[] {
  if (n === 0n) return [0x5f];
  const b: number[] = [];
  while (n > 0n) {
    b.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  return [0x5f + b.length, ...b];
}

const U256 = (1n << 256n) - 1n;
export const CONTRACTS = Array.from({ length: 4 }, (_, i) => `0x${'00'.repeat(17)}c0de0${i}`);
const EOA = '0x' + '00'.repeat(19) + 'e0';
const NOBODY = '0x' + 'de'.repeat(20);

/** What a program generator needs to know of the world it runs in. */
export interface World {
  contracts: string[];
  slots: bigint[];
  number: bigint;
}

export class ProgramGen {
  private nextLabel = 1;
  /** Stack depth the program has reached, as far as straight-line code tells. */
  private sd = 0;
  constructor(private readonly r: Rng, private readonly w: World) {}

  /** Mostly, pushes what a unit lacks from the stack first, so it does not underflow. */
  private fit(u: Unit): Unit {
    if (u.k !== 'raw') {
      if (u.k === 'jump') this.sd = Math.max(0, this.sd - (u.op === 0x57 ? 1 : 0));
      return u;
    }
    const e = stackEffect(u.b);
    let b = u.b;
    if (e.need > this.sd && this.r.chance(0.97)) {
      const fill: number[] = [];
      for (let i = this.sd; i < e.need; i++) fill.push(...push(this.value()));
      b = [...fill, ...b];
      this.sd = e.need;
    }
    this.sd = Math.max(0, this.sd + e.delta);
    // Keep the stack from growing without bound.
    if (this.sd > 24 && this.r.chance(0.5)) {
      b = [...b, 0x50, 0x50];
      this.sd -= 2;
    }
    return { k: 'raw', b };
  }

  value(): bigint {
    const r = this.r;
    return r.weighted<() => bigint>([
      [6, () => BigInt(r.int(4))],
      [4, () => BigInt(r.int(256))],
      [3, () => r.pick([31n, 32n, 33n, 63n, 64n, 255n, 256n, 0xffffn, (1n << 64n) - 1n, 1n << 64n, 1n << 128n, 1n << 255n, (1n << 255n) - 1n, U256, U256 - 1n])],
      [3, () => r.big(1 + r.int(32))],
      [1, () => U256 - BigInt(r.int(4))],
    ])();
  }
  offset(): bigint {
    const r = this.r;
    return r.weighted<() => bigint>([
      [30, () => BigInt(r.int(128))],
      [12, () => r.pick([0n, 32n, 64n, 96n, 128n, 256n])],
      [6, () => BigInt(r.int(4096))],
      [1, () => r.pick([1n << 16n, 1n << 20n, (1n << 32n) - 1n, 1n << 32n, 1n << 64n, U256])],
    ])();
  }
  length(): bigint {
    const r = this.r;
    return r.weighted<() => bigint>([
      [18, () => BigInt(r.int(70))],
      [12, () => r.pick([0n, 1n, 31n, 32n, 33n, 64n])],
      [6, () => BigInt(r.int(1024))],
      [1, () => r.pick([1n << 16n, 1n << 24n, (1n << 32n) - 1n, 1n << 32n, U256])],
    ])();
  }
  address(): bigint {
    const r = this.r;
    const a = r.weighted<() => string>([
      [8, () => r.pick(this.w.contracts)],
      [4, () => '0x' + BigInt(1 + r.int(10)).toString(16)], // precompiles 0x01..0x0a
      [2, () => r.pick([SENDER, EOA, NOBODY, COINBASE])],
      [1, () => '0x' + r.big(20).toString(16)],
    ])();
    return BigInt(a);
  }
  slot(): bigint {
    const r = this.r;
    return r.chance(0.7) ? r.pick(this.w.slots) : this.value();
  }
  callGas(): number[] {
    const r = this.r;
    return r.weighted<() => number[]>([
      [5, () => [0x5a]], // GAS
      [4, () => push(BigInt(r.pick([0, 1, 2300, 5000, 30000, 100000]) + r.int(50)))],
      [2, () => push(BigInt(r.int(400000)))],
      [1, () => push(U256)],
    ])();
  }

  /** A program of `n` units; `depth` nests creates (initcode) at most twice. */
  program(n: number, depth = 0): Unit[] {
    const saved = this.sd;
    this.sd = 0;
    const units = this.programUnits(n, depth).map((u) => this.fit(u));
    this.sd = saved;
    return units;
  }

  private programUnits(n: number, depth: number): Unit[] {
    const units: Unit[] = [];
    const labels: number[] = [];
    const forward: number[] = []; // labels jumped to before their JUMPDEST exists
    for (let i = 0; i < n; i++) {
      const r = this.r;
      if (forward.length && r.chance(0.3)) {
        units.push({ k: 'dest', id: forward.shift()! });
        continue;
      }
      const kind = r.weighted<string>([
        [14, 'arith'], [6, 'stack'], [10, 'memory'], [9, 'storage'], [8, 'env'], [5, 'jump'], [4, 'dest'],
        [8, 'call'], [4, 'precompile'], [3, 'create'], [4, 'log'], [3, 'returndata'], [1, 'halt'], [1, 'byte'], [3, 'push'],
      ]);
      switch (kind) {
        case 'push': units.push(raw(push(this.value()))); break;
        case 'arith': units.push(this.arith()); break;
        case 'stack': units.push(this.stack()); break;
        case 'memory': units.push(this.memory(depth)); break;
        case 'storage': units.push(this.storage()); break;
        case 'env': units.push(this.env()); break;
        case 'dest': {
          const id = this.nextLabel++;
          labels.push(id);
          units.push({ k: 'dest', id });
          break;
        }
        case 'jump': {
          const cond = r.chance(0.6);
          const pre = cond ? push(r.chance(0.7) ? BigInt(r.int(2)) : this.value()) : [];
          // Backward jumps loop until gas runs out: rare, and only conditional ones.
          if (labels.length && cond && r.chance(0.15)) units.push({ k: 'jump', pre, to: r.pick(labels), op: 0x57 });
          else {
            const id = this.nextLabel++;
            forward.push(id);
            units.push({ k: 'jump', pre, to: r.chance(0.97) ? id : 0xfffff, op: cond ? 0x57 : 0x56 });
          }
          break;
        }
        case 'call': units.push(this.call()); break;
        case 'precompile': units.push(this.precompileCall()); break;
        case 'create': units.push(depth < 2 ? this.create(depth) : this.call()); break;
        case 'log': {
          const t = r.int(5);
          const b: number[] = [];
          for (let j = 0; j < t; j++) b.push(...push(this.value()));
          b.push(...push(this.length() & 0xffn), ...push(this.offset() & 0xfffn), 0xa0 + t);
          units.push(raw(b));
          break;
        }
        case 'returndata': {
          units.push(raw(r.weighted<() => number[]>([
            [3, () => [0x3d]],
            [3, () => [0x3d, ...push(0n), ...push(this.offset() & 0xffn), 0x3e]], // RETURNDATACOPY all of it
            [1, () => [...push(BigInt(r.int(40))), ...push(BigInt(r.int(40))), ...push(BigInt(r.int(128))), 0x3e]],
          ])()));
          break;
        }
        case 'halt': units.push(this.halt()); break;
        case 'byte': units.push(raw([r.pick([0x0c, 0x21, 0x4b, 0x5c, 0xef, 0xfe, 0xf6, 0xfb, r.int(256)])])); break;
      }
    }
    for (const id of forward) units.push({ k: 'dest', id });
    if (this.r.chance(0.6)) units.push(this.halt());
    return units;
  }

  private arith(): Unit {
    const r = this.r;
    const binary = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0a, 0x0b, 0x10, 0x11, 0x12, 0x13, 0x14, 0x16, 0x17, 0x18, 0x1a, 0x1b, 0x1c, 0x1d, 0x20];
    const op = r.weighted<number>([[10, r.pick(binary)], [2, r.pick([0x08, 0x09])], [2, r.pick([0x15, 0x19])]]);
    const args = op === 0x08 || op === 0x09 ? 3 : op === 0x15 || op === 0x19 ? 1 : 2;
    const b: number[] = [];
    const fresh = r.chance(0.8) ? args : r.int(args + 1);
    for (let i = 0; i < fresh; i++) b.push(...push(op === 0x20 && i === 1 ? this.offset() & 0xffn : op === 0x20 && i === 0 ? this.length() & 0x3ffn : this.value()));
    b.push(op);
    if (r.chance(0.3)) b.push(0x50); // POP now and then keeps the stack from growing
    return raw(b);
  }

  private stack(): Unit {
    const r = this.r;
    return raw(r.weighted<() => number[]>([
      [4, () => [0x80 + r.int(r.chance(0.8) ? 4 : 16)]],
      [4, () => [0x90 + r.int(r.chance(0.8) ? 4 : 16)]],
      [3, () => [0x50]],
      [2, () => [0x5f]],
      [1, () => [r.pick([0x58, 0x59])]], // PC, MSIZE
    ])());
  }

  private memory(depth: number): Unit {
    const r = this.r;
    const kind = r.int(8);
    switch (kind) {
      case 0: return raw([...push(this.value()), ...push(this.offset()), 0x52]); // MSTORE
      case 1: return raw([...push(this.value()), ...push(this.offset()), 0x53]); // MSTORE8
      case 2: return raw([...push(this.offset()), 0x51]); // MLOAD
      case 3: return raw([...push(this.length()), ...push(this.offset()), ...push(this.offset()), 0x5e]); // MCOPY
      case 4: return raw([...push(this.length()), ...push(this.offset()), ...push(this.offset()), 0x37]); // CALLDATACOPY
      case 5: return raw([...push(this.length()), ...push(this.offset()), ...push(this.offset()), 0x39]); // CODECOPY
      case 6: return raw([...push(this.length()), ...push(this.offset()), ...push(this.offset()), ...push(this.address()), 0x3c]); // EXTCODECOPY
      default: return raw([...push(depth > 0 ? this.offset() : this.offset() & 0xffn), 0x35]); // CALLDATALOAD
    }
  }

  private storage(): Unit {
    const r = this.r;
    switch (r.int(6)) {
      case 0: case 1: return raw([...push(this.slot()), 0x54]);
      case 2: case 3: return raw([...push(r.chance(0.3) ? 0n : this.value()), ...push(this.slot()), 0x55]);
      case 4: return raw([...push(this.slot()), 0x5c]);
      default: return raw([...push(this.value()), ...push(this.slot()), 0x5d]);
    }
  }

  private env(): Unit {
    const r = this.r;
    const simple = [0x30, 0x32, 0x33, 0x34, 0x36, 0x38, 0x3a, 0x3d, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x4a, 0x58, 0x59, 0x5a];
    return raw(r.weighted<() => number[]>([
      [6, () => [r.pick(simple)]],
      [2, () => [...push(this.address()), r.pick([0x31, 0x3b, 0x3f])]],
      [1, () => [...push(this.w.number - BigInt(r.int(300))), 0x40]],
      [1, () => [...push(BigInt(r.int(3))), 0x49]],
    ])());
  }

  private call(): Unit {
    const r = this.r;
    const op = r.pick([0xf1, 0xf1, 0xf1, 0xf2, 0xf4, 0xfa]);
    const b: number[] = [];
    b.push(...push(this.length() & 0x7fn), ...push(this.offset() & 0xffn)); // ret len, offset
    const precompileInput = r.chance(0.3);
    b.push(...push(precompileInput ? BigInt(r.pick([0, 32, 64, 96, 128, 192, 213])) : this.length() & 0xffn), ...push(this.offset() & 0xffn));
    if (op === 0xf1 || op === 0xf2) b.push(...push(r.weighted<bigint>([[6, 0n], [3, BigInt(r.int(1000))], [1, this.value()]])));
    b.push(...push(this.address()), ...this.callGas(), op);
    if (r.chance(0.5)) b.push(0x50);
    return raw(b);
  }

  /** A call to a precompile with input shaped for it (valid often enough to succeed). */
  private precompileCall(): Unit {
    const r = this.r;
    const id = r.pick([1, 1, 2, 3, 4, 5, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10]);
    const input = precompileInput(r, id);
    const at = BigInt(r.int(200));
    const b = [...storeBytes(input, at)];
    const retLen = BigInt(r.pick([0, 32, 64, 96]));
    b.push(...push(retLen), ...push(BigInt(r.int(64))), ...push(BigInt(input.length)), ...push(at));
    const op = r.pick([0xf1, 0xfa, 0xf4]);
    if (op === 0xf1) b.push(...push(r.chance(0.8) ? 0n : BigInt(r.int(10))));
    b.push(...push(BigInt(id)), ...(r.chance(0.7) ? [0x5a] : push(BigInt(r.int(200_000)))), op);
    if (r.chance(0.5)) b.push(0x50);
    return raw(b);
  }

  /** CREATE/CREATE2 of generated initcode placed in memory first. */
  private create(depth: number): Unit {
    const r = this.r;
    const init = initcode(this, r, depth + 1);
    const at = BigInt(r.int(64));
    const b = [...storeBytes(init, at)];
    const value = r.weighted<bigint>([[6, 0n], [3, BigInt(r.int(100))], [1, this.value()]]);
    if (r.chance(0.5)) b.push(...push(this.value() & 0xffffn), ...push(BigInt(init.length)), ...push(at), ...push(value), 0xf5);
    else b.push(...push(BigInt(init.length)), ...push(at), ...push(value), 0xf0);
    if (r.chance(0.3)) b.push(0x50);
    return raw(b);
  }

  halt(): Unit {
    const r = this.r;
    return raw(r.weighted<() => number[]>([
      [3, () => [0x00]],
      [4, () => [...push(this.length() & 0x7fn), ...push(this.offset() & 0xffn), 0xf3]],
      [2, () => [...push(this.length() & 0x7fn), ...push(this.offset() & 0xffn), 0xfd]],
      [1, () => [0xfe]],
      [1, () => [...push(this.address()), 0xff]],
    ])());
  }
}

// bn254 (alt_bn128) points of EIP-196/197: G1 generator, 2*G1, infinity, off the curve;
// the G2 generator (imaginary part first), and the group order.
const P = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47n;
const N = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001n;
const G1: bigint[][] = [
  [1n, 2n],
  [0x030644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd3n, 0x15ed738c0e0a7c92e7845f96b2ae9c0a68a6a449e3538fc7ff3ebf7a5a18a2c4n],
  [0n, 0n],
  [1n, 3n],
  [P, 2n],
];
const G2: bigint[] = [
  11559732032986387107991004021392285783925812861821192530917403151452391805634n,
  10857046999023057135944570762232829481370756359578518086990519993285655852781n,
  4082367875863433681332203403145435568316851327593401208105741076214120093531n,
  8495653923123431417604973247489272438418190587263600148770280649306958101930n,
];

function word(n: bigint): number[] {
  const b: number[] = [];
  for (let i = 31; i >= 0; i--) b.push(Number((n >> BigInt(8 * i)) & 0xffn));
  return b;
}

/** Input for precompile `id`: well-formed most of the time, with edge cases. */
export function precompileInput(r: Rng, id: number): number[] {
  switch (id) {
    case 1: { // ecrecover: a real signature, or junk
      const hash = keccak_256(new Uint8Array(r.bytes(8)));
      if (r.chance(0.6)) {
        const key = new Uint8Array(32);
        key[31] = 1 + r.int(200);
        const sig = sign(hash, key);
        const v = r.chance(0.9) ? 27n + BigInt(sig.yParity) : r.pick([0n, 1n, 29n, 27n + (1n << 200n)]);
        return [...hash, ...word(v), ...word(sig.r), ...word(r.chance(0.95) ? sig.s : N - sig.s)];
      }
      return [...hash, ...word(BigInt(27 + r.int(3))), ...r.bytes(r.int(70))];
    }
    case 5: { // modexp: small lengths (sometimes zero or huge), then the numbers
      const len = () => BigInt(r.weighted<number>([[6, r.int(40)], [2, 0], [1, 64 + r.int(40)]]));
      const bl = len(), el = r.chance(0.05) ? 1n << 255n : len(), ml = len();
      const body = r.bytes(Number(bl) + Number(el > 1000n ? 0n : el) + Number(ml));
      if (r.chance(0.2) && ml > 0n) body.fill(0, body.length - Number(ml)); // modulus 0
      return [...word(bl), ...word(el), ...word(ml), ...body.slice(0, r.chance(0.9) ? body.length : r.int(body.length + 1))];
    }
    case 6: return [...r.pick(G1).flatMap(word), ...r.pick(G1).flatMap(word)].slice(0, r.chance(0.9) ? 128 : r.int(140));
    case 7: return [...r.pick(G1).flatMap(word), ...word(r.pick([0n, 1n, 2n, 3n, N - 1n, N, (1n << 256n) - 1n, r.big(32)]))].slice(0, r.chance(0.9) ? 96 : r.int(100));
    case 8: { // pairing: 0..2 pairs
      const pairs = r.int(3);
      const out: number[] = [];
      for (let i = 0; i < pairs; i++) out.push(...r.pick(G1.slice(0, 3)).flatMap(word), ...(r.chance(0.8) ? G2 : r.chance(0.5) ? [0n, 0n, 0n, 0n] : [1n, 2n, 3n, 4n]).flatMap(word));
      return r.chance(0.9) ? out : out.slice(0, r.int(out.length + 1));
    }
    case 9: { // blake2f: few rounds, final flag 0/1, sometimes malformed
      const rounds = r.weighted<number>([[8, r.int(30)], [1, 0], [1, 0xffffffff]]);
      const out = [rounds >>> 24, (rounds >>> 16) & 0xff, (rounds >>> 8) & 0xff, rounds & 0xff, ...r.bytes(208), r.weighted<number>([[8, r.int(2)], [1, r.int(256)]])];
      return r.chance(0.9) ? out : out.slice(0, 212 + r.int(3));
    }
    case 10: return r.bytes(r.chance(0.8) ? 192 : r.int(200));
    default: return r.bytes(r.int(100)); // sha256, ripemd160, identity
  }
}

function raw(b: number[]): Unit {
  return { k: 'raw', b };
}

/** MSTOREs that put `bytes` into memory at `at`. */
export function storeBytes(bytes: number[], at: bigint): number[] {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i += 32) {
    const chunk = bytes.slice(i, i + 32);
    while (chunk.length < 32) chunk.push(0);
    let v = 0n;
    for (const x of chunk) v = (v << 8n) | BigInt(x);
    out.push(...push(v), ...push(at + BigInt(i)), 0x52);
  }
  return out;
}

/** Initcode: a short program, then RETURN of a generated runtime code. */
export function initcode(g: ProgramGen, r: Rng, depth: number): number[] {
  const body = assemble(g.program(r.int(6), depth));
  const runtime = r.chance(0.1) ? [0xef, ...r.bytes(r.int(4))] : assemble(g.program(r.int(8), depth));
  return [...body, ...storeBytes(runtime, 0n), ...push(BigInt(runtime.length)), ...push(0n), 0xf3];
}

// ---------------------------------------------------------------- cases

/** A generated case, kept as units so the minimiser can shrink it. */
export interface FuzzCase {
  seed: number;
  fork: string;
  env: CaseSpec['env'];
  accounts: { address: string; balance: bigint; nonce: bigint; storage: [bigint, bigint][]; units: Unit[] | null; code?: number[] }[];
  /** gasLimit is intrinsic gas + gasExtra (so it follows the data as the minimiser shrinks it). */
  tx: Omit<CaseSpec['tx'], 'data' | 'gasLimit'> & { data: number[]; gasExtra: bigint; initUnits?: Unit[]; runtime?: number[] };
}

export function generateCase(seed: number, fork = 'Cancun'): FuzzCase {
  const r = new Rng(seed);
  const number = BigInt(1 + r.int(2_000_000));
  const nContracts = 1 + r.int(CONTRACTS.length);
  const contracts = CONTRACTS.slice(0, nContracts);
  const slots = [0n, 1n, 2n, 3n, r.big(32)];
  const world: World = { contracts, slots, number };
  const g = new ProgramGen(r, world);
  const accounts: FuzzCase['accounts'] = [{
    address: SENDER, balance: BigInt(10) ** BigInt(18 + r.int(4)) + r.big(6), nonce: BigInt(r.int(3)), storage: [], units: null,
  }];
  for (const a of contracts) {
    const storage: [bigint, bigint][] = [];
    for (const s of slots) if (r.chance(0.35)) storage.push([s, r.chance(0.8) ? BigInt(1 + r.int(1000)) : r.big(32)]);
    accounts.push({
      address: a, balance: r.weighted<bigint>([[3, 0n], [3, BigInt(r.int(1_000_000))], [1, r.big(12)]]), nonce: BigInt(r.int(2)),
      storage, units: g.program(3 + r.int(40)),
    });
  }
  if (r.chance(0.5)) accounts.push({ address: EOA, balance: BigInt(r.int(1000)), nonce: 0n, storage: [], units: null });
  if (r.chance(0.2)) accounts.push({ address: COINBASE, balance: BigInt(r.int(1000)), nonce: 0n, storage: [], units: null });
  // Something already at the address the first contract's next CREATE (or the
  // transaction's creation) would use: collisions (EIP-684, EIP-7610 storage) and
  // creations over an account with only a balance.
  if (r.chance(0.15)) {
    const creator = r.chance(0.5) ? accounts[1] : accounts[0];
    const target = bytesToHex(createAddress(hexToBytes(creator.address), creator.nonce + BigInt(r.int(2))));
    accounts.push(r.weighted<FuzzCase['accounts'][number]>([
      [2, { address: target, balance: BigInt(r.int(1000)), nonce: 0n, storage: [], units: null }],
      [1, { address: target, balance: 0n, nonce: 0n, storage: [[0n, 1n]], units: null }],
      [1, { address: target, balance: 0n, nonce: 1n, storage: [], units: null }],
      [1, { address: target, balance: 0n, nonce: 0n, storage: [], units: [], code: [0x00] }],
    ]));
  }

  const env: CaseSpec['env'] = {
    number, timestamp: 1_700_000_000n + BigInt(r.int(1_000_000)), gasLimit: 30_000_000n, baseFee: BigInt(7 + r.int(1000)),
    random: '0x' + r.big(32).toString(16).padStart(64, '0'), coinbase: r.chance(0.1) ? contracts[0] : COINBASE,
  };
  const type = r.pick([0, 1, 2] as const);
  const create = r.chance(0.15);
  const to = create ? null : r.weighted<() => string>([
    [12, () => contracts[0]], [4, () => r.pick(contracts)], [1, () => '0x' + BigInt(1 + r.int(10)).toString(16).padStart(40, '0')],
    [1, () => r.pick([EOA, '0x' + 'de'.repeat(20)])],
  ])();
  const data = r.weighted<() => number[]>([[4, () => r.bytes(r.int(80))], [2, () => []], [1, () => r.bytes(r.int(300))]])();
  const accessList = type >= 1 && r.chance(0.4)
    ? Array.from({ length: 1 + r.int(3) }, () => ({ address: r.pick([...contracts, SENDER, COINBASE, contracts[0], '0x' + '00'.repeat(19) + '01']), storageKeys: Array.from({ length: r.int(3) }, () => '0x' + r.pick(slots).toString(16).padStart(64, '0')) }))
    : [];
  const gasPrice = env.baseFee + BigInt(r.int(50));
  const tx: FuzzCase['tx'] = {
    type, nonce: accounts[0].nonce, to, value: r.weighted<bigint>([[12, 0n], [6, BigInt(r.int(10_000))], [2, r.big(7)], [1, accounts[0].balance + r.big(4)]]),
    data, gasExtra: 0n, gasPrice, maxPriorityFeePerGas: BigInt(r.int(10)), accessList,
  };
  if (create) {
    tx.initUnits = g.program(r.int(25), 1);
    tx.runtime = r.chance(0.05) ? [0xef] : assemble(g.program(r.int(30)));
  }
  // Room to run beyond the intrinsic gas: mostly some, sometimes tight, rarely a lot.
  tx.gasExtra = r.weighted<bigint>([[8, BigInt(r.int(400_000))], [2, BigInt(r.int(30_000))], [1, BigInt(r.int(2_000_000))]]);
  return { seed, fork, env, accounts, tx };
}

/** The state-test spec of a case (assembling the programs). */
export function toSpec(f: FuzzCase): CaseSpec {
  const hex = (b: number[]) => '0x' + b.map((x) => x.toString(16).padStart(2, '0')).join('');
  const pre: CaseSpec['pre'] = {};
  for (const a of f.accounts) {
    const storage: Record<string, string> = {};
    for (const [k, v] of a.storage) storage['0x' + k.toString(16)] = '0x' + v.toString(16);
    const code = a.code ?? (a.units ? assemble(a.units) : []);
    pre[a.address] = { balance: '0x' + a.balance.toString(16), nonce: '0x' + a.nonce.toString(16), code: hex(code), storage };
  }
  const t = f.tx;
  let data = t.data;
  if (t.to === null) data = [...assemble(t.initUnits ?? []), ...storeBytes(t.runtime ?? [], 0n), ...push(BigInt((t.runtime ?? []).length)), ...push(0n), 0xf3];
  let intrinsic = 21000n + (t.to === null ? 32000n + 2n * BigInt((data.length + 31) >> 5) : 0n);
  for (const b of data) intrinsic += b === 0 ? 4n : 16n;
  for (const e of t.accessList) intrinsic += 2400n + 1900n * BigInt(e.storageKeys.length);
  const { gasExtra, initUnits, runtime, ...rest } = t;
  void initUnits; void runtime;
  return { fork: f.fork, env: f.env, pre, tx: { ...rest, data: hex(data), gasLimit: intrinsic + gasExtra } };
}
