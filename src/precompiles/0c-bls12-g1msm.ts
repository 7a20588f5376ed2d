// 0x0c BLS12_G1MSM (EIP-2537): sum of s_i * P_i over k >= 1 pairs, each a
// 128-byte G1 point (on the curve and in the order-q subgroup) and a 32-byte
// scalar (any value). Input exactly 160*k bytes; output one 128-byte point.
// Gas k * 12000 * discount(k) / 1000 with EIP-2537's G1 discount table (k = 1
// costs 12000, the price of the G1MUL it replaces).
import type { Precompile } from './index.js';
import { G1Point, G1_LEN, SCALAR_LEN, msm, msmGas, readG1, writeG1, type MsmGroup, type G1 } from './bls12-381-points.js';

const PAIR_LEN = G1_LEN + SCALAR_LEN;
const MULTIPLICATION_COST = 12000n;
const GROUP: MsmGroup<G1> = { pointLength: G1_LEN, Point: G1Point, read: readG1, write: writeG1 };

/** EIP-2537 G1 MSM discounts for k = 1..128; max_discount (the last) for k > 128. */
export const G1_MSM_DISCOUNTS: readonly number[] = [
  1000, 949, 848, 797, 764, 750, 738, 728, 719, 712, 705, 698, 692, 687, 682, 677,
  673, 669, 665, 661, 658, 654, 651, 648, 645, 642, 640, 637, 635, 632, 630, 627,
  625, 623, 621, 619, 617, 615, 613, 611, 609, 608, 606, 604, 603, 601, 599, 598,
  596, 595, 593, 592, 591, 589, 588, 586, 585, 584, 582, 581, 580, 579, 577, 576,
  575, 574, 573, 572, 570, 569, 568, 567, 566, 565, 564, 563, 562, 561, 560, 559,
  558, 557, 556, 555, 554, 553, 552, 551, 550, 549, 548, 547, 547, 546, 545, 544,
  543, 542, 541, 540, 540, 539, 538, 537, 536, 536, 535, 534, 533, 532, 532, 531,
  530, 529, 528, 528, 527, 526, 525, 525, 524, 523, 522, 522, 521, 520, 520, 519,
];

export const blsG1Msm: Precompile = {
  name: 'BLS12_G1MSM',
  gas: (input) => msmGas(input.length, PAIR_LEN, MULTIPLICATION_COST, G1_MSM_DISCOUNTS),
  run: (input) => msm(input, GROUP),
};
