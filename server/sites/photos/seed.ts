import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { BANGKOK_OFFSET, bangkokWallClock } from '../../clock.ts';
import type { Db } from '../../db/index.ts';
import { withExif } from './exifWrite.ts';
import { readExif, resizedCopy } from './image.ts';
import { PREBUILT_PHOTOS_DIR, type PrebuiltPhoto, type PrebuiltPhotos, writePrebuiltPhotos } from './prebuilt.ts';
import { distancesFromSites, insertPhotos, inspectionsToDraw, photoFiles, replacePhotoFile, type InspectionToDraw } from './queries.ts';
import { putPhotoFiles, type PhotoStore } from './store.ts';

/**
 * Demo photos of the demo inspections: construction scenes drawn (SVG, rendered to JPEG by
 * sharp) from each site's name and its progress at the visit, with EXIF GPS, bearing and time
 * written in as a phone writes them, so they go through the upload's own reading.
 *
 * Each site's photos:
 * - at every inspection, one from the same spot and bearing ("station", 20 m from the works),
 *   the works further along each time: the before/after pairs;
 * - at every other inspection, a second one from another side (35 m);
 * - at its latest inspection, one taken far away (several hundred metres), which the site
 *   flags as `far`.
 * Everything is derived from the inspection's id and the site: the same data draws the same photos.
 */

/** Drawn in an 800×600 frame, rendered at 640×480: a phone photo's shape, and under 30 ms each with its copies. */
const WIDTH = 640;
const HEIGHT = 480;

type View = 'station' | 'side' | 'far';
type Works = 'road' | 'drain' | 'building';

