/**
 * A small EXIF writer: the APP1 segment a phone camera puts in a JPEG, with the GPS position,
 * the direction the camera faced (GPSImgDirection) and the time the photo was taken. The demo's
 * drawn photos carry it, so that they go through the same reading as a phone's.
 *
 * EXIF is a TIFF structure: a header, then IFDs (directories of 12-byte entries: tag, type,
 * count, and the value itself when it fits in 4 bytes, else its offset), here big-endian ("MM").
 * IFD0 points to the Exif IFD (the time) and the GPS IFD.
 */

const TYPE = { BYTE: 1, ASCII: 2, SHORT: 3, LONG: 4, RATIONAL: 5 } as const;
const SIZE_OF: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8 };

interface Entry {
  tag: number;
  type: (typeof TYPE)[keyof typeof TYPE];
  /** Numbers for BYTE, SHORT, LONG; [numerator, denominator] pairs for RATIONAL; a string for ASCII. */
  value: string | number[] | [number, number][];
}

export interface ExifTags {
  lat: number;
  lon: number;
  /** Degrees clockwise from true north. */
  bearing?: number;
  /** When the photo was taken: the local clock's reading and its offset from UTC. */
  takenAt?: { local: Date; offset: string };
  make?: string;
  model?: string;
}

function count(entry: Entry): number {
  if (typeof entry.value === 'string') return Buffer.byteLength(entry.value, 'latin1') + 1; // NUL-terminated
  return entry.value.length;
}

/** An IFD at `start` (offset from the TIFF header), its out-of-line values after it; `next` links a following IFD. */
function ifd(entries: Entry[], start: number): Buffer {
  const sorted = [...entries].sort((a, b) => a.tag - b.tag);
  const tableSize = 2 + sorted.length * 12 + 4;
  const table = Buffer.alloc(tableSize);
  const data: Buffer[] = [];
  let dataOffset = start + tableSize;
  table.writeUInt16BE(sorted.length, 0);
  sorted.forEach((entry, i) => {
    const n = count(entry);
    const bytes = Buffer.alloc(Math.max(4, n * (SIZE_OF[entry.type] as number)));
    if (typeof entry.value === 'string') bytes.write(entry.value, 0, 'latin1');
    else if (entry.type === TYPE.RATIONAL) {
      (entry.value as [number, number][]).forEach(([numerator, denominator], j) => {
        bytes.writeUInt32BE(numerator, j * 8);
        bytes.writeUInt32BE(denominator, j * 8 + 4);
      });
    } else {
      (entry.value as number[]).forEach((v, j) => {
        if (entry.type === TYPE.BYTE) bytes.writeUInt8(v, j);
        else if (entry.type === TYPE.SHORT) bytes.writeUInt16BE(v, j * 2);
        else bytes.writeUInt32BE(v, j * 4);
      });
    }
    const at = 2 + i * 12;
    table.writeUInt16BE(entry.tag, at);
    table.writeUInt16BE(entry.type, at + 2);
    table.writeUInt32BE(n, at + 4);
    if (bytes.length <= 4) bytes.copy(table, at + 8);
    else {
      table.writeUInt32BE(dataOffset, at + 8);
      // Values start on a word boundary.
      const padded = bytes.length % 2 ? Buffer.concat([bytes, Buffer.alloc(1)]) : bytes;
      data.push(padded);
      dataOffset += padded.length;
    }
  });
  table.writeUInt32BE(0, tableSize - 4); // no IFD follows
  return Buffer.concat([table, ...data]);
}

/** Degrees as EXIF's degrees, minutes and seconds (seconds to a thousandth: about 3 cm). */
function dms(degrees: number): [number, number][] {
  const abs = Math.abs(degrees);
  const d = Math.floor(abs);
  const minutes = (abs - d) * 60;
  const m = Math.floor(minutes);
  const s = Math.round((minutes - m) * 60 * 1000);
  return [
    [d, 1],
    [m, 1],
    [s, 1000],
  ];
}

/** "YYYY:MM:DD HH:MM:SS" as the clock showed it: `local` holds the clock's reading in its UTC fields. */
const exifDateTime = (local: Date) => local.toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, ':');

