/**
 * A storm over Khon Kaen, played through the real ingest API so the flood desk can be watched
 * working: rain rises and falls, 3-4 siren points climb through yellow, orange and red, one
 * drainage sump spikes fast enough to fire rate-of-rise, the other gauges rise a little, levels
 * fall back after the peak, batteries run down, and one sensor dies after its first minute.
 *
 *   npm run storm -- --url http://127.0.0.1:8080 [--minutes 12] [--every 5] [--seed 1]
 *     [--user admin] [--password …]
 *
 * Readings cannot be stamped in the future, so every reading carries the real time at which it
 * is sent and the storm is compressed into --minutes of real time: a reading every --every s.
 * The same --seed replays the same storm (cast, shapes, noise), starting from where each gauge
 * stands. Device keys are made once per server and sensor (as admin) and kept in
 * .data/storm-keys.json; a cached key the server refuses is replaced.
 */
import { DEMO_PASSWORD } from '../server/auth/passwords.ts';
import { seededRandom } from '../server/seed/random.ts';
import { DeviceKeys, listSensors, openLive, type Reading, type Sensor } from './lib/api.ts';
import { Client } from './lib/client.ts';
import type { EventStream, LiveData } from './lib/sse.ts';
import { parseOptions, positiveNumber, serverOptions } from './lib/options.ts';

/** An alert event of /api/live, as the desk's signed-in session gets it. */
type AlertEvent = LiveData<'alert'>;

interface Options {
  url: string;
  minutes: number;
  every: number;
  seed: number;
  user: string;
  password: string;
}

function parseArgs(argv: string[]): Options {
  const named = parseOptions(argv, ['url', 'minutes', 'every', 'seed', 'user', 'password']);
  const num = (name: string, fallback: number) => positiveNumber(named, name, fallback);
  return {
    ...serverOptions(named, DEMO_PASSWORD),
    minutes: num('minutes', 12),
    every: num('every', 5),
    seed: Math.floor(num('seed', 1)),
  };
}

const smooth = (x: number) => {
  const c = Math.min(1, Math.max(0, x));
  return c * c * (3 - 2 * c);
};

type Role = 'flood' | 'spike' | 'dead' | 'calm';

/** How one gauge behaves in this storm: where it starts, how high it goes and when. */
interface Plan {
  sensor: Sensor;
  role: Role;
  base: number;
  peak: number;
  riseFrom: number;
  riseTo: number;
  battery: number;
  drain: number;
  rainFactor: number;
}

/**
 * The storm's shape over progress p in [0, 1]: water rises between riseFrom and riseTo, holds
 * to 0.6, then falls back to a tenth of the rise by the end (drains catch up after the rain).
 */
function hydrograph(plan: Plan, p: number): number {
  const rise = smooth((p - plan.riseFrom) / (plan.riseTo - plan.riseFrom));
  const fall = 0.9 * smooth((p - 0.6) / 0.4);
  return plan.base + (plan.peak - plan.base) * (rise - fall * rise);
}

/** Rain in mm per reading: one burst peaking a third of the way in. */
const rainAt = (p: number) => 12 * Math.exp(-(((p - 0.3) / 0.12) ** 2));