interface PlannedPhoto {
  id: string;
  inspection: InspectionToDraw;
  view: View;
  lon: number;
  lat: number;
  bearing: number;
  takenAt: Date;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** A UUID made from a name (the layout of version 5, from SHA-256): the same inspection gives the same photo ids. */
function nameUuid(name: string): string {
  const bytes = digest(name).subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A number in [0, 1) from a name: the demo's dice, the same at every run. */
const unit = (name: string) => digest(name).readUInt32BE(0) / 2 ** 32;

/** What kind of works a site is, by its name (Thai or English), else by its shape. */
function worksOf(site: InspectionToDraw): Works {
  const name = `${site.name_en} ${site.name_th}`.toLowerCase();
  if (/drain|sewer|culvert|pipe|ระบายน้ำ|ท่อ|คูน้ำ|ลำราง/.test(name)) return 'drain';
  if (/building|hall|market|school|centre|center|อาคาร|ตลาด|โรงเรียน|ศูนย์/.test(name)) return 'building';
  if (/road|street|soi|bridge|ถนน|ซอย|สะพาน|ผิวจราจร/.test(name)) return 'road';
  return /Polygon/.test(site.geometry_type) ? 'building' : 'road';
}

/** `metres` from (lon, lat) towards `degrees` (clockwise from north), on a sphere: close enough within a kilometre. */
function offset(lon: number, lat: number, metres: number, degrees: number): [number, number] {
  const rad = (degrees * Math.PI) / 180;
  const dLat = (metres * Math.cos(rad)) / 111_320;
  const dLon = (metres * Math.sin(rad)) / (111_320 * Math.cos((lat * Math.PI) / 180));
  return [lon + dLon, lat + dLat];
}

const round7 = (degrees: number) => Math.round(degrees * 1e7) / 1e7;

const facing = (degrees: number) => (((degrees + 180) % 360) + 360) % 360;

/** The photos to draw: per site, in order of visit (see the module's comment). */
async function plan(db: Db, inspections: InspectionToDraw[]): Promise<PlannedPhoto[]> {
  const bySite = new Map<number, InspectionToDraw[]>();
  for (const inspection of inspections) bySite.set(inspection.project_id, [...(bySite.get(inspection.project_id) ?? []), inspection]);
  const planned: PlannedPhoto[] = [];
  const around = (siteId: number) => Math.floor(unit(`site ${siteId}`) * 360);
  // The far photo goes where the works are furthest from: a road may run a kilometre towards any one direction.
  const TURNS = [0, 90, 180, 270];
  const candidates = [...bySite].flatMap(([siteId, [first]]) =>
    TURNS.map((turn) => {
      const [lon, lat] = offset(first!.lon, first!.lat, 600, around(siteId) + 200 + turn);
      return { site: siteId, lon, lat };
    }),
  );
  const distances = await distancesFromSites(db, candidates);
  [...bySite].forEach(([siteId, visits], s) => {
    const first = visits[0]!;
    const station = offset(first.lon, first.lat, 20, around(siteId));
    const side = offset(first.lon, first.lat, 35, around(siteId) + 110);
    const ofSite = distances.slice(s * TURNS.length, (s + 1) * TURNS.length);
    const best = candidates[s * TURNS.length + ofSite.indexOf(Math.max(...ofSite))]!;
    const far: [number, number] = [best.lon, best.lat];
    visits.forEach((visit, index) => {
      const at = (minutes: number) => new Date(Date.parse(visit.visited_at) + minutes * 60_000);
      // Positions to the centimetre: the last digits of a site's point differ between PostGIS builds, the photo should not.
      const photo = (n: number, view: View, [lon, lat]: [number, number], from: number, minutes: number) =>
        planned.push({
          id: nameUuid(`demo photo ${visit.id} ${n}`),
          inspection: visit,
          view,
          lon: round7(lon),
          lat: round7(lat),
          bearing: facing(from),
          takenAt: at(minutes),
        });
      photo(0, 'station', station, around(siteId), 2);
      if (index % 2 === 1) photo(1, 'side', side, around(siteId) + 110, 6);
      if (index === visits.length - 1) photo(2, 'far', far, around(siteId) + 200, 12);
    });
  });
  return planned;
}

const xmlText = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

/** The works at `done` (0–1) of completion, drawn in a 800×600 frame with the horizon at 250. */
function works(kind: Works, done: number, dice: (name: string) => number): string {
  if (kind === 'road') {
    // A new road running away from the camera: paved from the near end as far as the works have come.
    const paved = 250 + 350 * (1 - done);
    const cones = [0.2, 0.45, 0.7].map((t) => {
      const y = 260 + 330 * t;
      const x = 400 + (110 + 300 * t) * 1.05;
      return `<polygon points="${x},${y - 28 * t - 8} ${x - 8 - 6 * t},${y} ${x + 8 + 6 * t},${y}" fill="#f26b1d"/>`;
    });
    const dashes = Array.from({ length: 8 }, (_, i) => {
      const y = 600 - i * 45;
      return y > paved ? `<rect x="${397 - (y - 250) / 60}" y="${y - 22}" width="${6 + (y - 250) / 30}" height="20" fill="#f4f1e6"/>` : '';
    });
    return `
      <polygon points="380,250 420,250 760,600 40,600" fill="#b0a184"/>
      <polygon points="${400 - 20 - ((paved - 250) / 350) * 340},${paved} ${400 + 20 + ((paved - 250) / 350) * 340},${paved} 760,600 40,600" fill="#3c3d40"/>
      ${dashes.join('')}${cones.join('')}
      <g transform="translate(${380 + dice('roller') * 40 - 60},${Math.min(560, paved) - 70})">
        <rect x="0" y="0" width="110" height="45" rx="6" fill="#f2c230"/><rect x="20" y="-30" width="50" height="32" fill="none" stroke="#333" stroke-width="4"/>
        <rect x="-20" y="30" width="60" height="45" rx="20" fill="#666"/><circle cx="90" cy="55" r="22" fill="#222"/>
      </g>`;
  }
  if (kind === 'drain') {
    // A trench along the street with concrete pipe laid in it up to the works' progress.
    const laid = Math.round(done * 7);
    const pipes = Array.from({ length: 7 }, (_, i) => {
      const t = 1 - i / 7;
      const y = 280 + 220 * t;
      const r = 10 + 40 * t;
      return i < laid
        ? `<ellipse cx="${400 - 80 * t}" cy="${y}" rx="${r}" ry="${r * 0.8}" fill="#9a9ea3" stroke="#6d7176" stroke-width="3"/><ellipse cx="${400 - 80 * t}" cy="${y}" rx="${r * 0.6}" ry="${r * 0.5}" fill="#4a4d50"/>`
        : '';
    });
    return `
      <polygon points="390,250 410,250 ${470 - 0},600 ${170},600" fill="#5b4632"/>
      ${pipes.join('')}
      <path d="M560,600 Q620,${430 - 40 * dice('mound')} 760,600 Z" fill="#8a6a44"/>
      <g transform="translate(${560 + dice('digger') * 60},330)">
        <rect x="0" y="40" width="120" height="60" rx="8" fill="#f2c230"/><rect x="10" y="100" width="110" height="26" rx="12" fill="#333"/>
        <polyline points="20,50 -60,-10 -110,60" fill="none" stroke="#e0a800" stroke-width="14"/><rect x="-130" y="55" width="40" height="30" fill="#555"/>
      </g>`;
  }
  // A building going up floor by floor: slabs and columns built, then bare rebar, and a crane.
  const floors = 5;
  const built = Math.max(1, Math.round(done * floors));
  const storeys = Array.from({ length: floors }, (_, i) => {
    const y = 520 - i * 60;
    if (i >= built) return `<path d="M260,${y} v-50 M330,${y} v-50 M400,${y} v-50 M470,${y} v-50 M540,${y} v-50" stroke="#7a5230" stroke-width="3"/>`;
    const wall = done > 0.8 && i < built - 1 ? `<rect x="262" y="${y - 52}" width="276" height="50" fill="#e7dcc8"/>` : '';
    return `${wall}<rect x="250" y="${y - 4}" width="300" height="10" fill="#a7a9ac"/>${[260, 330, 400, 470, 540].map((x) => `<rect x="${x - 5}" y="${y - 56}" width="10" height="56" fill="#b9bbbe"/>`).join('')}`;
  });
  return `
    <rect x="230" y="530" width="340" height="14" fill="#8d8f92"/>${storeys.join('')}
    <path d="M${640 + dice('crane') * 40},560 v-420 M${600 + dice('crane') * 40},160 h260" stroke="#e8b100" stroke-width="9"/>
    <line x1="${760 + dice('crane') * 40}" y1="160" x2="${760 + dice('crane') * 40}" y2="${280 + 120 * (1 - done)}" stroke="#333" stroke-width="2"/>`;
}

/** The scene of one photo as SVG. */
function scene(photo: PlannedPhoto): string {
  const { inspection, view } = photo;
  const dice = (name: string) => unit(`${inspection.project_id} ${name}`);
  const trees = Array.from({ length: 9 }, (_, i) => {
    const x = i * 95 + dice(`tree ${i}`) * 60;
    const r = 22 + dice(`tree size ${i}`) * 26;
    return `<ellipse cx="${x}" cy="${250 - r * 0.5}" rx="${r * 1.3}" ry="${r}" fill="${i % 2 ? '#3f6b35' : '#4c7d3d'}"/>`;
  });
  const drawn = works(worksOf(inspection), inspection.progress_pct / 100, dice);
  // From the side the same works are nearer and turned; from far away they are small in the fields.
  const framed =
    view === 'station'
      ? drawn
      : view === 'side'
        ? `<g transform="translate(800,0) scale(-1.25,1.25) translate(80,-60)">${drawn}</g>`
        : `<rect y="250" width="800" height="350" fill="#86a35a"/><g transform="translate(330,215) scale(0.18)">${drawn}</g>`;
  // The demo cameras' clocks are set to Bangkok time.
  const local = bangkokWallClock(photo.takenAt).toISOString();
  const caption = `${local.slice(0, 10)} ${local.slice(11, 16)}  ·  ${inspection.code}  ·  ${Math.round(inspection.progress_pct)}%`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 800 600">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#79b7e6"/><stop offset="1" stop-color="#e4f1fb"/></linearGradient></defs>
    <rect width="800" height="250" fill="url(#sky)"/><rect y="250" width="800" height="350" fill="#c8b189"/>
    ${trees.join('')}${framed}
    <rect y="520" width="800" height="80" fill="#000" fill-opacity="0.55"/>
    <text x="20" y="552" font-family="DejaVu Sans, sans-serif" font-size="24" fill="#fff">${xmlText(caption)}</text>
    <text x="20" y="584" font-family="Loma, Garuda, sans-serif" font-size="20" fill="#e8e8e8">${xmlText(inspection.name_th.slice(0, 60))} (ภาพสาธิต)</text>
  </svg>`;
}

/**
 * The photo as a camera would have made it (a JPEG with its EXIF), and its copies. The picture
 * before its EXIF is written is what the display copy is (a JPEG of at most 1600 px without
 * metadata): not decoded and encoded again, the demo's start is a third quicker.
 */
async function draw(photo: PlannedPhoto) {
  // Rendered once to pixels, then encoded at both sizes: the SVG is the slow part.
  const { data, info } = await sharp(Buffer.from(scene(photo)))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { width: info.width, height: info.height, channels: info.channels };
  const [display, thumb] = await Promise.all([sharp(data, { raw }).jpeg({ quality: 82 }).toBuffer(), resizedCopy(data, 'thumb', raw)]);
  const original = withExif(display, {
    lat: photo.lat,
    lon: photo.lon,
    bearing: photo.bearing,
    takenAt: { local: bangkokWallClock(photo.takenAt), offset: BANGKOK_OFFSET },
    make: 'Mueang demo',
    model: 'drawn site photo',
  });
  return { original, display, thumb };
}

/** Everything a photo is drawn from: the same fingerprint, the same files (see prebuilt.ts). */
const fingerprint = (photo: PlannedPhoto) =>
  createHash('sha256')
    .update(JSON.stringify([WIDTH, HEIGHT, scene(photo), photo.lon, photo.lat, photo.bearing, photo.takenAt.toISOString()]))
    .digest('hex');

/** Draws a photo into `store`; what it is, read back as an upload reads a phone's photo. */
async function drawInto(store: PhotoStore, photo: PlannedPhoto): Promise<PrebuiltPhoto> {
  const files = await draw(photo);
  const sha256 = createHash('sha256').update(files.original).digest('hex');
  await putPhotoFiles(store, sha256, 'image/jpeg', files);
  return { fingerprint: fingerprint(photo), sha256, bytes: files.original.byteLength, exif: await readExif(files.original) };
}

/** Runs `work` on every item, `limit` at a time (sharp's threads are the machine's cores: more only queue). */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/**
 * Demo mode, at every start: puts the demo inspections' photos in the store the first time (when
 * there are inspections and no photo at all), and afterwards any demo photo whose files the
 * store lacks (a database copied without its data directory, or a new store). Each is copied
 * from the set `npm run build` drew (`prebuilt`) when that holds it, drawn otherwise. Photos
 * people uploaded are never touched. Says how many photos it drew and copied.
 */
export async function seedSitePhotos(db: Db, store: PhotoStore, prebuilt: PrebuiltPhotos | null = null): Promise<{ drawn: number; copied: number }> {
  const done = { drawn: 0, copied: 0 };
  const existing = new Map((await photoFiles(db)).map((row) => [row.id, row.sha256]));
  const inspections = await inspectionsToDraw(db);
  if (!inspections.length) return done;
  const planned = await plan(db, inspections);
  const todo: PlannedPhoto[] = [];
  if (existing.size === 0) todo.push(...planned);
  else {
    await eachLimited(planned, 8, async (photo) => {
      const sha256 = existing.get(photo.id);
      if (sha256 && !(await store.has(sha256))) todo.push(photo);
    });
  }
  if (!todo.length) return done;
  const stored = new Map<string, PrebuiltPhoto>();
  await eachLimited(todo, 2, async (photo) => {
    const copied = await prebuilt?.copyTo(store, photo.id, fingerprint(photo));
    stored.set(photo.id, copied ?? (await drawInto(store, photo)));
    done[copied ? 'copied' : 'drawn']++;
  });
  const fresh = todo.filter((photo) => !existing.has(photo.id));
  await db.transaction(async (tx) => {
    for (const photo of todo) {
      const { bytes, sha256 } = stored.get(photo.id)!;
      if (existing.has(photo.id) && existing.get(photo.id) !== sha256) await replacePhotoFile(tx, photo.id, { sha256, bytes, width: WIDTH, height: HEIGHT });
    }
    await insertPhotos(
      tx,
      fresh.map((photo) => {
        const { bytes, exif, sha256 } = stored.get(photo.id)!;
        return {
          id: photo.id,
          inspection_id: photo.inspection.id,
          sha256,
          content_type: 'image/jpeg' as const,
          bytes,
          width: WIDTH,
          height: HEIGHT,
          taken_at: exif.takenAt,
          lon: exif.lon,
          lat: exif.lat,
          bearing: exif.bearing,
          position_source: 'exif' as const,
        };
      }),
    );
  });
  return done;
}

/**
 * `npm run build`: draws every demo photo of the demo database `db` into the prebuilt set in
 * `dir` (prebuilt.ts), for demo starts to copy. Records nothing in `db`. Says how many it drew.
 */
export async function prebuildSitePhotos(db: Db, dir = PREBUILT_PHOTOS_DIR): Promise<number> {
  const planned = await plan(db, await inspectionsToDraw(db));
  return writePrebuiltPhotos(dir, async (store) => {
    const photos: Record<string, PrebuiltPhoto> = {};
    await eachLimited(planned, 2, async (photo) => {
      photos[photo.id] = await drawInto(store, photo);
    });
    return photos;
  });
}
