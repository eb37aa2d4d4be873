import type { ServerResponse } from 'node:http';
import { serve } from '@hono/node-server';
import { readConfig } from './config.ts';
import { openMueang, StartRefused } from './mueang.ts';
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
const mueang = await openMueang(config).catch((error: unknown) => {
  if (!(error instanceof StartRefused)) throw error;
  console.error(error.message);
  process.exit(1);
});
const { app, db } = mueang;

const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  // When the server listens on port 0 the links only know their port once it is bound.
  if (!process.env.PUBLIC_URL && config.port === 0) mueang.setPublicUrl(`http://${info.address}:${info.port}`);
  const where = db.engine === 'embedded' ? `embedded PostGIS in ${config.dataDir}` : 'PostGIS';
  console.log(`Mueang is up on ${where} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`listening on http://${info.address === '::' ? 'localhost' : info.address}:${info.port}/`);
});

/**
 * How long requests under way may take to finish once the process is told to stop. Live streams
 * never finish on their own: they are cut after it (their clients reconnect, to another server).
 */
const DRAIN_MS = 5000;

// The embedded engine must be closed cleanly, whatever ends the process. The listening socket
// closes first (a load balancer then sends new requests to another server), the requests under
// way finish, and only then does the database go: closing it first would fail them with 503s.
let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  // A keep-alive connection would stay open (and a balancer would keep using it) until cut:
  // each answer from now on closes its connection.
  server.on('request', (_request, response: ServerResponse) => response.setHeader('Connection', 'close'));
  await new Promise<void>((resolve) => {
    const cut = setTimeout(() => {
      if ('closeAllConnections' in server) server.closeAllConnections();
      resolve();
    }, DRAIN_MS);
    server.close(() => {
      clearTimeout(cut);
      resolve();
    });
  });
  await mueang.close();
  process.exit(code);
}
server.on('error', (error) => {
  console.error(`cannot listen on ${config.host}:${config.port}: ${error.message}`);
  void stop(1);
});
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
