import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { openDatabase, openReads, type Db } from './db/index.ts';
import { migrate } from './db/migrate.ts';
import { DEMO_PASSWORD } from './auth/passwords.ts';
import { demoCredentialProblem, ensureDemoAccounts } from './auth/demo.ts';
import { readDemoImage } from './seed/image.ts';
import { seedDemoData } from './seed/index.ts';
import { ManualClock, systemClock, type Clock } from './clock.ts';
import { startFloodDesk } from './flood/desk.ts';
import { openLiveHub } from './live/hub.ts';
import { loadLiveEvent } from './live/topics.ts';
import { ParcelTiles } from './parcels/tileCache.ts';
import { openPrebuiltPhotos } from './sites/photos/prebuilt.ts';
import { seedSitePhotos } from './sites/photos/seed.ts';
import { FileStore, S3Store, type PhotoStore } from './sites/photos/store.ts';
import { startTaxStatus } from './tax/status.ts';

/** Production mode's refusal of demo credentials: the process says why and ends. */
export class StartRefused extends Error {}

export interface Mueang {
  app: ReturnType<typeof createApp>;
  db: Db;
  clock: Clock;
  /** Where links point once the listening port is known (PORT=0). */
  setPublicUrl(url: string): void;
  close(): Promise<void>;
}

/**
 * Everything the server is but its listening socket: the database (migrated, seeded in demo
 * mode, checked for demo credentials in production), the flood desk, the live hub and the app.
 * `server/main.ts` serves it over HTTP; the API tests call its app in-process.
 */
export async function openMueang(config: Config): Promise<Mueang> {
  const clock = config.clock === 'manual' ? new ManualClock() : systemClock;
  const steps = stopwatch();
  // A demo's new embedded database starts from the image `npm run build` made, which holds the demo
  // data at the default scale; production never gets it (nor any other generated data).
  const { store: storeConfig, ...photoLimits } = config.photos;
  const photos: PhotoStore = storeConfig.kind === 's3' ? new S3Store(storeConfig) : new FileStore(storeConfig.root);
  const image = config.mode === 'demo' && config.parcelScale === 1 ? readDemoImage : undefined;
  const db = await steps.time('database', () =>
    openDatabase({ url: config.databaseUrl, listenUrl: config.databaseListenUrl, dataDir: join(config.dataDir, 'pglite'), image }),
  );
  try {
    const applied = await steps.time('migrations', () => migrate(db));
    if (applied.length) console.log(`migrations applied: ${applied.join(', ')}`);
    if (config.mode === 'demo') {
      const now = clock.now();
      // The accounts first: the demo data's inspections are the demo engineer's.
      await steps.time('demo accounts', () => ensureDemoAccounts(db));
      if (await steps.time('demo data', () => seedDemoData(db, { now, parcelScale: config.parcelScale, trips: config.waste.trips })))
        console.log('seeded the Khon Kaen demo data');
      // From the set the build drew when there is one (server/sites/photos/prebuilt.ts): copying is 2.7 s quicker.
      const { drawn, copied } = await steps.time('demo photos', () => seedSitePhotos(db, photos, openPrebuiltPhotos()));
      if (copied) console.log(`copied ${copied} demo site photos from the prebuilt set`);
      if (drawn) console.log(`drew ${drawn} demo site photos`);
      console.log(
        `demo mode: sign in as admin, executive, planner, engineer, engineer-z1, chief_engineer, director, disaster, tax or auditor, password "${DEMO_PASSWORD}"`,
      );
    } else {
      const problem = await demoCredentialProblem(db);
      if (problem) throw new StartRefused(`production mode refuses to start: ${problem}`);
    }
  } catch (error) {
    await db.close();
    throw error;
  }
  if (!existsSync(join(config.webRoot, 'index.html'))) {
    console.warn(`no web build in ${config.webRoot}: run "npm run build" (the API works without it)`);
  }

  let publicUrl = config.publicUrl;
  const flood = startFloodDesk(db, clock, {
    sweepSeconds: config.flood.sweepSeconds,
    keepMonths: config.flood.keepMonths,
    channels: {
      get publicUrl() {
        return publicUrl;
      },
      webhookSecret: config.flood.webhookSecret,
      line: config.flood.line,
      timeoutMs: 10_000,
      allowHosts: config.flood.outboundAllowHosts,
    },
  });
  const settings = {
    session: config.session,
    trustProxy: config.trustProxy,
    cap: {
      sender: config.flood.capSender,
      get publicUrl() {
        return publicUrl;
      },
    },
    lineChannelSecret: config.flood.line.channelSecret,
    flood: { outboundAllowHosts: config.flood.outboundAllowHosts, readingsHorizonDays: config.flood.readingsHorizonDays },
    photos: photoLimits,
    sites: config.sites,
    waste: config.waste,
  };
  const live = await steps.time('live hub', () => openLiveHub(db, loadLiveEvent({ db, settings, clock })));
  const reads = await openReads(db, config.databaseReadUrl);
  const tiles = await steps.time('tiles', () => ParcelTiles.open(db));
  // After the tiles listen: the statuses it changes purge their cached tiles.
  const taxStatus = startTaxStatus(db, clock);
  console.log(`start-up steps: ${steps.report()}`);
  const app = createApp(db, { clock, reads, flood, live, tiles, photos }, { webRoot: config.webRoot, settings });
  return {
    app,
    db,
    clock,
    setPublicUrl: (url) => {
      publicUrl = url;
    },
    close: async () => {
      await flood.stop();
      await taxStatus.stop();
      await live.close();
      await tiles.close();
      await reads.close();
      await db.close();
    },
  };
}

/** Times each step of start-up, for the log line that says where a slow start went. */
function stopwatch() {
  const took: string[] = [];
  return {
    async time<T>(step: string, work: () => Promise<T>): Promise<T> {
      const started = performance.now();
      try {
        return await work();
      } finally {
        took.push(`${step} ${((performance.now() - started) / 1000).toFixed(2)} s`);
      }
    },
    report: () => took.join(', '),
  };
}
