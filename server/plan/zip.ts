import { promisify } from 'node:util';
import { inflateRaw } from 'node:zlib';

const inflate = promisify(inflateRaw);

/** One file inside a ZIP archive (an XLSX is one), as its central directory describes it. */
interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  declaredSize: number;
  localOffset: number;
}

/** Why an archive is refused before anything parses it. */
export class ZipRefusal extends Error {}

/** The central directory: the archive's table of contents, at its end. Sizes are as declared. */
function entries(zip: Buffer): Entry[] {
  // The end-of-central-directory record: 22 bytes plus a comment of up to 65,535 bytes.
  const floor = Math.max(0, zip.length - 22 - 0xffff);
  let end = -1;
  for (let at = zip.length - 22; at >= floor; at--) {
    if (zip.readUInt32LE(at) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) throw new ZipRefusal('not a ZIP archive (an XLSX file is one)');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const found: Entry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) throw new ZipRefusal('its table of contents is damaged');
    const nameLength = zip.readUInt16LE(at + 28);
    const entry = {
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20),
      declaredSize: zip.readUInt32LE(at + 24),
      localOffset: zip.readUInt32LE(at + 42),
    };
    // ZIP64 marks sizes as 0xFFFFFFFF: a spreadsheet small enough to upload never needs it.
    if (entry.declaredSize === 0xffffffff || entry.compressedSize === 0xffffffff) throw new ZipRefusal('ZIP64 archives are not accepted');
    found.push(entry);
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return found;
}

/**
 * Inflates every file of a ZIP archive, refusing it as soon as the total would pass `maxBytes`:
 * first by the sizes the archive declares, then by the bytes really inflated (declared sizes can
 * lie), so a small "ZIP bomb" costs at most `maxBytes` of memory and never reaches a parser.
 * Inflation runs on libuv's thread pool, off the event loop.
 */
export async function inflateAll(zip: Buffer, maxBytes: number): Promise<Map<string, Buffer>> {
  const list = entries(zip);
  const declared = list.reduce((sum, e) => sum + e.declaredSize, 0);
  if (declared > maxBytes) throw new ZipRefusal(`it would unpack to ${declared.toLocaleString('en-US')} bytes; at most ${maxBytes.toLocaleString('en-US')}`);
  const files = new Map<string, Buffer>();
  let total = 0;
  for (const entry of list) {
    const at = entry.localOffset;
    if (at + 30 > zip.length || zip.readUInt32LE(at) !== 0x04034b50) throw new ZipRefusal(`${entry.name} is damaged`);
    const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
    const data = zip.subarray(start, start + entry.compressedSize);
    let content: Buffer;
    if (entry.method === 0) content = data;
    else if (entry.method === 8) {
      try {
        // One byte more than the room left: getting it means the archive is over the limit.
        content = await inflate(data, { maxOutputLength: maxBytes - total + 1 });
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
          throw new ZipRefusal(`it unpacks to more than ${maxBytes.toLocaleString('en-US')} bytes`);
        throw new ZipRefusal(`${entry.name} cannot be unpacked`);
      }
    } else throw new ZipRefusal(`${entry.name} uses an unsupported compression method`);
    total += content.length;
    if (total > maxBytes) {
      throw new ZipRefusal(`it unpacks to more than ${maxBytes.toLocaleString('en-US')} bytes`);
    }
    files.set(entry.name, content);
  }
  return files;
}
