// Precompiles added or changed in Prague and Osaka:
// - EIP-2537 BLS12-381 (0x0b-0x11, Prague),
// - EIP-7951 P256VERIFY (0x100, Osaka),
// - EIP-7823 / EIP-7883 modexp limits and repricing (0x05, Osaka).
// Sources of expected values:
// - go-ethereum core/vm/testdata/precompiles: blsG1Add.json, blsG2Add.json,
//   blsG1MultiExp.json, blsMapG1.json, blsMapG2.json, p256Verify.json,
//   modexp_eip7883.json (inputs and outputs; gas only where the file carries
//   the final EIP values, else the EIP's own figures, noted at each table);
// - the official execution-spec-tests state fixtures under
//   $LANES_VECTORS/eest/state_tests (their contracts call the precompile and
//   store success, return size, keccak of the output or gas used; the test
//   below reads those contracts and checks each call directly);
// - relations checked with noble independently of the precompile code
//   (bilinearity for the pairing, MSM = sum of products, ECDSA signing).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { p256 } from '@noble/curves/nist.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bigintToBytes, bytesToHex, concatBytes, hexToBytes } from '../src/util/hex.js';
import { type Precompile, PRECOMPILE_FORKS, precompileRules, precompilesFor } from '../src/precompiles/index.js';
import { vectorsDir } from '../src/util/vectors.js';

const hx = (s: string) => hexToBytes(s);
const PRAGUE = precompileRules('Prague');
const OSAKA = precompileRules('Osaka');
const at = (address: number): Precompile => precompilesFor('Osaka').get(address)!;

function out(p: Precompile, input: Uint8Array, rules = OSAKA): string | null {
  const r = p.run(input, rules);
  return r === null ? null : bytesToHex(r).slice(2);
}

const word = (n: bigint | number) => bigintToBytes(BigInt(n), 32);
const ZERO_G1 = '00'.repeat(128);
const ZERO_G2 = '00'.repeat(256);

// ---------------------------------------------------------------- activation and rules

test('activation: 0x0b-0x11 from Prague, 0x100 from Osaka', () => {
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
  const keys = (fork: string) => [...precompilesFor(fork).keys()].sort((a, b) => a - b);
  assert.equal(keys('Cancun'), range(1, 10));
  assert.equal(keys('Prague'), range(1, 17));
  assert.equal(keys('Osaka'), [...range(1, 17), 0x100]);
  const names = [0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x100].map((a) => at(a).name);
  assert.equal(names, [
    'BLS12_G1ADD', 'BLS12_G1MSM', 'BLS12_G2ADD', 'BLS12_G2MSM', 'BLS12_PAIRING_CHECK',
    'BLS12_MAP_FP_TO_G1', 'BLS12_MAP_FP2_TO_G2', 'P256VERIFY',
  ]);
});

test('precompileRules: EIP-7823 and EIP-7883 from Osaka only', () => {
  for (const fork of PRECOMPILE_FORKS) {
    const r = precompileRules(fork);
    assert.is(r.eip7823, fork === 'Osaka', fork);
    assert.is(r.eip7883, fork === 'Osaka', fork);
  }
});

// ---------------------------------------------------------------- BLS12-381 helpers

const G1 = bls12_381.G1.Point;
const G2 = bls12_381.G2.Point;
const { Fp, Fp2 } = bls12_381.fields;
const Q = bls12_381.fields.Fr.ORDER;
const P = Fp.ORDER;

const fp = (n: bigint) => bigintToBytes(n, 64);
const g1Bytes = (x: bigint, y: bigint) => concatBytes(fp(x), fp(y));
function encG1(p: InstanceType<typeof G1>): Uint8Array {
  if (p.is0()) return new Uint8Array(128);
  const { x, y } = p.toAffine();
  return g1Bytes(x, y);
}
function encG2(p: InstanceType<typeof G2>): Uint8Array {
  if (p.is0()) return new Uint8Array(256);
  const { x, y } = p.toAffine();
  return concatBytes(fp(x.c0), fp(x.c1), fp(y.c0), fp(y.c1));
}
const h = (b: Uint8Array) => bytesToHex(b).slice(2);

/** The first x >= 1 whose G1 curve point is outside the order-q subgroup. */
function g1OutsideSubgroup(): InstanceType<typeof G1> {
  for (let x = 1n; ; x++) {
    const rhs = Fp.add(Fp.mul(Fp.sqr(x), x), 4n);
    let y: bigint;
    try {
      y = Fp.sqrt(rhs);
    } catch {
      continue;
    }
    const p = G1.fromAffine({ x, y });
    if (!p.isTorsionFree()) return p;
  }
}

/** A G2 twist point outside the order-q subgroup (x = c0 + v for the first c0 that works). */
function g2OutsideSubgroup(): InstanceType<typeof G2> {
  for (let c0 = 1n; ; c0++) {
    const x = { c0, c1: 1n };
    const rhs = Fp2.add(Fp2.mul(Fp2.sqr(x), x), { c0: 4n, c1: 4n });
    let y;
    try {
      y = Fp2.sqrt(rhs);
    } catch {
      continue;
    }
    if (!Fp2.eql(Fp2.sqr(y), rhs)) continue;
    const p = G2.fromAffine({ x, y });
    if (!p.isTorsionFree()) return p;
  }
}

// ---------------------------------------------------------------- 0x0b G1ADD

