import city from '../../data/khonkaen/city.json' with { type: 'json' };
import type { Queryable } from '../db/index.ts';
import type { WasteSettings } from '../config.ts';
import { advanceMotion } from './queries/motion.ts';
import { seededRandom } from '../seed/random.ts';
import {
  type Candidate,
  ensurePositionPartitions,
  type Facility,
  type Fixes,
  hasRounds,
  insertFixes,
  insertRound,
  insertTrucks,
  nearestNode,
  type NewRound,
  pickupCandidates,
  type RoundToDrive,
  roundsToDrive,
  truckIds,
} from './queries/roundSeed.ts';
import { seedStreets, type StreetGraph } from './streets.ts';

/** Six trucks per zone: five drive a round each, the first is the zone's reserve at the depot. */
const TRUCKS_PER_ZONE = 6;
const DEPOT = city.waste_depot.at as [number, number];

/**
 * Markets, hospitals, schools and temples along the rounds. Bang Lamphu market is named in the
 * city's documents (a flood siren point) and stands where city.json puts it; every other name is
 * GENERATED in the usual Thai forms (some are common names of Khon Kaen places), and every place
 * but Bang Lamphu is a generated point in its zone.
 */
const FACILITIES: Facility[] = [
  {
    zone_id: 2,
    kind: 'market',
    name_th: 'ตลาดบางลำภู',
    name_en: 'Bang Lamphu market',
    at: city.flood_sirens.find((s) => s.code === 'FP03')?.at as [number, number],
  },
  ...(
    [
      [1, 'market', 'ตลาดสดเทศบาล 1', 'Municipal fresh market 1'],
      [1, 'market', 'ตลาดโต้รุ่งศรีจันทร์', 'Si Chan night market'],
      [2, 'market', 'ตลาดสดเทศบาล 2', 'Municipal fresh market 2'],
      [3, 'market', 'ตลาดหนองแวง', 'Nong Waeng market'],
      [3, 'market', 'ตลาดสดเทศบาล 3', 'Municipal fresh market 3'],
      [4, 'market', 'ตลาดศรีฐาน', 'Si Than market'],
      [4, 'market', 'ตลาดประตูน้ำ', 'Pratu Nam market'],
      [1, 'hospital', 'โรงพยาบาลขอนแก่น', 'Khon Kaen Hospital'],
      [2, 'hospital', 'ศูนย์บริการสาธารณสุขเทศบาล 1', 'Municipal health centre 1'],
      [3, 'hospital', 'ศูนย์บริการสาธารณสุขเทศบาล 2', 'Municipal health centre 2'],
      [4, 'hospital', 'ศูนย์บริการสาธารณสุขเทศบาล 3', 'Municipal health centre 3'],
      [1, 'school', 'โรงเรียนเทศบาลวัดกลาง', 'Wat Klang Municipal School'],
      [1, 'school', 'โรงเรียนเทศบาลบ้านโนนทัน', 'Ban Non Than Municipal School'],
      [1, 'school', 'โรงเรียนเทศบาลหนองใหญ่', 'Nong Yai Municipal School'],
      [2, 'school', 'โรงเรียนเทศบาลสามเหลี่ยม', 'Sam Liam Municipal School'],
      [2, 'school', 'โรงเรียนเทศบาลโนนหนองวัด', 'Non Nong Wat Municipal School'],
      [2, 'school', 'โรงเรียนเทศบาลคุ้มหนองคู', 'Khum Nong Khu Municipal School'],
      [3, 'school', 'โรงเรียนเทศบาลวัดหนองแวง', 'Wat Nong Waeng Municipal School'],
      [3, 'school', 'โรงเรียนเทศบาลบ้านตูม', 'Ban Tum Municipal School'],
      [3, 'school', 'โรงเรียนเทศบาลบ้านศรีฐาน', 'Ban Si Than Municipal School'],
      [4, 'school', 'โรงเรียนเทศบาลสวนสนุก', 'Suan Sanuk Municipal School'],
      [4, 'school', 'โรงเรียนขอนแก่นวิทยายน', 'Khon Kaen Wittayayon School'],
      [4, 'school', 'โรงเรียนกัลยาณวัตร', 'Kanlayanawat School'],
      [1, 'temple', 'วัดกลาง', 'Wat Klang'],
      [1, 'temple', 'วัดธาตุ', 'Wat That'],
      [1, 'temple', 'วัดศรีจันทร์', 'Wat Si Chan'],
      [2, 'temple', 'วัดโพธิ์', 'Wat Pho'],
      [2, 'temple', 'วัดป่าแสงอรุณ', 'Wat Pa Saeng Arun'],
      [2, 'temple', 'วัดศรีนวล', 'Wat Si Nuan'],
      [3, 'temple', 'วัดหนองแวง', 'Wat Nong Waeng'],
      [3, 'temple', 'วัดไชยศรี', 'Wat Chai Si'],
      [3, 'temple', 'วัดป่าอดุลยาราม', 'Wat Pa Adunyaram'],
      [4, 'temple', 'วัดหนองใหญ่', 'Wat Nong Yai'],
      [4, 'temple', 'วัดโนนทัน', 'Wat Non Than'],
      [4, 'temple', 'วัดศรีฐาน', 'Wat Si Than'],
    ] as const
  ).map(([zone_id, kind, name_th, name_en]) => ({ zone_id, kind, name_th, name_en, at: null })),
];