/** Picks the storm's cast from the seed: 3-4 flooding siren points, one spiking sump, one dead gauge. */
function castStorm(sensors: Sensor[], random: () => number, totalSeconds: number): Plan[] {
  const pick = <T>(items: T[]) => items.splice(Math.floor(random() * items.length), 1)[0]!;
  const sirens = sensors.filter((s) => s.kind === 'siren');
  const sumps = sensors.filter((s) => s.kind === 'sump');
  const flooding = new Set<Sensor>();
  const count = Math.min(sirens.length, 3 + Math.floor(random() * 2));
  while (flooding.size < count) flooding.add(pick(sirens));
  const spike = sumps.length ? pick(sumps) : undefined;
  const rest = [...sirens, ...sumps];
  const dead = rest.length ? pick(rest) : undefined;
  // The spike climbs in about a minute of real time: far quicker than 0.30 m in 30 min.
  const spikeSpan = Math.min(0.1, 60 / totalSeconds);
  return sensors.map((sensor) => {
    const role: Role = flooding.has(sensor) ? 'flood' : sensor === spike ? 'spike' : sensor === dead ? 'dead' : 'calm';
    // From where the gauge stands (never above green), so the first reading is no jump that
    // would itself fire rate-of-rise.
    const below = sensor.watch_m - 0.2 - 0.15 * random();
    const base = round(Math.min(sensor.level_m ?? below, below), 3);
    const peak = role === 'flood' ? sensor.critical_m + 0.05 + 0.2 * random() : role === 'spike' ? base + 0.5 + 0.1 * random() : base + 0.05 + 0.1 * random();
    const lag = 0.08 * random();
    const [riseFrom, riseTo] = role === 'spike' ? [0.25, 0.25 + spikeSpan] : [0.1 + lag, 0.5 + lag];
    return { sensor, role, base, peak, riseFrom, riseTo, battery: 12.4 + 0.6 * random(), drain: 0.2 + 0.3 * random(), rainFactor: 0.8 + 0.4 * random() };
  });
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

function readingAt(plan: Plan, p: number, time: string, random: () => number): Reading {
  return {
    sensor: plan.sensor.code,
    time,
    level_m: round(hydrograph(plan, p) + 0.02 * (random() - 0.5), 3),
    rain_mm: round(Math.max(0, rainAt(p) * plan.rainFactor + 0.4 * (random() - 0.5)), 1),
    battery_v: round(plan.battery - plan.drain * p, 2),
  };
}

type Band = 'normal' | 'watch' | 'warning' | 'critical';
const BAND_ORDER: Band[] = ['normal', 'watch', 'warning', 'critical'];

const bandOf = (s: Sensor, level: number): Band =>
  level >= s.critical_m ? 'critical' : level >= s.warning_m ? 'warning' : level >= s.watch_m ? 'watch' : 'normal';

const COLOURS: Record<Band, [string, string]> = {
  normal: ['green', '\x1b[32m'],
  watch: ['yellow', '\x1b[33m'],
  warning: ['orange', '\x1b[38;5;208m'],
  critical: ['red', '\x1b[31m'],
};
const useColour = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (band: Band, text: string) => (useColour ? `${COLOURS[band][1]}${text}\x1b[0m` : text);
const colourName = (band: Band) => paint(band, COLOURS[band][0]);

/** What the storm saw of one gauge, for the summary. */
interface Tally {
  sent: number;
  inserted: number;
  refused: number;
  firstError?: string;
  peak: number;
  peakBand: Band;
  lastSent?: string;
}

async function sendTick(
  keys: DeviceKeys,
  plans: Plan[],
  p: number,
  elapsedS: number,
  deadAfterS: number,
  random: () => number,
  tallies: Map<string, Tally>,
): Promise<Map<string, number>> {
  const time = new Date().toISOString();
  // Every gauge draws its noise, sending or not, so the dead one does not shift the others' storm.
  const readings = plans.map((plan) => ({ plan, reading: readingAt(plan, p, time, random) }));
  const live = readings.filter(({ plan }) => plan.role !== 'dead' || elapsedS < deadAfterS);
  await Promise.all(
    live.map(async ({ plan, reading }) => {
      const tally = tallies.get(plan.sensor.code)!;
      const response = await keys.post(plan.sensor.code, [reading]);
      tally.sent++;
      if (response.ok) {
        tally.inserted += response.stored.inserted;
        tally.lastSent = time;
      } else {
        tally.refused++;
        tally.firstError ??= `${response.status} ${response.error}`;
      }
      if (reading.level_m > tally.peak) {
        tally.peak = reading.level_m;
        tally.peakBand = bandOf(plan.sensor, reading.level_m);
      }
    }),
  );
  return new Map(live.map(({ plan, reading }) => [plan.sensor.code, reading.level_m]));
}

function tickLine(plans: Plan[], levels: Map<string, number>, elapsedS: number, p: number): string {
  const clock = `t+${String(Math.floor(elapsedS / 60)).padStart(2, '0')}:${String(Math.round(elapsedS % 60)).padStart(2, '0')}`;
  const cells = plans
    .filter((plan) => plan.role !== 'calm')
    .map((plan) => {
      const level = levels.get(plan.sensor.code);
      if (level === undefined) return `${plan.sensor.code} silent`;
      const band = bandOf(plan.sensor, level);
      return `${plan.sensor.code} ${level.toFixed(2)} ${colourName(band)}`;
    });
  const calm = plans.filter((plan) => plan.role === 'calm').map((plan) => bandOf(plan.sensor, levels.get(plan.sensor.code) ?? -Infinity));
  const worstCalm = calm.reduce<Band>((worst, b) => (BAND_ORDER.indexOf(b) > BAND_ORDER.indexOf(worst) ? b : worst), 'normal');
  return `${clock}  rain ${rainAt(p).toFixed(1).padStart(4)} mm  ${cells.join('  ')}  | ${calm.length} others: ${colourName(worstCalm)}`;
}

function describeCast(plans: Plan[], deadAfterS: number): void {
  const line = (role: Role) =>
    plans
      .filter((p) => p.role === role)
      .map(
        (p) =>
          `${p.sensor.code} (watch ${p.sensor.watch_m.toFixed(2)} / warning ${p.sensor.warning_m.toFixed(2)} / critical ${p.sensor.critical_m.toFixed(2)} m, peak ${p.peak.toFixed(2)})`,
      )
      .join(', ');
  console.log(`flooding siren points, to red: ${line('flood')}`);
  console.log(`spiking sump, rate-of-rise:    ${line('spike')}`);
  const dead = plans.find((p) => p.role === 'dead');
  if (dead)
    console.log(
      `dead sensor:                   ${dead.sensor.code}, silent after ${deadAfterS.toFixed(0)} s (the desk flags it once its offline_after_s, 1200 s by default, has passed)`,
    );
  console.log(
    'note: the storm is compressed into real time, so any gauge rising 0.30 m within 30 min (the flooding sirens too) also meets the rate-of-rise rule',
  );
  console.log('note: colours below are the raw level against the lines; the desk lowers a band only 0.05 m (hysteresis) below its line\n');
}

function printSummary(plans: Plan[], tallies: Map<string, Tally>, alerts: AlertEvent[] | null): void {
  console.log('\nsummary');
  const rows = plans
    .filter((p) => p.role !== 'calm')
    .map((plan) => {
      const t = tallies.get(plan.sensor.code)!;
      return `  ${plan.sensor.code.padEnd(6)} ${plan.role.padEnd(6)} sent ${String(t.sent).padStart(4)}  stored ${String(t.inserted).padStart(4)}  refused ${t.refused}  peak ${t.peak.toFixed(2)} m ${colourName(t.peakBand)}${t.lastSent ? `  last reading ${t.lastSent}` : ''}`;
    });
  console.log(rows.join('\n'));
  const calm = plans.filter((p) => p.role === 'calm').map((p) => tallies.get(p.sensor.code)!);
  console.log(
    `  ${calm.length} other gauges: sent ${calm.reduce((n, t) => n + t.sent, 0)}, stored ${calm.reduce((n, t) => n + t.inserted, 0)}, refused ${calm.reduce((n, t) => n + t.refused, 0)}, highest band ${colourName(calm.reduce<Band>((w, t) => (BAND_ORDER.indexOf(t.peakBand) > BAND_ORDER.indexOf(w) ? t.peakBand : w), 'normal'))}`,
  );
  for (const [code, t] of tallies) if (t.firstError) console.log(`  ${code}: first refusal: ${t.firstError}`);
  if (!alerts) return;
  const counts = new Map<string, number>();
  for (const a of alerts) {
    const key = `${a.change} ${a.alert.type}/${a.alert.severity}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  console.log(`  alert events on /api/live: ${alerts.length}${counts.size ? ` (${[...counts].map(([k, n]) => `${n}x ${k}`).join(', ')})` : ''}`);
}

/**
 * The console, where alert lines that arrive while a tick's readings are being posted wait for
 * that tick's line: the desk often answers before the last of the tick's POSTs has returned.
 */
class TickLog {
  private held: string[] | null = null;
  print(line: string) {
    if (this.held) this.held.push(line);
    else console.log(line);
  }
  hold() {
    this.held = [];
  }
  release(tickLine: string) {
    console.log(tickLine);
    for (const line of this.held ?? []) console.log(line);
    this.held = null;
  }
}

/** Listens to the live stream while the storm runs, so the desk's reactions show up in the log. */
async function watchAlerts(api: Client, alerts: AlertEvent[], log: TickLog): Promise<EventStream | null> {
  const stream = await openLive(api, (event) => {
    if (event.event !== 'alert') return;
    const a = event.data;
    alerts.push(a);
    const band = (BAND_ORDER.includes(a.alert.severity as Band) ? a.alert.severity : 'normal') as Band;
    log.print(`         alert ${a.change}: ${a.alert.sensor_code} ${a.alert.type} ${colourName(band)} (#${a.alert.id}, ${a.alert.status})`);
  });
  if (!stream) console.log('live stream: skipped, /api/live not available on this server (404)');
  void stream?.ended.then((reason) => {
    if (reason) console.log(`live stream ended: ${reason}`);
  });
  return stream;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const api = await Client.signIn(options.url, options.user, options.password);
  const sensors = await listSensors(api);
  if (!sensors.length) throw new Error('the server has no sensors');
  const totalS = options.minutes * 60;
  const random = seededRandom(options.seed);
  const plans = castStorm(sensors, random, totalS);
  const deadAfterS = Math.min(60, totalS / 4);
  console.log(`storm over ${options.url}: ${sensors.length} sensors, ${options.minutes} min, a reading every ${options.every} s, seed ${options.seed}`);
  describeCast(plans, deadAfterS);

  const keys = new DeviceKeys(api);
  for (const plan of plans) await keys.keyFor(plan.sensor.code);
  const alerts: AlertEvent[] = [];
  const log = new TickLog();
  const stream = await watchAlerts(api, alerts, log);
  const tallies = new Map(plans.map((p) => [p.sensor.code, { sent: 0, inserted: 0, refused: 0, peak: -Infinity, peakBand: 'normal' as Band }]));

  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
  });
  const started = Date.now();
  const ticks = Math.floor(totalS / options.every) + 1;
  for (let i = 0; i < ticks && !interrupted; i++) {
    // Ticks are scheduled from the start, so slow answers do not stretch the storm.
    await sleep(started + i * options.every * 1000 - Date.now());
    const elapsedS = (Date.now() - started) / 1000;
    const p = Math.min(1, i / Math.max(1, ticks - 1));
    log.hold();
    const levels = await sendTick(keys, plans, p, elapsedS, deadAfterS, random, tallies);
    log.release(tickLine(plans, levels, elapsedS, p));
  }
  if (interrupted) console.log('interrupted');
  // Alerts from the last readings take a moment to come through.
  if (stream) {
    await sleep(1000);
    stream.close();
  }
  printSummary(plans, tallies, stream ? alerts : null);
}

main().catch((error: unknown) => {
  console.error(`storm: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
