// A disassembler and a small assembler, for showing bytecode to people and writing
// the playground's samples. Execution never looks at this.

import { opName } from '../trace/step.js';

/** The mnemonic of `op` (trace/step.ts's table), or "0x.." for a byte that is no opcode. */
export function opcodeName(op: number): string {
  const n = opName(op);
  return n.startsWith('opcode ') ? `0x${op.toString(16).padStart(2, '0')}` : n;
}

/** Immediate bytes following `op` (PUSH1..PUSH32). */
export function immediateSize(op: number): number {
  return op >= 0x60 && op <= 0x7f ? op - 0x5f : 0;
}

export interface Instruction {
  pc: number;
  op: number;
  name: string;
  /** PUSH data as hex (0x-prefixed), "" for other opcodes; cut short at the end of the code. */
  immediate: string;
}

/** The instructions of `code` in order (PUSH data skipped, as the EVM does). */
export function disassemble(code: Uint8Array): Instruction[] {
  const out: Instruction[] = [];
  for (let pc = 0; pc < code.length; ) {
    const op = code[pc];
    const n = immediateSize(op);
    const data = code.subarray(pc + 1, pc + 1 + n);
    out.push({ pc, op, name: opcodeName(op), immediate: n ? '0x' + Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('') : '' });
    pc += 1 + n;
  }
  return out;
}

let byName: Map<string, number> | null = null;

/**
 * Assembles mnemonics separated by whitespace: `PUSH1 0x60 PUSH0 MSTORE`. A PUSHn is
 * followed by its immediate as 0x-hex (shorter values are left-padded to n bytes).
 * A token `xx:` (hex) asserts the offset of what follows, to keep hand-written
 * jump targets honest. Throws on anything else.
 */
export function assemble(src: string): Uint8Array {
  if (!byName) {
    byName = new Map();
    for (let op = 0; op < 256; op++) if (!opName(op).startsWith('opcode ')) byName.set(opName(op), op);
  }
  const out: number[] = [];
  const tokens = src.split(/\s+/).filter((t) => t !== '');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (/^[0-9a-f]+:$/i.test(t)) {
      const at = parseInt(t, 16);
      if (at !== out.length) throw new Error(`assemble: label ${t} is at offset 0x${out.length.toString(16)}`);
      continue;
    }
    const op = byName.get(t.toUpperCase());
    if (op === undefined) throw new Error(`assemble: unknown mnemonic ${t}`);
    out.push(op);
    const n = immediateSize(op);
    if (n === 0) continue;
    const imm = tokens[++i];
    if (imm === undefined || !/^0x[0-9a-f]+$/i.test(imm)) throw new Error(`assemble: ${t} needs a 0x-hex immediate`);
    const digits = imm.slice(2).padStart(2 * n, '0');
    if (digits.length > 2 * n) throw new Error(`assemble: ${imm} does not fit ${t}`);
    for (let k = 0; k < n; k++) out.push(parseInt(digits.slice(2 * k, 2 * k + 2), 16));
  }
  return Uint8Array.from(out);
}
