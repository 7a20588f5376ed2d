// Run with: node examples/library.mjs (after npm install)
import { createEVM, hexToBytes, bytesToHex } from '../dist/src/index.js';

const evm = await createEVM({ fork: 'Cancun' });
const alice = hexToBytes('0x' + 'aa'.repeat(20));
const counter = hexToBytes('0x' + 'cc'.repeat(20));

// A contract that adds 1 to storage slot 0 and returns the new value.
evm.setAccount(alice, { balance: 10n ** 18n });
evm.setAccount(counter, { code: hexToBytes('0x60016000540180600055600052602060' + '00f3') });

const call = evm.runCall({ caller: alice, to: counter, gasLimit: 100_000n });
console.log(call.status, call.gasUsed, bytesToHex(call.output)); // success 22... 0x...01
console.log('slot 0 =', evm.getStorage(counter, 0n)); // 1n
console.log('writes:', call.writeSet.map((w) => w.address)); // what the call changed

// Run bytecode without deploying it: 1 + 2, returned as a word.
const code = evm.runCode({ code: hexToBytes('0x600160020160005260206000f3') });
console.log(code.status, code.gasUsed, BigInt(bytesToHex(code.output))); // success 24n 3n