const MON_WED_FRI = [1, 3, 5];
const TUE_THU_SAT = [2, 4, 6];
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

type Placed = Pick<Candidate, 'lon' | 'lat'>;
const metresBetween = (a: Placed, b: Placed) => {
  const dx = (b.lon - a.lon) * 111_320 * Math.cos((a.lat * Math.PI) / 180);
  const dy = (b.lat - a.lat) * 110_570;
  return Math.hypot(dx, dy);
};

/**
 * A paper-map order: round the group's middle, starting from the side facing the depot. It
 * makes a plausible loop that a planner can still shorten (GET /rounds/:id/plan).
 */
function sweep(points: Candidate[]): Candidate[] {
  const lon = points.reduce((s, p) => s + p.lon, 0) / points.length;
  const lat = points.reduce((s, p) => s + p.lat, 0) / points.length;
  const start = Math.atan2(DEPOT[1] - lat, DEPOT[0] - lon);
  const angle = (p: Placed) => (Math.atan2(p.lat - lat, p.lon - lon) - start + 4 * Math.PI) % (2 * Math.PI);
  return [...points].sort((a, b) => angle(a) - angle(b));
}

/**
 * A zone's five rounds: markets, the hospital and temples every morning before the traffic
 * (04:00–07:00, filled up with the communities nearest them); the communities and schools in two
 * halves (by bearing round the zone's middle), each half collected Monday, Wednesday and Friday by
 * one truck and Tuesday, Thursday and Saturday by another.
 */
function zoneRounds(zoneId: number, here: Candidate[]) {
  const early = here.filter((p) => p.kind === 'market' || p.kind === 'hospital' || p.kind === 'temple');
  const rest = here.filter((p) => !early.includes(p));
  const near = (p: Candidate) => Math.min(...early.map((e) => metresBetween(e, p)));
  const fill = rest
    .filter((p) => p.kind === 'community')
    .sort((a, b) => near(a) - near(b))
    .slice(0, Math.max(0, 8 - early.length));
  const others = sweep(rest.filter((p) => !fill.includes(p)));
  const half = Math.ceil(others.length / 2);
  const [a, b] = [others.slice(0, half), others.slice(half)];
  const name = (k: number, th: string, en: string) => ({
    code: `Z${zoneId}-R${k}`,
    name_th: `เขต ${zoneId} สาย ${k}: ${th}`,
    name_en: `Zone ${zoneId} round ${k}: ${en}`,
  });
  return [
    { ...name(1, 'ตลาด โรงพยาบาล วัด', 'markets, hospital and temples'), points: [...early, ...fill], days: EVERY_DAY, window: ['04:00', '07:00'] },
    { ...name(2, 'ชุมชนฝั่งที่ 1 (จ. พ. ศ.)', 'communities, first half (Mon, Wed, Fri)'), points: a, days: MON_WED_FRI, window: ['06:00', '10:00'] },
    { ...name(3, 'ชุมชนฝั่งที่ 1 (อ. พฤ. ส.)', 'communities, first half (Tue, Thu, Sat)'), points: a, days: TUE_THU_SAT, window: ['06:00', '10:00'] },
    { ...name(4, 'ชุมชนฝั่งที่ 2 (จ. พ. ศ.)', 'communities, second half (Mon, Wed, Fri)'), points: b, days: MON_WED_FRI, window: ['07:00', '11:00'] },
    { ...name(5, 'ชุมชนฝั่งที่ 2 (อ. พฤ. ส.)', 'communities, second half (Tue, Thu, Sat)'), points: b, days: TUE_THU_SAT, window: ['07:00', '11:00'] },
  ];
}