// go-ethereum blsG1Add.json (Gas 375 in that file, the final EIP-2537 price).
const G1ADD_VECTORS: [string, string, string][] = [
  ['bls_g1add_(2*g1+3*g1=5*g1)',
    '000000000000000000000000000000000572cbea904d67468808c8eb50a9450c9721db309128012543902d0ac358a62ae28f75bb8f1c7c42c39a8c5529bf0f4e00000000000000000000000000000000166a9d8cabc673a322fda673779d8e3822ba3ecb8670e461f73bb9021d5fd76a4c56d9d4cd16bd1bba86881979749d280000000000000000000000000000000009ece308f9d1f0131765212deca99697b112d61f9be9a5f1f3780a51335b3ff981747a0b2ca2179b96d2c0c9024e522400000000000000000000000000000000032b80d3a6f5b09f8a84623389c5f80ca69a0cddabc3097f9d9c27310fd43be6e745256c634af45ca3473b0590ae30d1',
    '0000000000000000000000000000000010e7791fb972fe014159aa33a98622da3cdc98ff707965e536d8636b5fcc5ac7a91a8c46e59a00dca575af0f18fb13dc0000000000000000000000000000000016ba437edcc6551e30c10512367494bfb6b01cc6681e8a4c3cd2501832ab5c4abc40b4578b85cbaffbf0bcd70d67c6e2'],
  ['bls_g1add_(inf+g1=g1)',
    '0000000000000000000000000000000017f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb0000000000000000000000000000000008b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1' + ZERO_G1,
    '0000000000000000000000000000000017f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb0000000000000000000000000000000008b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1'],
  ['bls_g1add_(inf+inf=inf)', ZERO_G1 + ZERO_G1, ZERO_G1],
  ['matter_g1_add_0',
    '0000000000000000000000000000000012196c5a43d69224d8713389285f26b98f86ee910ab3dd668e413738282003cc5b7357af9a7af54bb713d62255e80f560000000000000000000000000000000006ba8102bfbeea4416b710c73e8cce3032c31c6269c44906f8ac4f7874ce99fb17559992486528963884ce429a992fee000000000000000000000000000000000001101098f5c39893765766af4512a0c74e1bb89bc7e6fdf14e3e7337d257cc0f94658179d83320b99f31ff94cd2bac0000000000000000000000000000000003e1a9f9f44ca2cdab4f43a1a3ee3470fdf90b2fc228eb3b709fcd72f014838ac82a6d797aeefed9a0804b22ed1ce8f7',
    '000000000000000000000000000000001466e1373ae4a7e7ba885c5f0c3ccfa48cdb50661646ac6b779952f466ac9fc92730dcaed9be831cd1f8c4fefffd5209000000000000000000000000000000000c1fb750d2285d4ca0378e1e8cdbf6044151867c34a711b73ae818aee6dbe9e886f53d7928cc6ed9c851e0422f609b11'],
  ['matter_g1_add_1',
    '00000000000000000000000000000000117dbe419018f67844f6a5e1b78a1e597283ad7b8ee7ac5e58846f5a5fd68d0da99ce235a91db3ec1cf340fe6b7afcdb0000000000000000000000000000000013316f23de032d25e912ae8dc9b54c8dba1be7cecdbb9d2228d7e8f652011d46be79089dd0a6080a73c82256ce5e4ed2000000000000000000000000000000000441e7f7f96198e4c23bd5eb16f1a7f045dbc8c53219ab2bcea91d3a027e2dfe659feac64905f8b9add7e4bfc91bec2b0000000000000000000000000000000005fc51bb1b40c87cd4292d4b66f8ca5ce4ef9abd2b69d4464b4879064203bda7c9fc3f896a3844ebc713f7bb20951d95',
    '0000000000000000000000000000000016b8ab56b45a9294466809b8e858c1ad15ad0d52cfcb62f8f5753dc94cee1de6efaaebce10701e3ec2ecaa9551024ea600000000000000000000000000000000124571eec37c0b1361023188d66ec17c1ec230d31b515e0e81e599ec19e40c8a7c8cdea9735bc3d8b4e37ca7e5dd71f6'],
];

test('G1ADD: go-ethereum vectors, gas 375', () => {
  for (const [name, input, expected] of G1ADD_VECTORS) {
    assert.is(at(0x0b).gas(hx(input), PRAGUE), 375n, name);
    assert.is(out(at(0x0b), hx(input)), expected, name);
  }
});

test('G1ADD: encoding errors; on-curve points outside the subgroup are accepted', () => {
  const g = encG1(G1.BASE);
  const add = at(0x0b);
  assert.is(out(add, concatBytes(g, g)), h(encG1(G1.BASE.double())));
  assert.is(out(add, concatBytes(g, g).subarray(0, 255)), null, 'short');
  assert.is(out(add, concatBytes(g, g, new Uint8Array(1))), null, 'long');
  const badTop = concatBytes(g, g);
  badTop[15] = 1; // a nonzero byte among the 16 leading zeros of x
  assert.is(out(add, badTop), null, 'top 16 bytes');
  assert.is(out(add, concatBytes(g1Bytes(P, 0n), g)), null, 'x = p');
  assert.is(out(add, concatBytes(g1Bytes(1n, 1n), g)), null, 'not on the curve');
  // A point outside the subgroup: EIP-2537 has no subgroup check for addition.
  const t = g1OutsideSubgroup();
  assert.is(out(add, concatBytes(encG1(t), g)), h(encG1(t.add(G1.BASE))));
  assert.is(out(add, concatBytes(encG1(t), encG1(t.negate()))), ZERO_G1, 'P + (-P) = infinity');
});

// ---------------------------------------------------------------- 0x0d G2ADD

