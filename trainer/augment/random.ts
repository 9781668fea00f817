/**
 * Seeded randomness for augmentation, so a seed gives the same samples on every machine and a
 * training run can be repeated. mulberry32: small, fast, and good enough for picking crops.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/**
 * A generator for a list of integer keys, e.g. (seed, epoch, sample index): each sample gets its
 * own stream, so samples do not depend on the order they are made in.
 */
export function createRandom(...keys: number[]): Random {
  let a = 0x9e3779b9;
  for (const k of keys) a = mix(a ^ mix(k >>> 0));
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (n) => Math.floor(next() * n),
  };
}

/** murmur3's finaliser: spreads every input bit over the word, so keys 1 and 2 give unrelated streams. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
