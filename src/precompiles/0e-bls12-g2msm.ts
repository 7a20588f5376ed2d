// 0x0e BLS12_G2MSM (EIP-2537): sum of s_i * P_i over k >= 1 pairs, each a
// 256-byte G2 point (on the twist and in the order-q subgroup) and a 32-byte
// scalar (any value). Input exactly 288*k bytes; output one 256-byte point.
// Gas k * 22500 * discount(k) / 1000 with EIP-2537's G2 discount table (k = 1
// costs 22500, the price of the G2MUL it replaces).
import type { Precompile } from './index.js';
import { G2Point, G2_LEN, SCALAR_LEN, msm, msmGas, readG2, writeG2, type MsmGroup, type G2 } from './bls12-381-points.js';

const PAIR_LEN = G2_LEN + SCALAR_LEN;
const MULTIPLICATION_COST = 22500n;
const GROUP: MsmGroup<G2> = { pointLength: G2_LEN, Point: G2Point, read: readG2, write: writeG2 };

/** EIP-2537 G2 MSM discounts for k = 1..128; max_discount (the last) for k > 128. */
export const G2_MSM_DISCOUNTS: readonly number[] = [
  1000, 1000, 923, 884, 855, 832, 812, 796, 782, 770, 759, 749, 740, 732, 724, 717,
  711, 704, 699, 693, 688, 683, 679, 674, 670, 666, 663, 659, 655, 652, 649, 646,
  643, 640, 637, 634, 632, 629, 627, 624, 622, 620, 618, 615, 613, 611, 609, 607,
  606, 604, 602, 600, 598, 597, 595, 593, 592, 590, 589, 587, 586, 584, 583, 582,
  580, 579, 578, 576, 575, 574, 573, 571, 570, 569, 568, 567, 566, 565, 563, 562,
  561, 560, 559, 558, 557, 556, 555, 554, 553, 552, 552, 551, 550, 549, 548, 547,
  546, 545, 545, 544, 543, 542, 541, 541, 540, 539, 538, 537, 537, 536, 535, 535,
  534, 533, 532, 532, 531, 530, 530, 529, 528, 528, 527, 526, 526, 525, 524, 524,
];

export const blsG2Msm: Precompile = {
  name: 'BLS12_G2MSM',
  gas: (input) => msmGas(input.length, PAIR_LEN, MULTIPLICATION_COST, G2_MSM_DISCOUNTS),
  run: (input) => msm(input, GROUP),
};