// go-ethereum blsG2Add.json; that stored copy still prices 800 (EIP-2537 before
// its final repricing), so gas is checked against the final EIP value 600.
const G2_GEN = '00000000000000000000000000000000024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb80000000000000000000000000000000013e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e000000000000000000000000000000000ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801000000000000000000000000000000000606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be';
const G2_TWICE = '000000000000000000000000000000001638533957d540a9d2370f17cc7ed5863bc0b995b8825e0ee1ea1e1e4d00dbae81f14b0bf3611b78c952aacab827a053000000000000000000000000000000000a4edef9c1ed7f729f520e47730a124fd70662a904ba1074728114d1031e1572c6c886f6b57ec72a6178288c47c33577000000000000000000000000000000000468fb440d82b0630aeb8dca2b5256789a66da69bf91009cbfe6bd221e47aa8ae88dece9764bf3bd999d95d71e4c9899000000000000000000000000000000000f6d4552fa65dd2638b361543f887136a43253d9c66c411697003f7a13c308f5422e1aa0a59c8967acdefd8b6e36ccf3';
const G2ADD_VECTORS: [string, string, string][] = [
  ['bls_g2add_(g2+g2=2*g2)', G2_GEN + G2_GEN, G2_TWICE],
  ['bls_g2add_(2*g2+3*g2=5*g2)',
    G2_TWICE + '00000000000000000000000000000000122915c824a0857e2ee414a3dccb23ae691ae54329781315a0c75df1c04d6d7a50a030fc866f09d516020ef82324afae0000000000000000000000000000000009380275bbc8e5dcea7dc4dd7e0550ff2ac480905396eda55062650f8d251c96eb480673937cc6d9d6a44aaa56ca66dc000000000000000000000000000000000b21da7955969e61010c7a1abc1a6f0136961d1e3b20b1a7326ac738fef5c721479dfd948b52fdf2455e44813ecfd8920000000000000000000000000000000008f239ba329b3967fe48d718a36cfe5f62a7e42e0bf1c1ed714150a166bfbd6bcf6b3b58b975b9edea56d53f23a0e849',
    '000000000000000000000000000000000411a5de6730ffece671a9f21d65028cc0f1102378de124562cb1ff49db6f004fcd14d683024b0548eff3d1468df26880000000000000000000000000000000000fb837804dba8213329db46608b6c121d973363c1234a86dd183baff112709cf97096c5e9a1a770ee9d7dc641a894d60000000000000000000000000000000019b5e8f5d4a72f2b75811ac084a7f814317360bac52f6aab15eed416b4ef9938e0bdc4865cc2c4d0fd947e7c6925fd1400000000000000000000000000000000093567b4228be17ee62d11a254edd041ee4b953bffb8b8c7f925bd6662b4298bac2822b446f5b5de3b893e1be5aa4986'],
  ['bls_g2add_(inf+g2=g2)', G2_GEN + ZERO_G2, G2_GEN],
  ['bls_g2add_(inf+inf=inf)', ZERO_G2 + ZERO_G2, ZERO_G2],
  ['matter_g2_add_0',
    '00000000000000000000000000000000039b10ccd664da6f273ea134bb55ee48f09ba585a7e2bb95b5aec610631ac49810d5d616f67ba0147e6d1be476ea220e0000000000000000000000000000000000fbcdff4e48e07d1f73ec42fe7eb026f5c30407cfd2f22bbbfe5b2a09e8a7bb4884178cb6afd1c95f80e646929d30040000000000000000000000000000000001ed3b0e71acb0adbf44643374edbf4405af87cfc0507db7e8978889c6c3afbe9754d1182e98ac3060d64994d31ef576000000000000000000000000000000001681a2bf65b83be5a2ca50430949b6e2a099977482e9405b593f34d2ed877a3f0d1bddc37d0cec4d59d7df74b2b8f2df0000000000000000000000000000000017c9fcf0504e62d3553b2f089b64574150aa5117bd3d2e89a8c1ed59bb7f70fb83215975ef31976e757abf60a75a1d9f0000000000000000000000000000000008f5a53d704298fe0cfc955e020442874fe87d5c729c7126abbdcbed355eef6c8f07277bee6d49d56c4ebaf334848624000000000000000000000000000000001302dcc50c6ce4c28086f8e1b43f9f65543cf598be440123816765ab6bc93f62bceda80045fbcad8598d4f32d03ee8fa000000000000000000000000000000000bbb4eb37628d60b035a3e0c45c0ea8c4abef5a6ddc5625e0560097ef9caab208221062e81cd77ef72162923a1906a40',
    '000000000000000000000000000000000a9b880c2c13da05bdeda62ea8f61e5fc2bf0b7aa5cc31eaf512bef7c5073d9e9927084b512e818dbf05eab697ba0661000000000000000000000000000000000b963b527aa3ec36813b108f2294115f732c878ac28551b5490615b436406773b5bb6a3f002be0e54db0bcebe40cb2e2000000000000000000000000000000000bd6e9060b42e36b57d88bc95b8b993da2d9d5acd95b73bad0509c2324212bcf7a94a46901932c0750535d00008a34f7000000000000000000000000000000000a374afd32bc3bb20c22a8864ce0dafe298bda17260b9d1d598a80830400c3fd4e8a8f677630eae5d4aa0a76a434e0ba'],
];

test('G2ADD: go-ethereum vectors, gas 600', () => {
  for (const [name, input, expected] of G2ADD_VECTORS) {
    assert.is(at(0x0d).gas(hx(input), PRAGUE), 600n, name);
    assert.is(out(at(0x0d), hx(input)), expected, name);
  }
});

test('G2ADD: encoding errors; on-twist points outside the subgroup are accepted', () => {
  const g = hx(G2_GEN);
  const add = at(0x0d);
  assert.is(out(add, concatBytes(g, g).subarray(0, 511)), null, 'short');
  const badTop = concatBytes(g, g);
  badTop[64 + 3] = 1; // inside the 16 leading zeros of x.c1
  assert.is(out(add, badTop), null, 'top 16 bytes');
  const swapped = concatBytes(g.subarray(64, 128), g.subarray(0, 64), g.subarray(128, 256));
  assert.is(out(add, concatBytes(swapped, g)), null, 'c1 || c0 is off the twist');
  const t = g2OutsideSubgroup();
  assert.is(out(add, concatBytes(encG2(t), g)), h(encG2(t.add(G2.BASE))));
});

// ---------------------------------------------------------------- 0x0c / 0x0e MSM

// go-ethereum blsG1MultiExp.json: the stored copy prices with the older table
// (14400 for one pair), so gas comes from the final EIP-2537 G1 table:
// k = 1: 12000; k = 3: 3 * 12000 * 848 / 1000 = 30528.
const G1MSM_VECTORS: [string, string, string, bigint][] = [
  ['bls_g1multiexp_single',
    '0000000000000000000000000000000017f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb0000000000000000000000000000000008b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e10000000000000000000000000000000000000000000000000000000000000011',
    '000000000000000000000000000000001098f178f84fc753a76bb63709e9be91eec3ff5f7f3a5f4836f34fe8a1a6d6c5578d8fd820573cef3a01e2bfef3eaf3a000000000000000000000000000000000ea923110b733b531006075f796cc9368f2477fe26020f465468efbb380ce1f8eebaf5c770f31d320f9bd378dc758436',
    12000n],
  ['bls_g1multiexp_multiple',
    '0000000000000000000000000000000017f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb0000000000000000000000000000000008b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e10000000000000000000000000000000000000000000000000000000000000032000000000000000000000000000000000e12039459c60491672b6a6282355d8765ba6272387fb91a3e9604fa2a81450cf16b870bb446fc3a3e0a187fff6f89450000000000000000000000000000000018b6c1ed9f45d3cbc0b01b9d038dcecacbd702eb26469a0eb3905bd421461712f67f782b4735849644c1772c93fe3d09000000000000000000000000000000000000000000000000000000000000003300000000000000000000000000000000147b327c8a15b39634a426af70c062b50632a744eddd41b5a4686414ef4cd9746bb11d0a53c6c2ff21bbcf331e07ac9200000000000000000000000000000000078c2e9782fa5d9ab4e728684382717aa2b8fad61b5f5e7cf3baa0bc9465f57342bb7c6d7b232e70eebcdbf70f903a450000000000000000000000000000000000000000000000000000000000000034',
    '000000000000000000000000000000001339b4f51923efe38905f590ba2031a2e7154f0adb34a498dfde8fb0f1ccf6862ae5e3070967056385055a666f1b6fc70000000000000000000000000000000009fb423f7e7850ef9c4c11a119bb7161fe1d11ac5527051b29fe8f73ad4262c84c37b0f1b9f0e163a9682c22c7f98c80',
    30528n],
];

