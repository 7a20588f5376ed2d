// 256-bit values between the host and WASM memory: wordAt (big-endian bytes to a
// bigint, reading only the 64-bit limbs a value needs) and WasmInstance's
// writeBigEndian/readBigEndian, at every limb boundary.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { wordAt } from '../src/util/hex.js';
import { WasmInstance } from '../src/wasm/instance.js';
import { loadModule } from '../src/wasm/module.js';

const VALUES: bigint[] = [0n, 1n, 0xffn];
for (const bits of [32n, 64n, 96n, 128n, 160n, 192n, 224n, 256n]) VALUES.push((1n << (bits - 1n)) + 7n, (1n << bits) - 1n);
for (const bits of [64n, 128n, 192n]) VALUES.push(1n << bits, (1n << bits) + 1n);
VALUES.push(0x0123456789abcdef_fedcba9876543210_0f1e2d3c4b5a6978_8796a5b4c3d2e1f0n);

function bigEndian(v: bigint): Uint8Array {
  const b = new Uint8Array(32);
  for (let i = 0; i < 32; i++) b[i] = Number((v >> BigInt(8 * (31 - i))) & 0xffn);
  return b;
}

test('wordAt reads every width of value', () => {
  const buf = new Uint8Array(40);
  const dv = new DataView(buf.buffer);
  for (const v of VALUES) {
    buf.set(bigEndian(v), 5); // unaligned on purpose
    assert.is(wordAt(dv, 5), v, `0x${v.toString(16)}`);
  }
});

test('WASM memory: writeBigEndian writes the bytes that readBigEndian reads back', async () => {
  const w = await WasmInstance.create(await loadModule());
  const at = 1024;
  for (const v of VALUES) {
    w.mem.fill(0xaa, at, at + 32); // stale bytes must be overwritten
    w.writeBigEndian(at, v);
    assert.equal(w.mem.slice(at, at + 32), bigEndian(v), `0x${v.toString(16)}`);
    assert.is(w.readBigEndian(at), v, `0x${v.toString(16)}`);
  }
});

test.run();
