/**
 * Part of `npm run build`: the embedded engine's prebuilt demo database (server/seed/image.ts).
 * Migrates and seeds the demo data that does not depend on the moment of seeding, with the demo
 * accounts, in memory, and packs PGlite's data directory into dist/embedded/; then draws the demo
 * site photos of that data into dist/embedded/photos/ (server/sites/photos/prebuilt.ts), which a
 * demo start copies instead of drawing them. Each is kept as it is when it was made by the same
 * code and migrations.
 */
import { ensureDemoAccounts } from '../server/auth/demo.ts';
import { gunzipSync, gzipSync } from 'node:zlib';
import { openEmbedded } from '../server/db/embedded.ts';
import { migrate } from '../server/db/migrate.ts';
import { filterTar } from '../server/db/tar.ts';
import { demoImageIsCurrent, IMAGE_DIR, writeDemoImage } from '../server/seed/image.ts';
import { seedLastingDemoData } from '../server/seed/index.ts';
import { openPrebuiltPhotos, PREBUILT_PHOTOS_DIR } from '../server/sites/photos/prebuilt.ts';
import { prebuildSitePhotos } from '../server/sites/photos/seed.ts';

const imageCurrent = demoImageIsCurrent();
// The photos are drawn from the image's data: a new image gets new photos.
const photosCurrent = imageCurrent && openPrebuiltPhotos() !== null;
if (imageCurrent && photosCurrent) {
  console.log(`build-seed: ${IMAGE_DIR} is up to date`);
} else {
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(0);
  const db = await openEmbedded(null);
  try {
    await migrate(db);
    // The accounts first: the demo data's inspections are the demo engineer's.
    await ensureDemoAccounts(db);
    await seedLastingDemoData(db);
    if (!imageCurrent) {
      // The planner's statistics and all-visible pages ship in the image, not made again by a first
      // start; FULL: the seed updates every parcel more than once, which left their table a third live.
      await db.exec('VACUUM FULL ANALYZE');
      const tarball = await withoutSpentWal(db);
      writeDemoImage(tarball);
      console.log(`build-seed: ${IMAGE_DIR}, ${(tarball.length / 1e6).toFixed(1)} MB, made in ${seconds()} s`);
    }
    const drawn = await prebuildSitePhotos(db);
    console.log(`build-seed: ${PREBUILT_PHOTOS_DIR}, ${drawn} demo site photos, after ${seconds()} s`);
  } finally {
    await db.close();
  }
}

/**
 * The data directory, packed, without the write-ahead log a start does not read. After a
 * checkpoint, recovery reads from the checkpoint's segment to the current one; the segments
 * before it are spent and those after it are recycled files of old log, which the server
 * overwrites or ignores (their page headers do not match). Packed, the seed's 14 segments of
 * 16 MB made most of the image.
 */
async function withoutSpentWal(db: Awaited<ReturnType<typeof openEmbedded>>): Promise<Uint8Array> {
  await db.exec('CHECKPOINT');
  const [wal] = await db.query<{ redo: string; current: string }>(
    'SELECT redo_wal_file AS redo, pg_walfile_name(pg_current_wal_lsn()) AS current FROM pg_control_checkpoint()',
  );
  if (!wal) throw new Error('no checkpoint to pack the image from');
  const segment = /\/pg_wal\/([0-9A-F]{24})$/;
  const tar = filterTar(gunzipSync(await db.dump()), (name) => {
    const file = segment.exec(name)?.[1];
    return file === undefined || (file >= wal.redo && file <= wal.current);
  });
  return gzipSync(tar);
}