/** The route: from the depot along the streets past every point in order, and back. */
function routeThrough(graph: StreetGraph, depotNode: number, points: Candidate[]): [number, number][] {
  const nodes = [depotNode, ...points.map((p) => p.node_id), depotNode];
  const route: [number, number][] = [];
  for (let i = 1; i < nodes.length; i++) {
    const leg = graph.path(nodes[i - 1] as number, nodes[i] as number).coordinates;
    route.push(...(route.length > 0 ? leg.slice(1) : leg));
  }
  return route;
}

/**
 * The part of the waste demo data that does not depend on the moment of seeding (the image
 * holds it): the generated streets and the street graph, the trucks, and each zone's rounds with
 * their pickup points and routes. Deterministic. Returns false if the rounds exist already.
 */
export async function seedWasteNetwork(tx: Queryable): Promise<boolean> {
  if (await hasRounds(tx)) return false;
  await insertTrucks(tx, TRUCKS_PER_ZONE);
  const depotNodeOf = (db: Queryable) => nearestNode(db, DEPOT[0], DEPOT[1]);
  const graph = await seedStreets(tx, depotNodeOf);
  const depotNode = await depotNodeOf(tx);
  const candidates = await pickupCandidates(tx, FACILITIES);
  let roundId = 1;
  let pointId = 1;
  for (const zone of city.zones) {
    for (const [k, plan] of zoneRounds(
      zone.id,
      candidates.filter((c) => c.zone_id === zone.id),
    ).entries()) {
      if (plan.points.length < 8 || plan.points.length > 16) throw new Error(`${plan.code} has ${plan.points.length} pickup points: a round has 8 to 16`);
      const points = sweep(plan.points);
      const round: NewRound = {
        id: roundId,
        code: plan.code,
        zone_id: zone.id,
        // The zone's first truck is its reserve.
        truck_id: (zone.id - 1) * TRUCKS_PER_ZONE + k + 2,
        name_th: plan.name_th,
        name_en: plan.name_en,
        days: plan.days,
        window_start: plan.window[0] as string,
        window_end: plan.window[1] as string,
        route: routeThrough(graph, depotNode, points),
        points,
      };
      await insertRound(tx, round, pointId);
      roundId += 1;
      pointId += points.length;
    }
  }
  return true;
}

const DAY_S = 86_400;
/** A GPS unit reports every 30 s on the road, every 5 minutes parked (its heartbeat). */
const DRIVING_EVERY_S = 30;
const PARKED_EVERY_S = 300;

/** What goes wrong on a round, scripted into yesterday's demo positions. */
type Mishap = 'missed' | 'late' | 'breakdown' | 'silent';

interface Keyframe {
  t: number;
  lon: number;
  lat: number;
}

/** Epoch seconds of a Bangkok date's midnight. */
const bangkokMidnight = (date: string) => Date.parse(`${date}T00:00:00+07:00`) / 1000;
const isoDay = (date: string) => new Date(`${date}T12:00:00Z`).getUTCDay() || 7;
const clockSeconds = (hhmm: string) => Number(hhmm.slice(0, 2)) * 3600 + Number(hhmm.slice(3, 5)) * 60;

