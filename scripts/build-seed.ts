/**
 * Part of `npm run build`: the embedded engine's prebuilt demo database (server/seed/image.ts).
 * Migrates and seeds the demo data that does not depend on the moment of seeding, with the demo
 * accounts, in memory, and packs PGlite's data directory into dist/embedded/; then draws the demo
 * site photos of that data into dist/embedded/photos/ (server/sites/photos/prebuilt.ts), which a
 * demo start copies instead of drawing them. Each is kept as it is when it was made by the same
 * code and migrations.
 */
import { ensureDemoAccounts } from '../server/auth/demo.ts';
import { openEmbedded } from '../server/db/embedded.ts';
import { migrate } from '../server/db/migrate.ts';
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
      // The planner's statistics and all-visible pages ship in the image, not made again by a first start.
      await db.exec('VACUUM ANALYZE');
      const tarball = await db.dump();
      writeDemoImage(tarball);
      console.log(`build-seed: ${IMAGE_DIR}, ${(tarball.length / 1e6).toFixed(1)} MB, made in ${seconds()} s`);
    }
    const drawn = await prebuildSitePhotos(db);
    console.log(`build-seed: ${PREBUILT_PHOTOS_DIR}, ${drawn} demo site photos, after ${seconds()} s`);
  } finally {
    await db.close();
  }
}
