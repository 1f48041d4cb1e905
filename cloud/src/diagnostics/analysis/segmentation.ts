/**
 * Penalised change-point segmentation with an L2 (within-segment sum of squares) cost, solved
 * exactly by optimal partitioning (Jackson et al., "An algorithm for optimal partitioning of data
 * on an interval", IEEE Signal Processing Letters 12(2), 2005): the same minimiser PELT finds
 * (Killick, Fearnhead & Eckley, JASA 107(500), 2012) without its pruning, which a lesson of a few
 * hundred windows does not need. Deterministic: on equal cost the earliest change point wins.
 *
 * Minimises Σ cost(segment) + penalty × (number of segments), every segment ≥ minLen vectors.
 * Returns half-open [from, to) index pairs covering 0..n.
 */
export function segment(
  vectors: readonly (readonly number[])[],
  penalty: number,
  minLen: number,
): [number, number][] {
  const n = vectors.length;
  if (n === 0) return [];
  if (n < 2 * minLen) return [[0, n]];
  const d = vectors[0]!.length;
  // Prefix sums per dimension make each segment's cost O(d).
  const s1 = Array.from({ length: n + 1 }, () => new Array<number>(d).fill(0));
  const s2 = Array.from({ length: n + 1 }, () => new Array<number>(d).fill(0));
  vectors.forEach((v, i) => {
    for (let k = 0; k < d; k += 1) {
      const x = v[k] ?? 0;
      s1[i + 1]![k] = s1[i]![k]! + x;
      s2[i + 1]![k] = s2[i]![k]! + x * x;
    }
  });
  const cost = (a: number, b: number) => {
    let c = 0;
    for (let k = 0; k < d; k += 1) {
      const sum = s1[b]![k]! - s1[a]![k]!;
      c += s2[b]![k]! - s2[a]![k]! - (sum * sum) / (b - a);
    }
    return Math.max(0, c);
  };
  const best = new Array<number>(n + 1).fill(Infinity);
  const prev = new Array<number>(n + 1).fill(-1);
  best[0] = 0;
  for (let t = minLen; t <= n; t += 1) {
    for (let s = 0; s <= t - minLen; s += 1) {
      if (best[s] === Infinity) continue;
      const c = best[s]! + cost(s, t) + penalty;
      // Strictly better by more than rounding noise, so ties keep the earliest s.
      if (c < best[t]! - 1e-12) {
        best[t] = c;
        prev[t] = s;
      }
    }
  }
  const out: [number, number][] = [];
  for (let t = n; t > 0; t = prev[t]!) out.unshift([prev[t]!, t]);
  return out;
}