test('G1MSM: go-ethereum vectors, gas from the final EIP-2537 table', () => {
  for (const [name, input, expected, gas] of G1MSM_VECTORS) {
    assert.is(at(0x0c).gas(hx(input), PRAGUE), gas, name);
    assert.is(out(at(0x0c), hx(input)), expected, name);
  }
});

test('MSM gas: EIP-2537 formula and its boundaries', () => {
  const g1 = at(0x0c);
  const g2 = at(0x0e);
  const len = (n: number) => new Uint8Array(n);
  assert.is(g1.gas(len(0), PRAGUE), 0n, 'empty input prices at 0 (and fails)');
  assert.is(g1.gas(len(159), PRAGUE), 0n);
  assert.is(g1.gas(len(160), PRAGUE), 12000n);
  assert.is(g1.gas(len(161), PRAGUE), 12000n, 'k = floor(len / 160)');
  assert.is(g1.gas(len(320), PRAGUE), (2n * 12000n * 949n) / 1000n);
  assert.is(g1.gas(len(160 * 128), PRAGUE), (128n * 12000n * 519n) / 1000n);
  assert.is(g1.gas(len(160 * 200), PRAGUE), (200n * 12000n * 519n) / 1000n, 'max_discount 519 past 128');
  assert.is(g2.gas(len(287), PRAGUE), 0n);
  assert.is(g2.gas(len(288), PRAGUE), 22500n);
  assert.is(g2.gas(len(576), PRAGUE), 45000n, 'G2 discount(2) = 1000');
  assert.is(g2.gas(len(288 * 3), PRAGUE), (3n * 22500n * 923n) / 1000n);
  assert.is(g2.gas(len(288 * 200), PRAGUE), (200n * 22500n * 524n) / 1000n, 'max_discount 524 past 128');
});

test('MSM: results equal the sum of products (scalars of any size, infinity, zero)', () => {
  const scalars = [5n, 0n, Q + 7n, (1n << 256n) - 1n, 1n, Q];
  const g1Points = [G1.BASE, G1.BASE.multiply(3n), G1.ZERO, G1.BASE.multiply(11n), G1.BASE.multiply(Q - 1n), G1.BASE];
  const g2Points = [G2.BASE, G2.BASE.multiply(3n), G2.ZERO, G2.BASE.multiply(11n), G2.BASE.multiply(Q - 1n), G2.BASE];
  for (let k = 1; k <= scalars.length; k++) {
    const parts1: Uint8Array[] = [];
    const parts2: Uint8Array[] = [];
    let sum1 = G1.ZERO;
    let sum2 = G2.ZERO;
    for (let i = 0; i < k; i++) {
      parts1.push(encG1(g1Points[i]), word(scalars[i]));
      parts2.push(encG2(g2Points[i]), word(scalars[i]));
      sum1 = sum1.add(g1Points[i].multiplyUnsafe(scalars[i] % Q));
      sum2 = sum2.add(g2Points[i].multiplyUnsafe(scalars[i] % Q));
    }
    const in1 = concatBytes(...parts1);
    const in2 = concatBytes(...parts2);
    assert.is(out(at(0x0c), in1), h(encG1(sum1)), `G1 k=${k}`);
    assert.is(out(at(0x0e), in2), h(encG2(sum2)), `G2 k=${k}`);
  }
});

test('MSM: errors (empty, ragged length, bad encoding, outside the subgroup)', () => {
  const pair1 = concatBytes(encG1(G1.BASE), word(2));
  const pair2 = concatBytes(encG2(G2.BASE), word(2));
  assert.is(out(at(0x0c), new Uint8Array(0)), null);
  assert.is(out(at(0x0e), new Uint8Array(0)), null);
  assert.is(out(at(0x0c), concatBytes(pair1, new Uint8Array(1))), null);
  assert.is(out(at(0x0e), pair2.subarray(0, 287)), null);
  assert.is(out(at(0x0c), concatBytes(pair1, g1Bytes(1n, 1n), word(1))), null, 'off the curve');
  assert.is(out(at(0x0c), concatBytes(encG1(g1OutsideSubgroup()), word(1))), null, 'G1 outside the subgroup');
  assert.is(out(at(0x0c), concatBytes(encG1(g1OutsideSubgroup()), word(0))), null, 'even with scalar 0');
  assert.is(out(at(0x0e), concatBytes(encG2(g2OutsideSubgroup()), word(1))), null, 'G2 outside the subgroup');
});

// ---------------------------------------------------------------- 0x0f pairing

test('PAIRING_CHECK: bilinearity, infinity, gas 32600k + 37700', () => {
  const pairing = at(0x0f);
  const pair = (p: InstanceType<typeof G1>, q: InstanceType<typeof G2>) => concatBytes(encG1(p), encG2(q));
  const one = '00'.repeat(31) + '01';
  const zero = '00'.repeat(32);
  const a = 123456789n;
  const b = 987654321n;
  // e(aP, bQ) * e(-abP, Q) = 1
  const ok = concatBytes(pair(G1.BASE.multiply(a), G2.BASE.multiply(b)), pair(G1.BASE.multiply(a * b).negate(), G2.BASE));
  assert.is(out(pairing, ok), one);
  const bad = concatBytes(pair(G1.BASE.multiply(a), G2.BASE.multiply(b)), pair(G1.BASE.multiply(a * b + 1n).negate(), G2.BASE));
  assert.is(out(pairing, bad), zero);
  assert.is(out(pairing, pair(G1.BASE, G2.BASE)), zero);
  assert.is(out(pairing, pair(G1.ZERO, G2.BASE)), one, 'e(O, Q) = 1');
  assert.is(out(pairing, pair(G1.BASE, G2.ZERO)), one, 'e(P, O) = 1');
  assert.is(pairing.gas(ok, PRAGUE), 2n * 32600n + 37700n);
  assert.is(pairing.gas(new Uint8Array(384), PRAGUE), 70300n);
  assert.is(pairing.gas(new Uint8Array(0), PRAGUE), 37700n);
  // Errors.
  assert.is(out(pairing, new Uint8Array(0)), null, 'empty');
  assert.is(out(pairing, ok.subarray(0, 767)), null, 'length');
  assert.is(out(pairing, pair(g1OutsideSubgroup(), G2.BASE)), null, 'G1 outside the subgroup');
  assert.is(out(pairing, pair(G1.BASE, g2OutsideSubgroup())), null, 'G2 outside the subgroup');
  assert.is(out(pairing, concatBytes(g1Bytes(1n, 1n), encG2(G2.BASE))), null, 'off the curve');
});

