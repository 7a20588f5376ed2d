// A tiny EVM assembler for the benchmark workloads: opcodes by name, pushes sized
// to their value, labels that emit a JUMPDEST, and forward references to them.

const NAMED: Record<string, number> = {
  STOP: 0x00, ADD: 0x01, MUL: 0x02, SUB: 0x03, DIV: 0x04, SDIV: 0x05, MOD: 0x06, SMOD: 0x07,
  ADDMOD: 0x08, MULMOD: 0x09, EXP: 0x0a, SIGNEXTEND: 0x0b,
  LT: 0x10, GT: 0x11, SLT: 0x12, SGT: 0x13, EQ: 0x14, ISZERO: 0x15, AND: 0x16, OR: 0x17,
  XOR: 0x18, NOT: 0x19, BYTE: 0x1a, SHL: 0x1b, SHR: 0x1c, SAR: 0x1d,
  KECCAK256: 0x20,
  ADDRESS: 0x30, BALANCE: 0x31, ORIGIN: 0x32, CALLER: 0x33, CALLVALUE: 0x34, CALLDATALOAD: 0x35,
  CALLDATASIZE: 0x36, CALLDATACOPY: 0x37, CODESIZE: 0x38, CODECOPY: 0x39, GASPRICE: 0x3a,
  EXTCODESIZE: 0x3b, EXTCODECOPY: 0x3c, RETURNDATASIZE: 0x3d, RETURNDATACOPY: 0x3e, EXTCODEHASH: 0x3f,
  BLOCKHASH: 0x40, COINBASE: 0x41, TIMESTAMP: 0x42, NUMBER: 0x43, PREVRANDAO: 0x44, GASLIMIT: 0x45,
  CHAINID: 0x46, SELFBALANCE: 0x47, BASEFEE: 0x48, BLOBHASH: 0x49, BLOBBASEFEE: 0x4a,
  POP: 0x50, MLOAD: 0x51, MSTORE: 0x52, MSTORE8: 0x53, SLOAD: 0x54, SSTORE: 0x55, JUMP: 0x56,
  JUMPI: 0x57, PC: 0x58, MSIZE: 0x59, GAS: 0x5a, JUMPDEST: 0x5b, TLOAD: 0x5c, TSTORE: 0x5d,
  MCOPY: 0x5e, PUSH0: 0x5f,
  CREATE: 0xf0, CALL: 0xf1, CALLCODE: 0xf2, RETURN: 0xf3, DELEGATECALL: 0xf4, CREATE2: 0xf5,
  STATICCALL: 0xfa, REVERT: 0xfd, INVALID: 0xfe, SELFDESTRUCT: 0xff,
};

/** Opcode values by mnemonic, PUSH1..PUSH32, DUP1..16, SWAP1..16 and LOG0..4 included. */
export const OPCODES: Readonly<Record<string, number>> = (() => {
  const t: Record<string, number> = { ...NAMED };
  for (let i = 1; i <= 32; i++) t[`PUSH${i}`] = 0x5f + i;
  for (let i = 1; i <= 16; i++) {
    t[`DUP${i}`] = 0x7f + i;
    t[`SWAP${i}`] = 0x8f + i;
  }
  for (let i = 0; i <= 4; i++) t[`LOG${i}`] = 0xa0 + i;
  return t;
})();

export type Word = bigint | number | Uint8Array;

function toBigint(v: Word): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  let n = 0n;
  for (const b of v) n = (n << 8n) | BigInt(b);
  return n;
}

export class Asm {
  private out: number[] = [];
  private labels = new Map<string, number>();
  private refs: { at: number; label: string }[] = [];

  /** Appends opcodes by mnemonic: `op('DUP2', 'DUP2', 'ADD', 'POP')`. */
  op(...names: string[]): this {
    for (const n of names) {
      const v = OPCODES[n];
      if (v === undefined) throw new Error(`asm: unknown opcode ${n}`);
      this.out.push(v);
    }
    return this;
  }

  /**
   * PUSHn with the smallest n that holds the value (PUSH1 for zero: the loops must
   * also run before Shanghai), or exactly `width` bytes when given.
   */
  push(value: Word, width?: number): this {
    const v = toBigint(value);
    if (v < 0n || v >> 256n !== 0n) throw new Error(`asm: push value out of range: ${v}`);
    let n = width ?? Math.max(1, Math.ceil(v.toString(16).length / 2));
    if (v === 0n && width === undefined) n = 1;
    if (n < 1 || n > 32 || v >> BigInt(8 * n) !== 0n) throw new Error(`asm: ${v} does not fit PUSH${n}`);
    this.out.push(0x5f + n);
    for (let i = n - 1; i >= 0; i--) this.out.push(Number((v >> BigInt(8 * i)) & 0xffn));
    return this;
  }

  /** Marks a jump target here and emits its JUMPDEST. */
  label(name: string): this {
    if (this.labels.has(name)) throw new Error(`asm: label ${name} defined twice`);
    this.labels.set(name, this.out.length);
    this.out.push(OPCODES.JUMPDEST);
    return this;
  }

  /** PUSH2 of a label's offset (resolved in bytes()). */
  pushLabel(name: string): this {
    this.out.push(OPCODES.PUSH2);
    this.refs.push({ at: this.out.length, label: name });
    this.out.push(0, 0);
    return this;
  }

  /** Raw bytes (data, or code assembled elsewhere). */
  raw(bytes: Uint8Array | number[]): this {
    for (const b of bytes) this.out.push(b);
    return this;
  }

  /** Calls f(this, i) for i = 0..n-1. */
  repeat(n: number, f: (a: this, i: number) => void): this {
    for (let i = 0; i < n; i++) f(this, i);
    return this;
  }

  get length(): number {
    return this.out.length;
  }

  bytes(): Uint8Array {
    const b = Uint8Array.from(this.out);
    for (const { at, label } of this.refs) {
      const pos = this.labels.get(label);
      if (pos === undefined) throw new Error(`asm: undefined label ${label}`);
      if (pos > 0xffff) throw new Error(`asm: label ${label} beyond PUSH2 range`);
      b[at] = pos >> 8;
      b[at + 1] = pos & 0xff;
    }
    return b;
  }
}

export function asm(): Asm {
  return new Asm();
}

/**
 * Init code that runs `constructor` (if any; it must leave the stack as it found it
 * and fall through), then deploys `runtime` as is: CODECOPY to memory 0 and RETURN.
 */
export function deployCode(runtime: Uint8Array, constructor?: Asm): Uint8Array {
  const ctor = constructor?.bytes() ?? new Uint8Array(0);
  const TAIL = 13; // the bytes below: fixed push widths keep the length known up front
  const a = asm()
    .push(runtime.length, 2) // len
    .op('DUP1') // len len
    .push(ctor.length + TAIL, 2) // where the runtime starts in the init code
    .push(0, 1) // memory offset
    .op('CODECOPY') // len
    .push(0, 1)
    .op('RETURN');
  if (a.length !== TAIL) throw new Error('asm: deployCode tail length changed');
  return Uint8Array.from([...ctor, ...a.bytes(), ...runtime]);
}