/**
 * A truck's day on its round as keyframes (straight motion between them): out of the depot,
 * along the route at 15–30 km/h, 100–160 s at each pickup point, back to its parking place.
 */
function driveRound(
  round: RoundToDrive,
  parking: Placed,
  dayStart: number,
  mishap: Mishap | null,
  random: () => number,
): { frames: Keyframe[]; silent: [number, number] | null } {
  const route = round.route.map(([lon, lat]) => ({ lon, lat }));
  const points = round.points.map(([lon, lat]) => ({ lon, lat }));
  const speed = () => (15 + 15 * random()) / 3.6;
  let length = 0;
  for (let i = 1; i < route.length; i++) length += metresBetween(route[i - 1] as Placed, route[i] as Placed);
  const roughDuration = length / (22 / 3.6) + points.length * 130;
  const opens = dayStart + clockSeconds(round.window_start);
  const closes = dayStart + clockSeconds(round.window_end);
  const firstLeg = metresBetween(parking, route[0] as Placed) + 400;
  // Out in time to reach the first point a few minutes after the window opens; the late round
  // leaves so late that half of it is driven after the window closes.
  let t = mishap === 'late' ? closes - roughDuration / 2 : opens - firstLeg / (20 / 3.6) + 180 + Math.floor(random() * 300);
  const frames: Keyframe[] = [{ t, ...parking }];
  const goTo = (to: Placed) => {
    const last = frames[frames.length - 1] as Keyframe;
    t += metresBetween(last, to) / speed();
    frames.push({ t, ...to });
  };
  const stay = (seconds: number) => {
    const last = frames[frames.length - 1] as Keyframe;
    t += seconds;
    frames.push({ ...last, t });
  };
  let next = 0;
  let silent: [number, number] | null = null;
  const breakdownAt = Math.floor(points.length / 2);
  for (const vertex of route) {
    goTo(vertex);
    while (next < points.length && metresBetween(vertex, points[next] as Placed) < 0.5) {
      // The missed point: the truck drives past without stopping.
      if (!(mishap === 'missed' && next === 3)) stay(100 + Math.floor(random() * 60));
      next += 1;
      if (mishap === 'breakdown' && next === breakdownAt) {
        // Broken down a little way along the street after this point, for 100 minutes.
        t += 60;
        const last = frames[frames.length - 1] as Keyframe;
        frames.push({ t, lon: last.lon + 0.0004, lat: last.lat });
        stay(100 * 60);
      }
      if (mishap === 'silent' && next === 2) silent = [t + 120, t + 120 + 65 * 60];
    }
  }
  goTo(parking);
  return { frames, silent };
}

/**
 * Positions sampled from keyframes on the GPS units' schedule, up to `until`; the speed and heading
 * of a fix are those of the motion it is part of.
 */
function sample(truckId: number, frames: Keyframe[], dayStart: number, until: number, silent: [number, number] | null, out: Fixes) {
  const first = frames[0] as Keyframe;
  const last = frames[frames.length - 1] as Keyframe;
  let i = 0;
  let heading = 0;
  const times: number[] = [];
  for (let t = dayStart; t < Math.min(dayStart + DAY_S, until + 1); t += DRIVING_EVERY_S) {
    const onDuty = frames.length > 1 && t >= first.t - 300 && t <= last.t + 300;
    if (onDuty || (t - dayStart) % PARKED_EVERY_S === 0) times.push(t);
  }
  // Every unit also reported at the moment of seeding: the live map opens with no truck offline.
  if (until < dayStart + DAY_S && times[times.length - 1] !== until) times.push(until);
  for (const t of times) {
    if (silent && t >= silent[0] && t < silent[1]) continue;
    while (i < frames.length - 2 && (frames[i + 1] as Keyframe).t <= t) i += 1;
    const a = frames[i] as Keyframe;
    const b = (frames[i + 1] ?? a) as Keyframe;
    const f = t <= a.t ? 0 : t >= b.t ? 1 : (t - a.t) / (b.t - a.t);
    const metres = metresBetween(a, b);
    const moving = t > a.t && t < b.t && metres > 0;
    if (moving) heading = ((Math.atan2((b.lon - a.lon) * Math.cos((a.lat * Math.PI) / 180), b.lat - a.lat) * 180) / Math.PI + 360) % 360;
    out.truck.push(truckId);
    out.time.push(new Date(t * 1000).toISOString());
    out.lon.push(a.lon + (b.lon - a.lon) * f);
    out.lat.push(a.lat + (b.lat - a.lat) * f);
    out.speed.push(moving ? Math.round((metres / (b.t - a.t)) * 36) / 10 : 0);
    out.heading.push(Math.round(heading * 10) / 10 === 360 ? 0 : Math.round(heading * 10) / 10);
  }
}