// ---------------------------------------------------------------- 0x10 / 0x11 map to curve

// go-ethereum blsMapG1.json and blsMapG2.json (Gas 5500 and 23800 there, the final EIP-2537 prices).
const MAP_G1_VECTORS: [string, string, string][] = [
  ['matter_fp_to_g1_0',
    '0000000000000000000000000000000014406e5bfb9209256a3820879a29ac2f62d6aca82324bf3ae2aa7d3c54792043bd8c791fccdb080c1a52dc68b8b69350',
    '000000000000000000000000000000000d7721bcdb7ce1047557776eb2659a444166dc6dd55c7ca6e240e21ae9aa18f529f04ac31d861b54faf3307692545db700000000000000000000000000000000108286acbdf4384f67659a8abe89e712a504cb3ce1cba07a716869025d60d499a00d1da8cdc92958918c222ea93d87f0'],
  ['matter_fp_to_g1_1',
    '000000000000000000000000000000000e885bb33996e12f07da69073e2c0cc880bc8eff26d2a724299eb12d54f4bcf26f4748bb020e80a7e3794a7b0e47a641',
    '00000000000000000000000000000000191ba6e4c4dafa22c03d41b050fe8782629337641be21e0397dc2553eb8588318a21d30647182782dee7f62a22fd020c000000000000000000000000000000000a721510a67277eabed3f153bd91df0074e1cbd37ef65b85226b1ce4fb5346d943cf21c388f0c5edbc753888254c760a'],
  ['matter_fp_to_g1_2',
    '000000000000000000000000000000000ba1b6d79150bdc368a14157ebfe8b5f691cf657a6bbe30e79b6654691136577d2ef1b36bfb232e3336e7e4c9352a8ed',
    '000000000000000000000000000000001658c31c0db44b5f029dba56786776358f184341458577b94d3a53c877af84ffbb1a13cc47d228a76abb4b67912991850000000000000000000000000000000018cf1f27eab0a1a66f28a227bd624b7d1286af8f85562c3f03950879dd3b8b4b72e74b034223c6fd93de7cd1ade367cb'],
];
const MAP_G2_VECTORS: [string, string, string][] = [
  ['matter_fp2_to_g2_0',
    '0000000000000000000000000000000014406e5bfb9209256a3820879a29ac2f62d6aca82324bf3ae2aa7d3c54792043bd8c791fccdb080c1a52dc68b8b69350000000000000000000000000000000000e885bb33996e12f07da69073e2c0cc880bc8eff26d2a724299eb12d54f4bcf26f4748bb020e80a7e3794a7b0e47a641',
    '000000000000000000000000000000000d029393d3a13ff5b26fe52bd8953768946c5510f9441f1136f1e938957882db6adbd7504177ee49281ecccba596f2bf000000000000000000000000000000001993f668fb1ae603aefbb1323000033fcb3b65d8ed3bf09c84c61e27704b745f540299a1872cd697ae45a5afd780f1d600000000000000000000000000000000079cb41060ef7a128d286c9ef8638689a49ca19da8672ea5c47b6ba6dbde193ee835d3b87a76a689966037c07159c10d0000000000000000000000000000000017c688ae9a8b59a7069c27f2d58dd2196cb414f4fb89da8510518a1142ab19d158badd1c3bad03408fafb1669903cd6c'],
  ['matter_fp2_to_g2_1',
    '000000000000000000000000000000000ba1b6d79150bdc368a14157ebfe8b5f691cf657a6bbe30e79b6654691136577d2ef1b36bfb232e3336e7e4c9352a8ed000000000000000000000000000000000f12847f7787f439575031bcdb1f03cfb79f942f3a9709306e4bd5afc73d3f78fd1c1fef913f503c8cbab58453fb7df2',
    '000000000000000000000000000000000a2bca68ca23f3f03c678140d87465b5b336dbd50926d1219fcc0def162280765fe1093c117d52483d3d8cdc7ab76529000000000000000000000000000000000fe83e3a958d6038569da6132bfa19f0e3dae3bee0d8a60e7cc33e4d7084a9e8c32fe31ec6e617277e2e450699eba1f80000000000000000000000000000000005602683f0ef231cc0b7c8c695765d7933f4efa7503ed9f2aa3c774284eabcdd32fd287b6a3539c9749f2e15b58f5cd50000000000000000000000000000000000b4f17de0db6e9d081723b613b23864c1eeae91b7cbda40ecd24823022aee7fc4068adc41947b97e17009fad9d0d4de'],
];

test('MAP_FP_TO_G1 / MAP_FP2_TO_G2: go-ethereum vectors, gas 5500 / 23800', () => {
  for (const [name, input, expected] of MAP_G1_VECTORS) {
    assert.is(at(0x10).gas(hx(input), PRAGUE), 5500n, name);
    assert.is(out(at(0x10), hx(input)), expected, name);
  }
  for (const [name, input, expected] of MAP_G2_VECTORS) {
    assert.is(at(0x11).gas(hx(input), PRAGUE), 23800n, name);
    assert.is(out(at(0x11), hx(input)), expected, name);
  }
});

test('MAP: errors (length, element not below p, top bytes)', () => {
  assert.is(out(at(0x10), new Uint8Array(63)), null);
  assert.is(out(at(0x10), new Uint8Array(65)), null);
  assert.is(out(at(0x10), fp(P)), null, 'u = p');
  assert.is(out(at(0x10), fp(P - 1n)) !== null, true, 'u = p - 1');
  assert.is(out(at(0x11), new Uint8Array(127)), null);
  assert.is(out(at(0x11), concatBytes(fp(1n), fp(P))), null, 'c1 = p');
  const top = concatBytes(fp(1n), fp(1n));
  top[64] = 1;
  assert.is(out(at(0x11), top), null, 'top 16 bytes of c1');
  // The outputs are in the subgroup (cofactor cleared).
  const g1 = hx(out(at(0x10), fp(0n))!);
  assert.is(out(at(0x0c), concatBytes(g1, word(1))), h(g1), 'mapped G1 point passes the MSM subgroup check');
  const g2 = hx(out(at(0x11), concatBytes(fp(0n), fp(0n)))!);
  assert.is(out(at(0x0e), concatBytes(g2, word(1))), h(g2), 'mapped G2 point passes the MSM subgroup check');
});

// ---------------------------------------------------------------- 0x100 P256VERIFY

