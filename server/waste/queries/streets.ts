import type { Queryable } from '../../db/index.ts';

/**
 * Local streets (sois) as a slightly jittered grid over the city: a line every `spacingM` metres
 * north–south and east–west, each moved by up to a fifth of the spacing (seed_unit: the same on
 * both engines), clipped to the dry part of the municipality (not across the lakes). Written to
 * basemap_features as kind 'street', so the map draws them with the named roads.
 */
export async function insertStreetGrid(db: Queryable, spacingM: number): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `WITH land AS MATERIALIZED (SELECT dry_land(geom) AS geom FROM municipality WHERE id = 1),
     frame AS (
       SELECT ST_XMin(geom) AS x0, ST_XMax(geom) AS x1, ST_YMin(geom) AS y0, ST_YMax(geom) AS y1,
              $1 / (111320 * cos(radians(ST_Y(ST_Centroid(geom))))) AS dx, $1 / 110570.0 AS dy
       FROM land),
     lines AS (
       SELECT 'ns' AS dir, k, ST_MakeLine(ST_MakePoint(x, f.y0), ST_MakePoint(x + 0.2 * f.dx * (seed_unit('soi-tilt-ns' || k) - 0.5), f.y1)) AS geom
       FROM frame f, generate_series(1, floor((f.x1 - f.x0) / f.dx)::int) AS k,
            LATERAL (SELECT f.x0 + f.dx * (k + 0.4 * (seed_unit('soi-ns' || k) - 0.5)) AS x) AS at
       UNION ALL
       SELECT 'ew', k, ST_MakeLine(ST_MakePoint(f.x0, y), ST_MakePoint(f.x1, y + 0.2 * f.dy * (seed_unit('soi-tilt-ew' || k) - 0.5)))
       FROM frame f, generate_series(1, floor((f.y1 - f.y0) / f.dy)::int) AS k,
            LATERAL (SELECT f.y0 + f.dy * (k + 0.4 * (seed_unit('soi-ew' || k) - 0.5)) AS y) AS at),
     clipped AS (
       SELECT l.dir, l.k, piece.path[1] AS part, piece.geom
       FROM lines l, land, ST_Dump(ST_Intersection(ST_SetSRID(l.geom, 4326), land.geom, 1e-9)) AS piece
       WHERE GeometryType(piece.geom) = 'LINESTRING' AND ST_Length(piece.geom::geography) > 30),
     added AS (
       INSERT INTO basemap_features (kind, name_th, name_en, geom)
       SELECT 'street', 'ซอย ' || CASE dir WHEN 'ns' THEN 'เหนือ-ใต้ ' ELSE 'ตะวันออก-ตะวันตก ' END || k,
              'Soi ' || upper(dir) || ' ' || k, ST_ReducePrecision(geom, 1e-7)
       FROM clipped ORDER BY dir, k, part
       RETURNING 1)
     SELECT count(*)::int AS n FROM added`,
    [spacingM],
  );
  return row?.n ?? 0;
}

/**
 * The street graph: the named roads and the streets noded where they cross (ST_Node), each piece
 * an edge whose cost is its length in metres both ways; nodes are the pieces' ends (on a 1e-7°
 * grid, so that two pieces meeting share one node). Replaces what road_nodes/road_edges held.
 */
export async function buildRoadGraph(db: Queryable): Promise<{ nodes: number; edges: number }> {
  await db.query('DELETE FROM road_edges');
  await db.query('DELETE FROM road_nodes');
  await db.query(
    `WITH pieces AS (
       SELECT (ST_Dump(ST_Node(ST_Collect(part.geom)))).geom AS geom
       FROM basemap_features b, ST_Dump(b.geom) AS part
       WHERE b.kind IN ('road', 'street')),
     ends AS (
       SELECT DISTINCT ST_SnapToGrid(p, 1e-7) AS geom
       FROM pieces, LATERAL (VALUES (ST_StartPoint(pieces.geom)), (ST_EndPoint(pieces.geom))) AS e(p))
     INSERT INTO road_nodes (id, geom)
     SELECT row_number() OVER (ORDER BY ST_X(geom), ST_Y(geom)), geom FROM ends`,
  );
  await db.query(
    `WITH pieces AS (
       SELECT (ST_Dump(ST_Node(ST_Collect(part.geom)))).geom AS geom
       FROM basemap_features b, ST_Dump(b.geom) AS part
       WHERE b.kind IN ('road', 'street')),
     nodes AS (SELECT id, ST_AsText(geom) AS key FROM road_nodes),
     keyed AS (
       SELECT geom, ST_AsText(ST_SnapToGrid(ST_StartPoint(geom), 1e-7)) AS a, ST_AsText(ST_SnapToGrid(ST_EndPoint(geom), 1e-7)) AS b
       FROM pieces WHERE ST_Length(geom) > 0)
     INSERT INTO road_edges (id, source, target, cost, reverse_cost, name_th, geom)
     SELECT row_number() OVER (ORDER BY s.id, t.id, ST_Length(k.geom)), s.id, t.id, len, len,
            (SELECT b.name_th FROM basemap_features b WHERE b.kind IN ('road', 'street') AND ST_DWithin(b.geom, ST_LineInterpolatePoint(k.geom, 0.5), 1e-6)
             ORDER BY b.kind, b.id LIMIT 1),
            k.geom
     FROM keyed k JOIN nodes s ON s.key = k.a JOIN nodes t ON t.key = k.b,
          LATERAL (SELECT ST_Length(k.geom::geography) AS len) AS m`,
  );
  const [row] = await db.query<{ nodes: number; edges: number }>(
    'SELECT (SELECT count(*) FROM road_nodes)::int AS nodes, (SELECT count(*) FROM road_edges)::int AS edges',
  );
  return row ?? { nodes: 0, edges: 0 };
}

export interface GraphEdge {
  id: number;
  source: number;
  target: number;
  cost: number;
  coordinates: [number, number][];
}

/** The whole street graph, for routing in the seed (a few thousand edges). */
export const roadGraph = (db: Queryable) =>
  db.query<GraphEdge>(
    `SELECT id, source, target, cost, (ST_AsGeoJSON(geom, 7)::json -> 'coordinates') AS coordinates
     FROM road_edges ORDER BY id`,
  );

/** Drops the nodes and edges the seed found cut off from the depot's part of the graph. */
export async function dropEdges(db: Queryable, edgeIds: number[]): Promise<void> {
  await db.query('DELETE FROM road_edges WHERE id = ANY($1::int[])', [edgeIds]);
  await db.query('DELETE FROM road_nodes n WHERE NOT EXISTS (SELECT FROM road_edges e WHERE e.source = n.id OR e.target = n.id)');
}
