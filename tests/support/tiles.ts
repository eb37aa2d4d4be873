import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

/** The tile that holds a point at a zoom (slippy-map numbering). */
export function tileAt(lon: number, lat: number, z: number): { z: number; x: number; y: number } {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const rad = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.asinh(Math.tan(rad)) / Math.PI) / 2) * n);
  return { z, x, y };
}

/** A tile as the tile route's parameters (`GET /api/tiles/parcels/:z/:x/:y`): the row carries the `.mvt`. */
export const tileParam = ({ z, x, y }: { z: number; x: number; y: number }) => ({ z: String(z), x: String(x), y: `${y}.mvt` });

export function decodeTile(bytes: ArrayBuffer): VectorTile {
  return new VectorTile(new PbfReader(new Uint8Array(bytes)));
}
