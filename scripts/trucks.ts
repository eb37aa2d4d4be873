/**
 * The city's 24 waste trucks driving their collection rounds, played through the real ingest API
 * (each truck's GPS unit posts its own fixes with its own device key) so the waste page and the
 * live stream can be watched working:
 *
 *   npm run trucks -- --url http://127.0.0.1:8080 [--speed 1] [--every 10] [--minutes 60]
 *     [--seed 1] [--user admin] [--password …]
 *
 * Every truck with a round drives its route (GET /api/waste/rounds and /api/waste/rounds/:id:
 * today's round, else its first) at town speeds, dwelling about two minutes at each pickup point;
 * a truck without one stands at its place. Three of them go wrong, as trucks do: one drives past
 * a pickup point without stopping (a missed point), one breaks down (a long stop mid-round), and
 * one's GPS unit falls silent a third of the way through (offline once the server's
 * offline_after_s has passed). The same --seed casts the same trucks.
 *
 * Fixes are never stamped in the future (the server refuses them). --speed 1 sends each fix at
 * the time it is taken, every --every s. --speed N plays --minutes of driving N times faster: the
 * run is stamped from (--minutes − --minutes/N) ago and catches up with now as it ends, so the
 * trucks show as offline on the live map until their fixes are recent (offline_after_s).
 */
import { along, bearing, length, lineString, nearestPointOnLine, point } from '@turf/turf';
import type { Feature, FeatureCollection, LineString, Point } from 'geojson';
import { DEMO_PASSWORD } from '../server/auth/passwords.ts';
import { seededRandom } from '../server/seed/random.ts';
import { DeviceKeys, openLive, type Position } from './lib/api.ts';
import { Client, expectBody } from './lib/client.ts';
import { parseOptions, positiveNumber, serverOptions } from './lib/options.ts';

interface Options {
  url: string;
  speed: number;
  every: number;
  minutes: number;
  seed: number;
  user: string;
  password: string;
}

function parseArgs(argv: string[]): Options {
  const named = parseOptions(argv, ['url', 'speed', 'every', 'minutes', 'seed', 'user', 'password']);
  const num = (name: string, fallback: number) => positiveNumber(named, name, fallback);
  return {
    ...serverOptions(named, DEMO_PASSWORD),
    speed: num('speed', 1),
    every: num('every', 10),
    minutes: num('minutes', 60),
    seed: Math.floor(num('seed', 1)),
  };
}

// The rounds' endpoints as the contract of issue 13 describes them (server/waste/roundRoutes.ts).
interface RoundProperties {
  id: number;
  code: string;
  zone_id: number;
  truck_code: string;
  days: number[];
  window_start: string;
  window_end: string;
}
interface RoundDetail {
  round: Feature<LineString, RoundProperties> | (RoundProperties & { route: LineString });
  points: FeatureCollection<Point, { id: number; seq: number; kind: string; name_en: string }>;
}

