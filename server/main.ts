import { serve } from '@hono/node-server';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from './app.ts';
import { readConfig } from './config.ts';
import { openDatabase } from './db/index.ts';
import { migrate } from './db/migrate.ts';
import { DEMO_PASSWORD } from './auth/passwords.ts';
import { demoCredentialProblem, ensureDemoAccounts } from './auth/demo.ts';
import { seedDemoData } from './seed/index.ts';
import { ManualClock, systemClock } from './clock.ts';
import { startFloodDesk } from './flood/desk.ts';
import { floodEventLoader } from './flood/live.ts';
import { openLiveHub } from './live/hub.ts';
import { logError } from './failures.ts';

// What escapes every handler, a failed start-up too, still ends the process (its state is
// unknown), but is logged like any other failure: Node's own report would print every property
// of the error, a query's parameters too.
process.on('uncaughtException', (error) => {
  logError('fatal', error);
  process.exit(1);
});
process.on('unhandledRejection', (error) => {
  logError('fatal (unhandled rejection)', error);
  process.exit(1);
});

const config = readConfig();
const started = Date.now();
const clock = config.clock === 'manual' ? new ManualClock() : systemClock;
const db = await openDatabase({ url: config.databaseUrl, dataDir: join(config.dataDir, 'pglite') });
const applied = await migrate(db);
if (applied.length) console.log(`migrations applied: ${applied.join(', ')}`);
if (config.mode === 'demo') {
  if (await seedDemoData(db, { now: clock.now(), parcelScale: config.parcelScale })) console.log('seeded the Khon Kaen demo data');
  await ensureDemoAccounts(db);
  console.log(`demo mode: sign in as admin, executive, planner, engineer, engineer-z1, disaster, tax or auditor, password "${DEMO_PASSWORD}"`);
} else {
  const problem = await demoCredentialProblem(db);
  if (problem) {
    console.error(`production mode refuses to start: ${problem}`);
    await db.close();
    process.exit(1);
  }
}
if (!existsSync(join(config.webRoot, 'index.html'))) {
  console.warn(`no web build in ${config.webRoot}: run "npm run build" (the API works without it)`);
}

// When the server listens on port 0 the links only know their port once it is bound.
let publicUrl = config.publicUrl;
const flood = startFloodDesk(db, clock, {
  sweepSeconds: config.flood.sweepSeconds,
  keepMonths: config.flood.keepMonths,
  channels: { get publicUrl() { return publicUrl; }, webhookSecret: config.flood.webhookSecret, line: config.flood.line, timeoutMs: 10_000,
    allowHosts: config.flood.outboundAllowHosts },
});
const live = await openLiveHub(db, floodEventLoader(db));
const settings = {
  session: config.session,
  trustProxy: config.trustProxy,
  cap: { sender: config.flood.capSender, get publicUrl() { return publicUrl; } },
  lineChannelSecret: config.flood.line.channelSecret,
  flood: { outboundAllowHosts: config.flood.outboundAllowHosts, readingsHorizonDays: config.flood.readingsHorizonDays },
};
const app = createApp(db, { clock, flood, live }, { webRoot: config.webRoot, settings });
const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  if (!process.env.PUBLIC_URL && config.port === 0) publicUrl = `http://${info.address}:${info.port}`;
  const where = db.engine === 'embedded' ? `embedded PostGIS in ${config.dataDir}` : 'PostGIS';
  console.log(`Mueang is up on ${where} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`listening on http://${info.address === '::' ? 'localhost' : info.address}:${info.port}/`);
});

// The embedded engine must be closed cleanly, whatever ends the process.
let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  server.close();
  await flood.stop();
  await live.close();
  await db.close();
  process.exit(code);
}
server.on('error', (error) => {
  console.error(`cannot listen on ${config.host}:${config.port}: ${error.message}`);
  void stop(1);
});
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
