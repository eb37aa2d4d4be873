import type { Queryable } from '../db/index.ts';
import { buildRoadGraph, dropEdges, type GraphEdge, insertStreetGrid, roadGraph } from './queries/streets.ts';

/** About how far apart the generated sois run: Khon Kaen's residential blocks are 250–350 m. */
const SOI_SPACING_M = 300;

type Coordinate = [number, number];

/** The street graph in memory, for the seed's routing: the embedded engine has no pgRouting. */
export class StreetGraph {
  private readonly adjacent = new Map<number, { edge: GraphEdge; to: number }[]>();

  constructor(readonly edges: GraphEdge[]) {
    for (const edge of edges) {
      this.link(edge.source, edge, edge.target);
      this.link(edge.target, edge, edge.source);
    }
  }

  private link(from: number, edge: GraphEdge, to: number) {
    const list = this.adjacent.get(from) ?? [];
    list.push({ edge, to });
    this.adjacent.set(from, list);
  }

  /** The nodes reachable from `start`. */
  component(start: number): Set<number> {
    const seen = new Set([start]);
    const stack = [start];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      for (const { to } of this.adjacent.get(node) ?? []) {
        if (!seen.has(to)) {
          seen.add(to);
          stack.push(to);
        }
      }
    }
    return seen;
  }

  /**
   * The shortest path from `from` to `to` (Dijkstra over edge lengths), as coordinates along the
   * edges, and its length in metres. A binary heap keeps it fast enough for the seed's few
   * hundred legs over a few thousand edges.
   */
  path(from: number, to: number): { coordinates: Coordinate[]; metres: number } {
    const dist = new Map<number, number>([[from, 0]]);
    const via = new Map<number, { edge: GraphEdge; prev: number }>();
    const heap: [number, number][] = [[0, from]];
    const push = (item: [number, number]) => {
      heap.push(item);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if ((heap[parent] as [number, number])[0] <= item[0]) break;
        [heap[i], heap[parent]] = [heap[parent] as [number, number], item];
        i = parent;
      }
    };
    const pop = () => {
      const top = heap[0] as [number, number];
      const last = heap.pop() as [number, number];
      if (heap.length > 0) {
        heap[0] = last;
        for (let i = 0; ; ) {
          const [l, r] = [2 * i + 1, 2 * i + 2];
          let m = i;
          if (l < heap.length && (heap[l] as [number, number])[0] < (heap[m] as [number, number])[0]) m = l;
          if (r < heap.length && (heap[r] as [number, number])[0] < (heap[m] as [number, number])[0]) m = r;
          if (m === i) break;
          [heap[i], heap[m]] = [heap[m] as [number, number], heap[i] as [number, number]];
          i = m;
        }
      }
      return top;
    };
    while (heap.length > 0) {
      const [d, node] = pop();
      if (node === to) break;
      if (d > (dist.get(node) ?? Number.POSITIVE_INFINITY)) continue;
      for (const { edge, to: next } of this.adjacent.get(node) ?? []) {
        const nd = d + edge.cost;
        if (nd < (dist.get(next) ?? Number.POSITIVE_INFINITY)) {
          dist.set(next, nd);
          via.set(next, { edge, prev: node });
          push([nd, next]);
        }
      }
    }
    const metres = dist.get(to);
    if (metres === undefined) throw new Error(`street node ${to} cannot be reached from ${from}`);
    const pieces: Coordinate[][] = [];
    for (let node = to; node !== from; ) {
      const step = via.get(node) as { edge: GraphEdge; prev: number };
      pieces.push(step.edge.source === step.prev ? step.edge.coordinates : [...step.edge.coordinates].reverse());
      node = step.prev;
    }
    const coordinates: Coordinate[] = [];
    for (const piece of pieces.reverse()) coordinates.push(...(coordinates.length > 0 ? piece.slice(1) : piece));
    return { coordinates, metres };
  }
}

/**
 * Generates the local streets, nodes them with the named roads into the street graph, and keeps
 * only the part connected to `depotNode`'s (a soi cut off by a lake and the boundary leads
 * nowhere): every pickup point is then reachable from the depot.
 */
export async function seedStreets(tx: Queryable, depotNodeOf: (tx: Queryable) => Promise<number>): Promise<StreetGraph> {
  await insertStreetGrid(tx, SOI_SPACING_M);
  await buildRoadGraph(tx);
  const all = new StreetGraph(await roadGraph(tx));
  const reached = all.component(await depotNodeOf(tx));
  const cut = all.edges.filter((e) => !reached.has(e.source)).map((e) => e.id);
  if (cut.length === 0) return all;
  await dropEdges(tx, cut);
  return new StreetGraph(all.edges.filter((e) => reached.has(e.source)));
}
