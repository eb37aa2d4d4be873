/**
 * The coordinate systems the tax map comes in: Thai GIS layers are drawn in UTM on WGS 84, zone
 * 47N west of 102° E and 48N east of it, or exported as plain WGS 84 longitudes and latitudes.
 */
const IMPORT_SRIDS = [4326, 32647, 32648] as const;
export type ImportSrid = (typeof IMPORT_SRIDS)[number];

const isImportSrid = (n: number): n is ImportSrid => (IMPORT_SRIDS as readonly number[]).includes(n);

/** What a CRS names, read from a WKT (.prj) or a GeoJSON `crs` name: an accepted SRID or why not. */
export type CrsReading = { srid: ImportSrid } | { problem: string };

/**
 * A .prj's WKT (ESRI's WKT1, OGC WKT1 or WKT2). Read by what it says, not by its name alone:
 * an EPSG authority code when it gives one, else the datum and the UTM zone (from the name, or
 * the central meridian: 99° E is 47N, 105° E is 48N). The Indian 1975 datum, which older Thai
 * maps use, is refused: its UTM grid is some 400 m off WGS 84's.
 */
export function crsOfPrj(wkt: string): CrsReading {
  const text = wkt.replace(/\s+/g, ' ');
  // The outermost AUTHORITY / ID is the CRS's own (the last one in WKT1, after its parts').
  const authorities = [...text.matchAll(/(?:AUTHORITY|ID)\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]/gi)].map((m) => Number(m[1]));
  const own = authorities.at(-1);
  if (own !== undefined && isImportSrid(own)) return { srid: own };
  const projected = /^\s*(PROJCS|PROJCRS|PROJECTEDCRS)\b/i.test(text);
  const wgs84 = /DATUM\[\s*"(D_)?WGS[ _]?(19)?84"|World Geodetic System 1984/i.test(text);
  if (/Indian[ _]1975/i.test(text)) return { problem: 'the Indian 1975 datum is not accepted: reproject the layer to WGS 84 (EPSG:32647, 32648 or 4326)' };
  if (!wgs84) return { problem: 'the .prj does not name the WGS 84 datum; accepted: EPSG:32647, EPSG:32648, EPSG:4326' };
  if (!projected) return { srid: 4326 };
  const zone = /UTM[ _]?zone[ _]?(\d{1,2})[ _]?([NS])/i.exec(text);
  const meridian = /"(?:central_meridian|Longitude of natural origin)"\s*,\s*(-?[\d.]+)/i.exec(text);
  const number = zone ? (zone[2]?.toUpperCase() === 'N' ? Number(zone[1]) : -1) : meridian ? (Number(meridian[1]) + 183) / 6 : -1;
  if (number === 47) return { srid: 32647 };
  if (number === 48) return { srid: 32648 };
  return { problem: 'a projection other than UTM zone 47N or 48N; accepted: EPSG:32647, EPSG:32648, EPSG:4326' };
}

/**
 * A GeoJSON `crs` member's name or a request's `crs` field: "EPSG:32648",
 * "urn:ogc:def:crs:EPSG::32648", "32648", or CRS84 (WGS 84 longitude, latitude).
 */
export function crsOfName(name: string): CrsReading {
  if (/^urn:ogc:def:crs:OGC:1\.3:CRS84$/i.test(name.trim())) return { srid: 4326 };
  const code = /^(?:(?:urn:ogc:def:crs:)?EPSG:{1,2}(?:[\d.]*:)?)?(\d{4,5})$/i.exec(name.trim())?.[1];
  const srid = Number(code);
  if (code && isImportSrid(srid)) return { srid };
  return { problem: `"${name}" is not accepted; accepted: EPSG:32647, EPSG:32648, EPSG:4326` };
}