/** GET as the signed-in user; a missing endpoint says which one and why. */
async function getJson<T>(api: Client, path: string): Promise<T> {
  const response = await fetch(`${api.base}${path}`, { headers: api.sessionCookie ? { cookie: api.sessionCookie } : {} });
  if (response.status === 404 && path.startsWith('/api/waste/rounds')) {
    throw new Error(
      `${path} answered 404: this server has no collection rounds (GET /api/waste/rounds, issue 13); the simulator drives trucks along their rounds`,
    );
  }
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

type Role = 'round' | 'missed' | 'breakdown' | 'silent' | 'reserve';

/** What a truck does over the run: drive (from → to metres along its route) or stand. */
type Leg = { start_s: number; end_s: number } & ({ kind: 'drive'; from_m: number; to_m: number; kmh: number } | { kind: 'stand'; at_m: number });

interface Plan {
  code: string;
  role: Role;
  round: string | null;
  route: Feature<LineString> | null;
  /** Where a truck without a round stands. */
  home: [number, number];
  legs: Leg[];
  /** Sim seconds after which its GPS unit says nothing more (silent role). */
  silentAfter_s: number;
  missedPoint: string | null;
}

const DWELL_S = 120;
const BREAKDOWN_S = 45 * 60;

/**
 * A truck's run along its route: drive to each pickup point, dwell there (unless it misses it),
 * maybe break down. The trouble happens early enough to be seen in a run of `runS` seconds.
 */
function planRound(route: Feature<LineString>, stopsAt_m: number[], random: () => number, role: Role, runS: number): { legs: Leg[]; missed: number | null } {
  const total = length(route, { units: 'meters' });
  // Where a truck gets to in the first half of the run, at about 4 m/s with its dwells.
  const reach = Math.min(total, runS * 0.5 * 4);
  const within = stopsAt_m.map((m, i) => ({ m, i })).filter(({ m, i }) => i > 0 && m <= reach);
  const missed = role === 'missed' && stopsAt_m.length > 1 ? (within.length ? (within[Math.floor(random() * within.length)]?.i as number) : 1) : null;
  const breakdownAt = role === 'breakdown' ? reach * (0.3 + 0.4 * random()) : null;
  const marks = [
    ...stopsAt_m.map((m, i) => ({ m, dwell: i === missed ? 0 : DWELL_S })),
    ...(breakdownAt === null ? [] : [{ m: breakdownAt, dwell: BREAKDOWN_S }]),
  ];
  marks.sort((a, b) => a.m - b.m);
  marks.push({ m: total, dwell: 0 });
  const legs: Leg[] = [];
  let t = 0;
  let at = 0;
  for (const mark of marks) {
    if (mark.m > at) {
      const kmh = 15 + 10 * random();
      const duration = (mark.m - at) / (kmh / 3.6);
      legs.push({ kind: 'drive', from_m: at, to_m: mark.m, kmh, start_s: t, end_s: t + duration });
      t += duration;
      at = mark.m;
    }
    if (mark.dwell) {
      legs.push({ kind: 'stand', at_m: at, start_s: t, end_s: t + mark.dwell });
      t += mark.dwell;
    }
  }
  return { legs, missed };
}

/** Where the truck is at sim second `s`: position, speed, heading. */
function fixAt(plan: Plan, s: number, random: () => number): Omit<Position, 'truck' | 'time'> {
  const { route } = plan;
  const leg = plan.legs.find((l) => s < l.end_s) ?? plan.legs.at(-1);
  if (!route || !leg) return { lon: plan.home[0], lat: plan.home[1], speed_kmh: 0, heading_deg: 0 };
  const metres =
    leg.kind === 'stand' ? leg.at_m : s >= leg.end_s ? leg.to_m : leg.from_m + ((s - leg.start_s) / (leg.end_s - leg.start_s)) * (leg.to_m - leg.from_m);
  const here = along(route, metres, { units: 'meters' });
  const ahead = along(route, metres + 5, { units: 'meters' });
  const [lon, lat] = here.geometry.coordinates as [number, number];
  const driving = leg.kind === 'drive' && s < leg.end_s;
  return {
    lon: round(lon, 6),
    lat: round(lat, 6),
    speed_kmh: driving ? round(Math.max(3, leg.kmh + 4 * (random() - 0.5)), 1) : 0,
    heading_deg: round((bearing(here, ahead) + 360) % 360, 1) % 360,
  };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** The ISO day of the week in Bangkok today (1 Monday … 7 Sunday), to pick each truck's round of the day. */
const bangkokIsoDay = () => {
  const day = new Date(Date.now() + 7 * 3600_000).getUTCDay();
  return day === 0 ? 7 : day;
};

async function castTrucks(api: Client, random: () => number, runS: number): Promise<Plan[]> {
  const trucks = (await expectBody(api.api.trucks.$get())).features;
  if (!trucks.length) throw new Error('the server has no trucks with a position');
  const rounds = await getJson<FeatureCollection<LineString, RoundProperties>>(api, '/api/waste/rounds');
  const today = bangkokIsoDay();
  const roundOf = new Map<string, Feature<LineString, RoundProperties>>();
  for (const r of rounds.features) {
    const held = roundOf.get(r.properties.truck_code);
    if (!held || (!held.properties.days.includes(today) && r.properties.days.includes(today))) roundOf.set(r.properties.truck_code, r);
  }
  const driving = trucks.map((t) => t.properties.code).filter((code) => roundOf.has(code));
  if (driving.length < 3) throw new Error(`only ${driving.length} trucks have a round: the simulator needs at least 3`);
  // The cast: three different trucks with rounds go wrong, each its own way.
  const pool = [...driving];
  const pick = () => pool.splice(Math.floor(random() * pool.length), 1)[0] as string;
  const roles = new Map<string, Role>([
    [pick(), 'missed'],
    [pick(), 'breakdown'],
    [pick(), 'silent'],
  ]);
  const plans: Plan[] = [];
  for (const truck of trucks) {
    const code = truck.properties.code;
    const home = truck.geometry.coordinates as [number, number];
    const r = roundOf.get(code);
    if (!r) {
      plans.push({ code, role: 'reserve', round: null, route: null, home, legs: [], silentAfter_s: Infinity, missedPoint: null });
      continue;
    }
    const detail = await getJson<RoundDetail>(api, `/api/waste/rounds/${r.properties.id}`);
    const geometry = 'geometry' in detail.round ? detail.round.geometry : detail.round.route;
    const route = lineString(geometry.coordinates);
    const points = [...detail.points.features].sort((a, b) => a.properties.seq - b.properties.seq);
    const stopsAt_m = points.map((p) => nearestPointOnLine(route, point(p.geometry.coordinates), { units: 'meters' }).properties.location as number);
    const role = roles.get(code) ?? 'round';
    const { legs, missed } = planRound(route, stopsAt_m, random, role, runS);
    plans.push({
      code,
      role,
      round: r.properties.code,
      route,
      home,
      legs,
      silentAfter_s: role === 'silent' ? Math.min(runS, legs.at(-1)?.end_s ?? 0) / 3 : Infinity,
      missedPoint: missed === null ? null : `#${points[missed]?.properties.seq} ${points[missed]?.properties.name_en}`,
    });
  }
  return plans;
}

interface Tally {
  sent: number;
  stored: number;
  refused: number;
  firstError?: string;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const api = await Client.signIn(options.url, options.user, options.password);
  const random = seededRandom(options.seed);
  const runS = options.minutes * 60;
  const plans = await castTrucks(api, random, runS);
  const realS = runS / options.speed;
  console.log(
    `trucks over ${options.url}: ${plans.length} trucks, ${options.minutes} min of driving at ${options.speed}x (${(realS / 60).toFixed(1)} min), a fix every ${options.every} s, seed ${options.seed}`,
  );
  for (const plan of plans.filter((p) => p.role !== 'round' && p.role !== 'reserve')) {
    const what =
      plan.role === 'missed'
        ? `drives past pickup point ${plan.missedPoint} without stopping`
        : plan.role === 'breakdown'
          ? `breaks down mid-round for ${BREAKDOWN_S / 60} min`
          : `GPS falls silent after ${(plan.silentAfter_s / 60).toFixed(0)} min of driving`;
    console.log(`  ${plan.code} (round ${plan.round}): ${what}`);
  }
  console.log(`  ${plans.filter((p) => p.role === 'reserve').length} trucks without a round stand where they are`);
  if (options.speed > 1)
    console.log(`note: fixes start ${((runS - realS) / 60).toFixed(1)} min in the past and catch up with now at the end (never stamped in the future)`);

  const keys = new DeviceKeys(api, true, 'truck');
  for (const plan of plans) await keys.keyFor(plan.code);
  const tallies = new Map(plans.map((p) => [p.code, { sent: 0, stored: 0, refused: 0 } as Tally]));
  let truckEvents = 0;
  const stream = await openLive(
    api,
    (event) => {
      if (event.event === 'truck') truckEvents++;
    },
    '?topics=waste',
  );
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
  });

  const startedReal = Date.now();
  // Sim second s is stamped at simStart + s; at the run's end that is the real now.
  const simStart = startedReal + realS * 1000 - runS * 1000;
  const ticks = Math.floor(runS / options.every) + 1;
  for (let i = 0; i < ticks && !interrupted; i++) {
    const s = i * options.every;
    await sleep(startedReal + (s / options.speed) * 1000 - Date.now());
    const time = new Date(Math.min(simStart + s * 1000, Date.now())).toISOString();
    await Promise.all(
      plans
        .filter((plan) => s < plan.silentAfter_s)
        .map(async (plan) => {
          const tally = tallies.get(plan.code) as Tally;
          const response = await keys.postPositions(plan.code, [{ truck: plan.code, time, ...fixAt(plan, s, random) }]);
          tally.sent++;
          if (response.ok) tally.stored += response.stored.inserted;
          else {
            tally.refused++;
            tally.firstError ??= `${response.status} ${response.error}`;
          }
        }),
    );
    if (i % Math.max(1, Math.round(60 / options.every)) === 0) {
      const moving = plans.filter((p) => s < p.silentAfter_s && fixAt(p, s, () => 0.5).speed_kmh > 0).length;
      console.log(`t+${String(Math.floor(s / 60)).padStart(3)} min  ${moving} moving  truck events on /api/live: ${truckEvents}`);
    }
  }
  if (interrupted) console.log('interrupted');
  // The last fixes' events take a moment to come through.
  await sleep(1000);
  stream?.close();
  console.log('\nsummary');
  for (const plan of plans) {
    const t = tallies.get(plan.code) as Tally;
    if (plan.role === 'round' && !t.refused) continue;
    console.log(
      `  ${plan.code.padEnd(4)} ${plan.role.padEnd(9)} sent ${String(t.sent).padStart(4)}  stored ${String(t.stored).padStart(4)}  refused ${t.refused}${t.firstError ? `  first refusal: ${t.firstError}` : ''}`,
    );
  }
  const all = [...tallies.values()];
  console.log(
    `  all: sent ${all.reduce((n, t) => n + t.sent, 0)}, stored ${all.reduce((n, t) => n + t.stored, 0)}, refused ${all.reduce((n, t) => n + t.refused, 0)}; truck events heard on /api/live: ${truckEvents}`,
  );
}

main().catch((error: unknown) => {
  console.error(`trucks: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