// go-ethereum p256Verify.json (Gas 6900 there; Expected "" = empty output).
const WYCHEPROOF_KEY = '2927b10512bae3eddcfe467828128bad2903269919f7086069c8c4df6c732838c7787964eaac00e5921fb1498a60f4606766b3d9685001558d1a974e7341513e';
const WYCHEPROOF_HASH = 'bb5a52f42f9c9261ed4361f59422a1e30036e7c32b270c8807a419feca605023';
const P256_VECTORS: [string, string, string][] = [
  ['CallP256Verify',
    '4cee90eb86eaa050036147a12d49004b6b9c72bd725d39d4785011fe190f0b4da73bd4903f0ce3b639bbbf6e8e80d16931ff4bcf5993d58468e8fb19086e8cac36dbcd03009df8c59286b162af3bd7fcc0450c9aa81be5d10d312af6c66b1d604aebd3099c618202fcfe16ae7770b0c49ab5eadf74b754204a3bb6060e44eff37618b065f9832de4ca6ca971a7a1adc826d0f7c00181a5fb2ddf79ae00b4e10e',
    '00'.repeat(31) + '01'],
  ['wycheproof #1: signature malleability',
    WYCHEPROOF_HASH + '2ba3a8be6b94d5ec80a6d9d1190a436effe50d85a1eee859b8cc6af9bd5c2e184cd60b855d442f5b3c7b11eb6c4e0ae7525fe710fab9aa7c77a67f79e6fadd76' + WYCHEPROOF_KEY,
    '00'.repeat(31) + '01'],
  ['wycheproof #3: r or s modified by the group order',
    WYCHEPROOF_HASH + 'd45c5740946b2a147f59262ee6f5bc90bd01ed280528b62b3aed5fc93f06f739b329f479a2bbd0a5c384ee1493b1f5186a87139cac5df4087c134b49156847db' + WYCHEPROOF_KEY,
    ''],
  ['wycheproof #9: r = s = 0', WYCHEPROOF_HASH + '00'.repeat(64) + WYCHEPROOF_KEY, ''],
  ['wycheproof #12: r = 0, s = n - 1',
    WYCHEPROOF_HASH + '00'.repeat(32) + 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550' + WYCHEPROOF_KEY, ''],
  ['wycheproof #25: r = s = n',
    WYCHEPROOF_HASH + 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'.repeat(2) + WYCHEPROOF_KEY, ''],
];

test('P256VERIFY: go-ethereum vectors, gas 6900', () => {
  for (const [name, input, expected] of P256_VECTORS) {
    assert.is(at(0x100).gas(hx(input), OSAKA), 6900n, name);
    assert.is(out(at(0x100), hx(input)), expected, name);
  }
});

test('P256VERIFY: signatures made with noble; invalid input gives empty output, never failure', () => {
  const verify = at(0x100);
  const N = p256.Point.Fn.ORDER;
  const sk = p256.utils.randomSecretKey();
  const pub = p256.getPublicKey(sk, false).subarray(1); // x || y
  const hash = keccak_256(new TextEncoder().encode('lanes'));
  const sig = p256.sign(hash, sk, { prehash: false, lowS: false });
  const r = BigInt(bytesToHex(sig.subarray(0, 32)));
  const s = BigInt(bytesToHex(sig.subarray(32)));
  const input = (hh: Uint8Array, rr: bigint, ss: bigint, key: Uint8Array) => concatBytes(hh, word(rr), word(ss), key);
  const one = '00'.repeat(31) + '01';
  assert.is(out(verify, input(hash, r, s, pub)), one);
  assert.is(out(verify, input(hash, r, N - s, pub)), one, 'high s verifies too (no malleability rule)');
  const other = hash.slice();
  other[0] ^= 1;
  assert.is(out(verify, input(other, r, s, pub)), '', 'wrong hash');
  assert.is(out(verify, input(hash, r + N, s, pub)), '', 'r >= n');
  assert.is(out(verify, input(hash, r, s + N, pub)), '', 's >= n');
  assert.is(out(verify, input(hash, r, s, new Uint8Array(64))), '', 'Q = (0, 0)');
  const offCurve = pub.slice();
  offCurve[63] ^= 1;
  assert.is(out(verify, input(hash, r, s, offCurve)), '', 'Q off the curve');
  const P256_P = p256.Point.Fp.ORDER;
  const x = BigInt(bytesToHex(pub.subarray(0, 32)));
  if (x + P256_P < 1n << 256n) {
    assert.is(out(verify, input(hash, r, s, concatBytes(word(x + P256_P), pub.subarray(32)))), '', 'qx >= p');
  }
  const good = input(hash, r, s, pub);
  assert.is(out(verify, good.subarray(0, 159)), '', '159 bytes');
  assert.is(out(verify, concatBytes(good, new Uint8Array(1))), '', '161 bytes');
  assert.is(out(verify, new Uint8Array(0)), '', 'empty');
  assert.is(verify.gas(new Uint8Array(0), OSAKA), 6900n);
  // The hash is used as an integer mod n: h and h + n verify alike.
  const hBig = BigInt(bytesToHex(hash));
  if (hBig + N < 1n << 256n) {
    const sig2 = p256.sign(bigintToBytes(hBig, 32), sk, { prehash: false, lowS: false });
    const r2 = BigInt(bytesToHex(sig2.subarray(0, 32)));
    const s2 = BigInt(bytesToHex(sig2.subarray(32)));
    assert.is(out(verify, input(word(hBig + N), r2, s2, pub)), one, 'h + n');
  }
});

// ---------------------------------------------------------------- 0x05 modexp (Osaka)

function modexpInput(base: Uint8Array, exp: Uint8Array, mod: Uint8Array): Uint8Array {
  return concatBytes(word(base.length), word(exp.length), word(mod.length), base, exp, mod);
}

// go-ethereum modexp_eip7883.json: nagydani-1 (inputs, outputs, gas).
const NAGYDANI_1_BASE = 'e09ad9675465c53a109fac66a445c91b292d2bb2c5268addb30cd82f80fcb0033ff97c80a5fc6f39193ae969c6ede6710a6b7ac27078a06d90ef1c72e5c85fb5';
const NAGYDANI_1_MOD = 'fc9e1f6beb81516545975218075ec2af118cd8798df6e08a147c60fd6095ac2bb02c2908cf4dd7c81f11c289e4bce98f3553768f392a80ce22bf5c4f4a248c6b';
const NAGYDANI_1: [string, string, string, bigint][] = [
  ['nagydani-1-square', '02', '60008f1614cc01dcfb6bfb09c625cf90b47d4468db81b5f8b7a39d42f332eab9b2da8f2d95311648a8f243f4bb13cfb3d8f7f2a3c014122ebb3ed41b02783adc', 500n],
  ['nagydani-1-qube', '03', '4834a46ba565db27903b1c720c9d593e84e4cbd6ad2e64b31885d944f68cd801f92225a8961c952ddf2797fa4701b330c85c4b363798100b921a1a22a46a7fec', 500n],
  ['nagydani-1-pow0x10001', '010001', 'c36d804180c35d4426b57b50c5bfcca5c01856d104564cd513b461d3c8b8409128a5573e416d0ebe38f5f736766d9dc27143e4da981dfa4d67f7dc474cbee6d2', 2048n],
];

test('modexp Osaka: go-ethereum modexp_eip7883 nagydani-1 vectors', () => {
  for (const [name, exp, expected, gas] of NAGYDANI_1) {
    const input = modexpInput(hx(NAGYDANI_1_BASE), hx(exp), hx(NAGYDANI_1_MOD));
    assert.is(at(5).gas(input, OSAKA), gas, name);
    assert.is(out(at(5), input, OSAKA), expected, name);
  }
});

test('modexp Osaka: EIP-7883 gas (go-ethereum modexp_eip7883 nagydani 2-4 figures)', () => {
  // [base/mod length, exponent, Osaka gas] as in modexp_eip7883.json.
  const table: [number, string, bigint][] = [
    [128, '02', 512n], [128, '03', 512n], [128, '010001', 8192n],
    [256, '02', 2048n], [256, '03', 2048n], [256, '010001', 32768n],
    [512, '02', 8192n],
  ];
  for (const [len, exp, gas] of table) {
    const input = modexpInput(new Uint8Array(len).fill(0xab), hx(exp), new Uint8Array(len).fill(0xcd));
    assert.is(at(5).gas(input, OSAKA), gas, `${len} ${exp}`);
  }
});

test('modexp Osaka: EIP-7883 formula (minimum 500, 16 per exponent byte past 32, no division by 3)', () => {
  const m32 = new Uint8Array(32).fill(0xff);
  // 32-byte operands: complexity 16; exponent 2^255: 255 iterations -> 4080 (Prague: 16 * 255 / 3 = 1360).
  const e255 = new Uint8Array(32);
  e255[0] = 0x80;
  assert.is(at(5).gas(modexpInput(m32, e255, m32), OSAKA), 4080n);
  assert.is(at(5).gas(modexpInput(m32, e255, m32), PRAGUE), 1360n);
  // 40-byte exponent whose first 32 bytes are 1: 16 * 8 + 0 iterations -> 16 * 128 = 2048 (Prague 8 * 8 -> 341).
  const e40 = new Uint8Array(40);
  e40[31] = 1;
  assert.is(at(5).gas(modexpInput(m32, e40, m32), OSAKA), 2048n);
  assert.is(at(5).gas(modexpInput(m32, e40, m32), PRAGUE), (16n * 64n) / 3n);
  // Small operands: the minimum.
  assert.is(at(5).gas(modexpInput(hx('02'), hx('03'), hx('05')), OSAKA), 500n);
  assert.is(at(5).gas(modexpInput(hx('02'), hx('03'), hx('05')), PRAGUE), 200n);
  // 33-byte modulus: 2 * ceil(33 / 8)^2 = 50 per iteration.
  assert.is(at(5).gas(modexpInput(hx('02'), e255, new Uint8Array(33).fill(1)), OSAKA), 50n * 255n);
});

test('modexp Osaka: EIP-7823 caps each length at 1024 bytes (above is an error)', () => {
  const big = (n: number) => new Uint8Array(n).fill(0x11);
  const ok = modexpInput(big(1024), hx('03'), big(1024));
  assert.ok(at(5).run(ok, OSAKA) !== null);
  for (const [b, e, m] of [[1025, 1, 1], [1, 1025, 1], [1, 1, 1025]]) {
    const input = modexpInput(big(b), big(e), big(m));
    assert.is(at(5).run(input, OSAKA), null, `${b}/${e}/${m} Osaka`);
    assert.ok(at(5).run(input, PRAGUE) !== null, `${b}/${e}/${m} Prague`);
  }
  // Declared lengths count, not the bytes present, and a zero modulus length does not exempt.
  const declared = concatBytes(word(0), word(1025), word(0));
  assert.is(at(5).run(declared, OSAKA), null);
  assert.equal(at(5).run(declared, PRAGUE), new Uint8Array(0));
  const huge = concatBytes(word(1n << 255n), word(1), word(1));
  assert.is(at(5).run(huge, OSAKA), null);
});

// ---------------------------------------------------------------- official EEST state fixtures

// The EEST contracts for these precompiles all follow a few shapes: CALL (or
// CALLCODE, DELEGATECALL, STATICCALL) the precompile with all the call data (or
// a zeroed memory range) and a given gas, then SSTORE the success flag, the
// return data size, keccak256 of the return data, or the gas the call used.
// This reads the contract, replays each call on the precompile directly and
// compares with the post-state storage.

type Sym =
  | { k: 'num'; v: bigint }
  | { k: 'cds' }
  | { k: 'gas' }
  | { k: 'gasExpr' }
  | { k: 'success' | 'size' | 'hash' | 'gasUsed'; call: number };

interface Call {
  address: number;
  gas: bigint;
  /** 'cds' for the whole call data, else the size of a zeroed input. */
  input: 'cds' | bigint;
  slots: { success?: bigint; size?: bigint; hash?: bigint; gasUsed?: bigint };
}

/** The precompile calls a fixture contract makes, or null if it is not of a recognised shape. */
function readContract(code: Uint8Array): Call[] | null {
  const stack: Sym[] = [];
  const calls: Call[] = [];
  const num = (s: Sym | undefined): bigint | null => (s?.k === 'num' ? s.v : null);
  for (let pc = 0; pc < code.length; pc++) {
    const op = code[pc];
    if (op >= 0x60 && op <= 0x7f) {
      const n = op - 0x5f;
      let v = 0n;
      for (let i = 1; i <= n; i++) v = (v << 8n) | BigInt(code[pc + i] ?? 0);
      stack.push({ k: 'num', v });
      pc += n;
      continue;
    }
    switch (op) {
      case 0x5f: stack.push({ k: 'num', v: 0n }); break; // PUSH0
      case 0x36: stack.push({ k: 'cds' }); break; // CALLDATASIZE
      case 0x5a: stack.push({ k: 'gas' }); break; // GAS
      case 0x37: case 0x3e: stack.length -= 3; break; // CALLDATACOPY, RETURNDATACOPY
      case 0x3d: stack.push({ k: 'size', call: calls.length - 1 }); break; // RETURNDATASIZE
      case 0x20: stack.length -= 2; stack.push({ k: 'hash', call: calls.length - 1 }); break; // KECCAK256
      case 0x90: { // SWAP1
        const a = stack.pop()!;
        const b = stack.pop()!;
        stack.push(a, b);
        break;
      }
      case 0x01: case 0x03: { // ADD, SUB: only the "gas before - (gas after + overhead)" idiom
        const a = stack.pop();
        const b = stack.pop();
        if (op === 0x01 && (a?.k === 'gas' || b?.k === 'gas')) stack.push({ k: 'gasExpr' });
        else if (op === 0x03 && (a?.k === 'gas' || a?.k === 'gasExpr') && (b?.k === 'gas' || b?.k === 'gasExpr')) stack.push({ k: 'gasUsed', call: calls.length - 1 });
        else return null;
        break;
      }
      case 0xf1: case 0xf2: case 0xf4: case 0xfa: { // CALL, CALLCODE, DELEGATECALL, STATICCALL
        const gas = num(stack.pop());
        const address = num(stack.pop());
        if (op === 0xf1 || op === 0xf2) stack.pop(); // value
        const argsOffset = num(stack.pop());
        const argsSize = stack.pop();
        stack.length -= 2; // return area
        if (gas === null || address === null || argsOffset !== 0n) return null;
        let input: 'cds' | bigint;
        if (argsSize?.k === 'cds') {
          if (!code.subarray(0, 6).every((b, i) => b === hx('366000600037')[i])) return null; // call data copied to memory 0 first
          input = 'cds';
        } else if (argsSize?.k === 'num') {
          if (code[0] === 0x36) return null;
          input = argsSize.v;
        } else return null;
        calls.push({ address: Number(address), gas, input, slots: {} });
        stack.push({ k: 'success', call: calls.length - 1 });
        break;
      }
      case 0x55: { // SSTORE
        const key = num(stack.pop());
        const value = stack.pop();
        if (key === null || value === undefined) return null;
        if (value.k === 'success' || value.k === 'size' || value.k === 'hash' || value.k === 'gasUsed') {
          calls[value.call].slots[value.k] = key;
        } else return null;
        break;
      }
      case 0x00: return calls; // STOP
      default: return null;
    }
  }
  return calls;
}

interface Fixture {
  pre: Record<string, { code: string }>;
  transaction: { to: string; data: string[]; gasLimit: string[] };
  post: Record<string, { indexes: { data: number; gas: number }; expectException?: string; state: Record<string, { storage: Record<string, string> }> }[]>;
}

const FIXTURE_DIRS = [
  'eest/state_tests/prague/eip2537_bls_12_381_precompiles',
  'eest/state_tests/osaka/eip7951_p256verify_precompiles',
  'eest/state_tests/osaka/eip7883_modexp_gas_increase',
  'eest/state_tests/osaka/eip7823_modexp_upper_bounds',
  'eest/state_tests/byzantium/eip198_modexp_precompile',
];

test('EEST state fixtures: every recognised precompile call matches the post-state storage', () => {
  const base = vectorsDir();
  if (!existsSync(join(base, FIXTURE_DIRS[0]))) {
    console.log(`precompiles-prague-osaka: EEST fixtures skipped, none at ${base}`);
    return;
  }
  const counts = new Map<number, number>();
  let skipped = 0;
  for (const dir of FIXTURE_DIRS) {
    const full = join(base, dir);
    if (!existsSync(full)) continue;
    for (const file of readdirSync(full).filter((f) => f.endsWith('.json'))) {
      const fixtures = JSON.parse(readFileSync(join(full, file), 'utf8')) as Record<string, Fixture>;
      for (const [name, fx] of Object.entries(fixtures)) {
        const to = fx.transaction.to;
        const code = to ? fx.pre[to]?.code : undefined;
        const calls = code ? readContract(hx(code)) : null;
        if (calls === null || calls.length === 0) {
          skipped++;
          continue;
        }
        for (const [fork, entries] of Object.entries(fx.post)) {
          if (!(PRECOMPILE_FORKS as readonly string[]).includes(fork)) continue;
          const rules = precompileRules(fork);
          const contracts = precompilesFor(fork);
          for (const entry of entries) {
            if (entry.expectException) continue;
            const data = hx(fx.transaction.data[entry.indexes.data]);
            // An upper bound on the gas a call can forward: 63/64 of what the
            // transaction has left after its intrinsic cost (EIP-150).
            let intrinsic = 21000n;
            for (const b of data) intrinsic += b === 0 ? 4n : 16n;
            const available = ((BigInt(fx.transaction.gasLimit[entry.indexes.gas]) - intrinsic) * 63n) / 64n;
            const storage = entry.state[to]?.storage ?? {};
            const slot = (k: bigint | undefined) => {
              if (k === undefined) return undefined;
              const hit = Object.entries(storage).find(([key]) => BigInt(key) === k);
              return hit ? BigInt(hit[1]) : 0n;
            };
            for (const call of calls) {
              const p = contracts.get(call.address);
              const label = `${file} ${name} ${fork} call to ${call.address}`;
              if (p === undefined) continue; // not a precompile at this fork
              const input = call.input === 'cds' ? data : new Uint8Array(Number(call.input));
              const cost = p.gas(input, rules);
              const callGas = call.gas < available ? call.gas : available;
              const output = cost <= callGas ? p.run(input, rules) : null;
              const success = output !== null;
              if (call.slots.success !== undefined) assert.is(slot(call.slots.success), success ? 1n : 0n, `${label}: success`);
              if (call.slots.size !== undefined) assert.is(slot(call.slots.size), BigInt(output?.length ?? 0), `${label}: size`);
              if (success && call.slots.hash !== undefined) {
                assert.is(slot(call.slots.hash), BigInt(bytesToHex(keccak_256(output))), `${label}: output hash`);
              }
              if (success && call.slots.gasUsed !== undefined) assert.is(slot(call.slots.gasUsed), cost, `${label}: gas used`);
              counts.set(call.address, (counts.get(call.address) ?? 0) + 1);
            }
          }
        }
      }
    }
  }
  const summary = [...counts].sort((a, b) => a[0] - b[0]).map(([a, n]) => `0x${a.toString(16)}: ${n}`).join(', ');
  console.log(`precompiles-prague-osaka: EEST calls checked: ${summary}; ${skipped} fixtures of other shapes`);
  for (const address of [0x05, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x100]) {
    assert.ok((counts.get(address) ?? 0) > 0, `no EEST call checked for 0x${address.toString(16)}`);
  }
});

test.run();
