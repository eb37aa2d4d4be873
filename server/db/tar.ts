/**
 * The entries of a plain (ustar) tar archive that `keep` accepts, as a new archive: for trimming
 * a bundle PGlite unpacks. Links and directories are entries like any other.
 */
export function filterTar(tar: Uint8Array, keep: (name: string) => boolean): Buffer {
  const archive = Buffer.from(tar.buffer, tar.byteOffset, tar.byteLength);
  const kept: Buffer[] = [];
  let at = 0;
  while (at + 512 <= archive.length && archive[at] !== 0) {
    const header = archive.subarray(at, at + 512);
    const field = (from: number, to: number) => header.subarray(from, to).toString('latin1').replace(/\0.*$/s, '');
    const prefix = field(345, 500);
    const name = `${prefix ? `${prefix}/` : ''}${field(0, 100)}`;
    const size = Number.parseInt(field(124, 136).trim() || '0', 8);
    const end = at + 512 + Math.ceil(size / 512) * 512;
    if (keep(name)) kept.push(archive.subarray(at, end));
    at = end;
  }
  kept.push(Buffer.alloc(1024)); // the archive's end
  return Buffer.concat(kept);
}
