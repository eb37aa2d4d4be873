import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventOf, openEventStream } from '../../scripts/lib/sse.ts';
import { Client, expectBody } from '../support/client.ts';
import { decodeTile, tileAt } from '../support/tiles.ts';
import { until } from '../support/wait.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

// Debian's packages (README): without them the test is skipped with a warning, unless CI requires it.
const missing = ['/usr/sbin/haproxy', '/usr/sbin/pgbouncer', '/usr/lib/postgresql/15/bin/pg_basebackup'].filter((path) => !existsSync(path));
if (missing.length) {
  const message = `the cluster test needs ${missing.join(', ')} (apt-get install haproxy pgbouncer postgresql-15-postgis-3)`;
  if (process.env.MUEANG_REQUIRE_CLUSTER === '1') throw new Error(message);
  console.warn(`skipped: ${message}`);
}
const run = promisify(execFile);
const cluster = (...args: string[]) => run(join(REPO, 'scripts/cluster.sh'), args, { cwd: REPO });

interface Server {
  url: string;
  pid: number;
  log: string;
}

interface Layout {
  lb: string;
  /** Each server, directly. */
  servers: Server[];
  primaryPort: number;
  replicaPort: number;
}

/** What `scripts/cluster.sh up` wrote in DIR/cluster.env. */
function readLayout(dir: string): Layout {
  const env = Object.fromEntries(
    readFileSync(join(dir, 'cluster.env'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string])
      .map(([name, value]) => [name, value.replace(/^"|"$/g, '')]),
  );
  const ports = (env.server_ports as string).split(' ');
  const pids = (env.server_pids as string).split(' ');
  return {
    lb: `http://127.0.0.1:${env.lb_port}`,
    servers: ports.map((port, i) => ({ url: `http://127.0.0.1:${port}`, pid: Number(pids[i]), log: join(dir, `server${i + 1}.log`) })),
    primaryPort: Number(env.primary_port),
    replicaPort: Number(env.replica_port),
  };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Requests `paths` in turn, `total` in all, `concurrency` at a time; the statuses in order of request. */
async function load(base: string, paths: string[], total: number, concurrency: number, onProgress: (done: number) => void): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const response = await fetch(`${base}${paths[i % paths.length]}`).catch(() => null);
      statuses[i] = response?.status ?? 0;
      await response?.arrayBuffer();
      onProgress(++done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return statuses;
}

const AROUND = 'geom && ST_Transform(ST_TileEnvelope($1, $2, $3), 4326)';
const around = ({ z, x, y }: { z: number; x: number; y: number }) => [14, x >> (z - 14), y >> (z - 14)];

/**
 * The layout of README "Running more than one server", started by `scripts/cluster.sh up`:
 * HAProxy over three server processes, PgBouncer (transaction mode) before the primary, a
 * streaming replica for lag-tolerant reads. Each test talks to the balancer and to the servers
 * directly. The third server is the one a test stops; the others use the first two.
 */
describe.skipIf(missing.length > 0)('more than one server behind a load balancer (scripts/cluster.sh)', () => {
  let dir: string;
  let layout: Layout;
  let primary: pg.Client;
  let replica: pg.Client;
  const connect = async (port: number) => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'mueang' });
    client.on('error', () => {});
    await client.connect();
    return client;
  };
  /** A z16 tile over one of the demo parcels, a different one for each `nth`: a tile no server has cached yet. */
  const parcelTile = async (nth: number) => {
    const { rows } = await primary.query<{ lon: number; lat: number }>(
      'SELECT ST_X(c) AS lon, ST_Y(c) AS lat FROM (SELECT ST_PointOnSurface(geom) AS c FROM parcels ORDER BY id OFFSET $1 LIMIT 1) p',
      [nth * 997],
    );
    const { lon, lat } = rows[0] as { lon: number; lat: number };
    const tile = tileAt(lon, lat, 16);
    return { ...tile, path: `/api/tiles/parcels/${tile.z}/${tile.x}/${tile.y}.mvt` };
  };
  /** Parcels in and around a tile (its z14 ancestor: wider than any tile buffer). */
  const parcelsAround = async (db: pg.Client, tile: { z: number; x: number; y: number }) => {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM parcels WHERE ${AROUND}`, around(tile));
    return rows[0]?.n ?? 0;
  };
  const featuresOf = async (url: string) => {
    const response = await fetch(url);
    expect(response.status, url).toBe(200);
    return decodeTile(await response.arrayBuffer()).layers.parcels?.length ?? 0;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mueang-cluster-'));
    await cluster('up', dir);
    layout = readLayout(dir);
    primary = await connect(layout.primaryPort);
    replica = await connect(layout.replicaPort);
  }, 400_000);

  afterAll(async () => {
    await primary?.end();
    await replica?.end().catch(() => {});
    await cluster('down', dir);
  }, 60_000);

  it('serves a write made through one server to reads through the others, sessions too', async () => {
    const [first, second] = layout.servers as [Server, Server];
    const planner = await Client.signIn(first.url, 'planner');
    const projects = await expectBody(planner.api.projects.$get({ query: {} }));
    const project = projects.features[0]?.properties as { id: number; budget: number };
    const budget = project.budget + 1;
    await expectBody(planner.api.projects[':id'].$patch({ param: { id: String(project.id) }, json: { budget } }));

    // The same session, through the second server and through the balancer (the session is in the database).
    for (const base of [second.url, layout.lb]) {
      const elsewhere = Client.withSession(base, planner.sessionCookie, null);
      const read = async () => (await expectBody(elsewhere.api.projects[':id'].$get({ param: { id: String(project.id) } }))).properties.budget;
      // Lag-tolerant reads may come from the replica: a moment behind at most.
      await until(`the new budget through ${base}`, async () => (await read()) === budget, 10_000);
    }
  });

  it('reads tiles from the replica', async () => {
    const tile = await parcelTile(1);
    // With the replica's replay paused, the tile's parcels move away on the primary (a degree east:
    // moved, not deleted, as bills with payments are kept) and stay on the replica: a tile that
    // still shows them was read on the replica.
    await replica.query('SELECT pg_wal_replay_pause()');
    try {
      await until('replay paused', async () => (await replica.query('SELECT pg_get_wal_replay_pause_state() AS s')).rows[0]?.s === 'paused');
      await primary.query(`UPDATE parcels SET geom = ST_Translate(geom, 1, 0) WHERE ${AROUND}`, around(tile));
      expect(await parcelsAround(primary, tile)).toBe(0);
      const onReplica = await parcelsAround(replica, tile);
      expect(onReplica).toBeGreaterThan(0);
      // Any tile made during the pause, cached or not, was read on the replica.
      for (const base of [layout.lb, ...layout.servers.slice(0, 2).map((s) => s.url)]) expect(await featuresOf(`${base}${tile.path}`), base).toBeGreaterThan(0);
    } finally {
      await replica.query('SELECT pg_wal_replay_resume()');
    }
    await until('the replica caught up', async () => (await parcelsAround(replica, tile)) === 0);
  });

  it('sends a reading posted to one server to live clients of another and of the balancer', async () => {
    const [first, second] = layout.servers as [Server, Server];
    const admin = await Client.signIn(first.url, 'admin');
    const sensors = await expectBody(admin.api.sensors.$get());
    const sensor = sensors.features[1]?.properties as { code: string; critical_m: number };
    const { key } = await expectBody(admin.api.devices.$post({ json: { kind: 'sensor', code: sensor.code } }), 201);

    const disaster = await Client.signIn(second.url, 'disaster');
    const onSecond = await openEventStream(`${second.url}/api/live`, { cookie: disaster.sessionCookie as string });
    const throughBalancer = await openEventStream(`${layout.lb}/api/live`, { cookie: disaster.sessionCookie as string });
    try {
      await onSecond.next(eventOf('snapshot'));
      await throughBalancer.next(eventOf('snapshot'));
      const level = sensor.critical_m - 0.5;
      await expectBody(
        Client.device(first.url, key).api.readings.$post({ json: { readings: [{ sensor: sensor.code, time: new Date().toISOString(), level_m: level }] } }),
      );
      // Unbuffered through HAProxy: the event arrives while the stream is still open.
      for (const stream of [onSecond, throughBalancer]) {
        expect((await stream.next(eventOf('sensor', (s) => s.code === sensor.code && s.level_m === level))).data).toMatchObject({ code: sensor.code });
      }
    } finally {
      onSecond.close();
      throughBalancer.close();
    }
  });

  it('loses no request when a server stops in the middle of a load', async () => {
    const stopped = layout.servers[2] as Server;
    const tile = await parcelTile(2);
    const paths = ['/api/health', '/api/zones', '/api/evaluation?by=zone', tile.path, '/api/sensors'];
    let signalled = false;
    const statuses = await load(layout.lb, paths, 500, 8, (done) => {
      if (done === 150 && !signalled) {
        signalled = true;
        process.kill(stopped.pid, 'SIGTERM');
      }
    });
    expect(signalled).toBe(true);
    const failed = statuses.map((status, i) => ({ status, path: paths[i % paths.length] })).filter((r) => r.status !== 200);
    expect(failed).toEqual([]);
    await until('the stopped server has ended', () => !alive(stopped.pid), 20_000);
  });

  it('reads from the primary while the replica is down, and from the replica again once it is back', async () => {
    const servers = layout.servers.slice(0, 2);
    const replicaDir = join(dir, 'replica');
    // PostgreSQL runs as the postgres user (scripts/cluster.sh): as root, act as it.
    const pgCtl = (...args: string[]) => {
      const command = ['/usr/lib/postgresql/15/bin/pg_ctl', '-D', replicaDir, ...args];
      return process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', ...command]) : run(command[0] as string, command.slice(1));
    };
    const logs = () => servers.map((s) => readFileSync(s.log, 'utf8'));
    const count = (text: string, what: RegExp) => text.match(new RegExp(what, 'g'))?.length ?? 0;
    const fellBack = logs().map((text) => count(text, /the replica is unavailable/));
    const cameBack = logs().map((text) => count(text, /the replica is back/));

    await replica.end();
    await pgCtl('-m', 'fast', '-w', 'stop');
    try {
      const tile = await parcelTile(3);
      for (const base of [layout.lb, ...servers.map((s) => s.url)]) {
        expect(await featuresOf(`${base}${tile.path}`), base).toBeGreaterThan(0);
        expect((await fetch(`${base}/api/evaluation?by=zone`)).status, base).toBe(200);
      }
      // Each server read its tile on the replica, found it gone, and said so once.
      expect(logs().map((text) => count(text, /the replica is unavailable/))).toEqual(fellBack.map((n) => n + 1));
    } finally {
      await pgCtl(
        '-l',
        join(dir, 'replica.log'),
        '-o',
        `-p ${layout.replicaPort} -k ${dir} -c listen_addresses=127.0.0.1 -c hot_standby_feedback=on`,
        '-w',
        'start',
      );
      replica = await connect(layout.replicaPort);
    }
    await until(
      'every server reads from the replica again',
      () => logs().every((text, i) => count(text, /the replica is back/) === (cameBack[i] ?? 0) + 1),
      20_000,
    );
  });
});