/** Days of positions the demo holds: a week, so "this week" on the city map is a week of rounds. */
const DEMO_DAYS = 7;

/**
 * The trucks' positions for the last six days (whole) and today up to `now`, Bangkok days: each truck
 * drives its round on the round's days inside its window and is parked at the depot otherwise;
 * the reserve trucks stay there. Yesterday, one round per zone goes wrong (the scripted
 * exceptions the README lists): zone 1 misses a point, zone 2 runs late, zone 3 breaks down,
 * zone 4's GPS unit falls silent for 65 minutes.
 */
export async function seedWastePositions(tx: Queryable, now: Date, trips: WasteSettings['trips']): Promise<void> {
  const until = Math.floor(now.getTime() / 1000);
  const dayBefore = (k: number) => new Date((until + 7 * 3600 - k * DAY_S) * 1000).toISOString().slice(0, 10);
  const yesterday = dayBefore(1);
  const days = Array.from({ length: DEMO_DAYS }, (_, k) => dayBefore(DEMO_DAYS - 1 - k));
  await ensurePositionPartitions(tx, new Date(bangkokMidnight(days[0] as string) * 1000), now);
  const rounds = await roundsToDrive(tx);
  const random = seededRandom(13_2569);
  const mishaps: Mishap[] = ['missed', 'late', 'breakdown', 'silent'];
  const unlucky = new Map<number, Mishap>();
  for (const [z, mishap] of mishaps.entries()) {
    const runs = rounds.filter((r) => r.zone_id === z + 1 && r.days.includes(isoDay(yesterday)));
    const round = runs.find((r) => !r.days.includes(7)) ?? runs[0];
    if (round) unlucky.set(round.id, mishap);
  }
  const trucks = await truckIds(tx);
  const fixes: Fixes = { truck: [], time: [], lon: [], lat: [], speed: [], heading: [] };
  for (const [n, truck] of trucks.entries()) {
    const parking = { lon: DEPOT[0] + (n % 6) * 0.00008, lat: DEPOT[1] + Math.floor(n / 6) * 0.00008 };
    const round = rounds.find((r) => r.truck_id === truck.id);
    for (const date of days) {
      const dayStart = bangkokMidnight(date);
      const drives = round?.days.includes(isoDay(date));
      const { frames, silent } =
        round && drives
          ? driveRound(round, parking, dayStart, date === yesterday ? (unlucky.get(round.id) ?? null) : null, random)
          : { frames: [{ t: dayStart, ...parking }], silent: null };
      sample(truck.id, frames, dayStart, until, silent, fixes);
    }
  }
  const BATCH = 10_000;
  for (let from = 0; from < fixes.truck.length; from += BATCH) {
    const slice = <T>(list: T[]) => list.slice(from, from + BATCH);
    await insertFixes(tx, {
      truck: slice(fixes.truck),
      time: slice(fixes.time),
      lon: slice(fixes.lon),
      lat: slice(fixes.lat),
      speed: slice(fixes.speed),
      heading: slice(fixes.heading),
    });
  }
  // Trips and stops as the ingest would have made them, fix by fix.
  for (const truck of new Set(fixes.truck)) await advanceMotion(tx, truck, trips);
}