/** The TIFF structure of the EXIF block (what follows "Exif\0\0" in APP1). */
function exifTiff(tags: ExifTags): Buffer {
  if (Math.abs(tags.lat) > 90 || Math.abs(tags.lon) > 180) throw new RangeError('latitude or longitude out of range');
  const gps: Entry[] = [
    { tag: 0x0000, type: TYPE.BYTE, value: [2, 3, 0, 0] }, // GPSVersionID
    { tag: 0x0001, type: TYPE.ASCII, value: tags.lat < 0 ? 'S' : 'N' },
    { tag: 0x0002, type: TYPE.RATIONAL, value: dms(tags.lat) },
    { tag: 0x0003, type: TYPE.ASCII, value: tags.lon < 0 ? 'W' : 'E' },
    { tag: 0x0004, type: TYPE.RATIONAL, value: dms(tags.lon) },
  ];
  if (tags.bearing !== undefined) {
    gps.push(
      { tag: 0x0010, type: TYPE.ASCII, value: 'T' }, // GPSImgDirectionRef: true north
      { tag: 0x0011, type: TYPE.RATIONAL, value: [[Math.round((((tags.bearing % 360) + 360) % 360) * 100), 100]] },
    );
  }
  const exif: Entry[] = [{ tag: 0x9000, type: TYPE.BYTE, value: [...Buffer.from('0232', 'latin1')] }]; // ExifVersion
  if (tags.takenAt) {
    exif.push(
      { tag: 0x9003, type: TYPE.ASCII, value: exifDateTime(tags.takenAt.local) }, // DateTimeOriginal
      { tag: 0x9011, type: TYPE.ASCII, value: tags.takenAt.offset }, // OffsetTimeOriginal
    );
  }
  const ifd0: Entry[] = [
    ...(tags.make ? [{ tag: 0x010f, type: TYPE.ASCII, value: tags.make } as Entry] : []),
    ...(tags.model ? [{ tag: 0x0110, type: TYPE.ASCII, value: tags.model } as Entry] : []),
    { tag: 0x8769, type: TYPE.LONG, value: [0] }, // Exif IFD pointer, set below
    { tag: 0x8825, type: TYPE.LONG, value: [0] }, // GPS IFD pointer, set below
  ];
  // IFD0's size does not depend on the pointers' values: lay it out once to learn where the others go.
  const header = 8;
  const ifd0Size = ifd(ifd0, header).length;
  const exifBlock = ifd(exif, header + ifd0Size);
  const gpsStart = header + ifd0Size + exifBlock.length;
  const gpsBlock = ifd(gps, gpsStart);
  for (const entry of ifd0) {
    if (entry.tag === 0x8769) entry.value = [header + ifd0Size];
    if (entry.tag === 0x8825) entry.value = [gpsStart];
  }
  const tiffHeader = Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08]); // "MM", 42, IFD0 at 8
  return Buffer.concat([tiffHeader, ifd(ifd0, header), exifBlock, gpsBlock]);
}

/**
 * `jpeg` with an EXIF APP1 segment holding `tags`, right after the start-of-image marker where
 * cameras put it; any EXIF it had is dropped. The picture's bytes are not touched.
 */
export function withExif(jpeg: Uint8Array, tags: ExifTags): Buffer {
  const source = Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
  if (source[0] !== 0xff || source[1] !== 0xd8) throw new Error('not a JPEG');
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), exifTiff(tags)]);
  if (payload.length + 2 > 0xffff) throw new Error('EXIF block too large for one APP1 segment');
  const segment = Buffer.alloc(4);
  segment.writeUInt16BE(0xffe1, 0);
  segment.writeUInt16BE(payload.length + 2, 2);
  // Keep every segment up to the image data but earlier EXIF APP1s.
  const kept: Buffer[] = [];
  let at = 2;
  while (at + 4 <= source.length && source[at] === 0xff) {
    const marker = source[at + 1] as number;
    if (marker === 0xda || marker < 0xe0 || marker > 0xef) break; // start of scan, or a non-APPn segment: the rest is kept whole
    const length = source.readUInt16BE(at + 2);
    const isExif = marker === 0xe1 && source.subarray(at + 4, at + 10).toString('latin1') === 'Exif\0\0';
    if (!isExif) kept.push(source.subarray(at, at + 2 + length));
    at += 2 + length;
  }
  return Buffer.concat([source.subarray(0, 2), segment, payload, ...kept, source.subarray(at)]);
}
