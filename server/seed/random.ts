/** Deterministic pseudo-random numbers (mulberry32): the same seed gives the same demo data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** Fisher–Yates on a copy. */
export function shuffled<T>(random: () => number, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/**
 * Splits a whole-number `total` over `weights` so that the parts add up to `total` exactly
 * (largest remainder): how a strategy's budget in satang is spread over its projects, or the
 * city's households over its communities, without a rounding baht lost or gained.
 */
export function apportion(total: bigint, weights: readonly number[]): bigint[] {
  if (weights.length === 0) {
    if (total !== 0n) throw new Error('cannot apportion a non-zero total over nothing');
    return [];
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) throw new Error('weights must add up to more than zero');
  const SCALE = 1_000_000_000n;
  const scaled = weights.map((w) => BigInt(Math.round((w / sum) * Number(SCALE))));
  const scaledSum = scaled.reduce((a, b) => a + b, 0n);
  const exact = scaled.map((s) => s * total);
  const parts = exact.map((e) => e / scaledSum);
  let left = total - parts.reduce((a, b) => a + b, 0n);
  const order = exact
    .map((e, i) => ({ i, remainder: e % scaledSum }))
    .sort((a, b) => (b.remainder > a.remainder ? 1 : b.remainder < a.remainder ? -1 : a.i - b.i));
  for (const { i } of order) {
    if (left === 0n) break;
    parts[i] = (parts[i] as bigint) + 1n;
    left -= 1n;
  }
  return parts;
}

/** Baht as a decimal string ("1234.50") to satang, without floating point. */
export function toSatang(baht: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(baht);
  if (!match) throw new Error(`not an amount in baht: ${baht}`);
  return BigInt(match[1] ?? '0') * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
}

export function fromSatang(satang: bigint): string {
  const whole = satang / 100n;
  const cents = (satang % 100n).toString().padStart(2, '0');
  return `${whole}.${cents}`;
}
