/** Cosine similarity of two vectors of the same length. */
export function cosine(a: Float64Array, b: Float64Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/**
 * Average-linkage agglomerative clustering by cosine distance, merging until the closest pair is
 * further apart than `maxDistance` or `minClusters` remain. O(n³) with a full matrix, so callers
 * pass at most a few hundred points. Returns a cluster label per point (0..k-1).
 */
export function agglomerate(points: Float64Array[], maxDistance: number, minClusters = 1): number[] {
  const n = points.length;
  const dist = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const d = 1 - cosine(points[i]!, points[j]!);
      dist[i * n + j] = d;
      dist[j * n + i] = d;
    }
  const size = new Array<number>(n).fill(1);
  const alive = new Array<boolean>(n).fill(true);
  const parent = Array.from({ length: n }, (_, i) => i);
  let clusters = n;
  while (clusters > minClusters) {
    let best = Infinity;
    let bi = -1;
    let bj = -1;
    for (let i = 0; i < n; i++) {
      if (!alive[i]) continue;
      for (let j = i + 1; j < n; j++) {
        if (!alive[j]) continue;
        const d = dist[i * n + j]!;
        if (d < best) {
          best = d;
          bi = i;
          bj = j;
        }
      }
    }
    if (bi < 0 || best > maxDistance) break;
    // Lance-Williams update for average linkage: the merged cluster keeps index bi.
    const si = size[bi]!;
    const sj = size[bj]!;
    for (let k = 0; k < n; k++) {
      if (!alive[k] || k === bi || k === bj) continue;
      const d = (si * dist[bi * n + k]! + sj * dist[bj * n + k]!) / (si + sj);
      dist[bi * n + k] = d;
      dist[k * n + bi] = d;
    }
    size[bi] = si + sj;
    alive[bj] = false;
    parent[bj] = bi;
    clusters -= 1;
  }
  const root = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r]!;
    return r;
  };
  const ids = new Map<number, number>();
  return points.map((_, i) => {
    const r = root(i);
    if (!ids.has(r)) ids.set(r, ids.size);
    return ids.get(r)!;
  });
}

/**
 * Best two-state path (0 = teacher, 1 = other) for per-item scores (positive favours the
 * teacher), paying `switchCost` for a change between items that `linked` says are adjacent in one
 * speech run. A hidden Markov model with equal priors, in log-score units.
 */
export function viterbi2(scores: number[], linked: boolean[], switchCost: number): (0 | 1)[] {
  const n = scores.length;
  if (n === 0) return [];
  const back = new Uint8Array(n * 2);
  let v0 = scores[0]!;
  let v1 = -scores[0]!;
  for (let i = 1; i < n; i++) {
    const cost = linked[i] ? switchCost : 0;
    const from0to0 = v0;
    const from1to0 = v1 - cost;
    const from1to1 = v1;
    const from0to1 = v0 - cost;
    back[i * 2] = from0to0 >= from1to0 ? 0 : 1;
    back[i * 2 + 1] = from1to1 >= from0to1 ? 1 : 0;
    const n0 = Math.max(from0to0, from1to0) + scores[i]!;
    const n1 = Math.max(from1to1, from0to1) - scores[i]!;
    v0 = n0;
    v1 = n1;
  }
  const path = new Array<0 | 1>(n);
  let state: 0 | 1 = v0 >= v1 ? 0 : 1;
  for (let i = n - 1; i >= 0; i--) {
    path[i] = state;
    if (i > 0) state = back[i * 2 + state] as 0 | 1;
  }
  return path;
}
