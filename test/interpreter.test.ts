// Interpreter behaviour that the state tests cover only indirectly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createEVM, hexToBytes } from '../src/index.js';

const self = hexToBytes('0x' + 'dd'.repeat(20));

// d = CALLDATALOAD(0); SSTORE(d, 1); MSTORE(0, d + 1); CALL(GAS, ADDRESS, 0, 0, 32, 0, 0)
const code = hexToBytes(
  '0x' +
    '600035' + // PUSH1 0 CALLDATALOAD            [d]
    '6001' + '8155' + // PUSH1 1 DUP2 SSTORE      [d]        storage[d] = 1
    '600101' + '600052' + // d+1, MSTORE(0)      []
    '6000' + '6000' + '6020' + '6000' + '6000' + '30' + '5a' + 'f1' + // CALL(gas, self, 0, 0, 32, 0, 0)
    '00',
);

test('a 1024-deep call chain runs without overflowing any stack, and the 1025th call fails', async () => {
  const evm = await createEVM({ fork: 'Cancun' });
  evm.setAccount(self, { code });
  const r = evm.runCall({ to: self, data: new Uint8Array(32), gasLimit: 10n ** 15n });
  assert.is(r.status, 'success');
  // Frames at depths 0..1024 each stored their depth; the call from depth 1024 fails.
  assert.is(evm.getStorage(self, 0n), 1n);
  assert.is(evm.getStorage(self, 1024n), 1n);
  assert.is(evm.getStorage(self, 1025n), 0n);
});

test('the 63/64 rule: with 10^13 gas the chain runs out of gas entering depth 1002', async () => {
  // Worked out by hand: each level spends 22,150 gas (SSTORE 20,000 + cold 2,100, the
  // rest PUSH/MSTORE/ADDRESS/GAS) and 100 for the warm CALL, then passes on all but 1/64:
  // g(d+1) = h - floor(h/64) with h = g(d) - 22,250. From 10^13 that is negative at d = 1002.
  const evm = await createEVM({ fork: 'Cancun' });
  evm.setAccount(self, { code });
  evm.runCall({ to: self, data: new Uint8Array(32), gasLimit: 10n ** 13n });
  assert.is(evm.getStorage(self, 1001n), 1n);
  assert.is(evm.getStorage(self, 1002n), 0n);
});

test.run();
