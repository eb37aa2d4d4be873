import type { Clock } from '../clock.ts';
import type { Db } from '../db/index.ts';
import { logError } from '../failures.ts';
import { escalateOverdue } from './alerts.ts';
import { dropOldPositions } from '../waste/queries/motion.ts';
import { flagSilentSensors } from './engine.ts';
import { dropOldReadings, tryTransactionLock } from './queries/sensors.ts';
import { channelsFor, type ChannelSettings } from './notify/channels.ts';
import { dispatchDue } from './notify/outbox.ts';

// Any constant shared by all processes: one of them sweeps at a time.
const SWEEP_LOCK = 724_003;

interface SweepResult {
  offline: number[];
  escalated: number[];
  sent: number;
  dropped: string[];
}

/**
 * What runs on the clock rather than on a reading: silent sensors, overdue acknowledgements,
 * notifications that are due. Every process runs it; the advisory lock makes it one at a time.
 */
export interface FloodDesk {
  sweep(): Promise<SweepResult>;
  /** A write queued notifications: send them now rather than at the next sweep. */
  dispatchSoon(): void;
  /** Stops the timer and waits for work under way, so the database can be closed after it. */
  stop(): Promise<void>;
}

export interface FloodDeskOptions {
  sweepSeconds: number;
  /** Whole months of readings to keep before dropping the oldest month; 0 keeps everything. */
  keepMonths: number;
  channels: ChannelSettings;
}

export function startFloodDesk(db: Db, clock: Clock, options: FloodDeskOptions): FloodDesk {
  const channels = channelsFor(options.channels);
  // One dispatch at a time in this process; a call during one makes it go round once more.
  let running = false;
  let again = false;
  const dispatch = async (): Promise<number> => {
    if (running) {
      again = true;
      return 0;
    }
    running = true;
    let sent = 0;
    try {
      do {
        again = false;
        sent += await dispatchDue(db, channels, clock.now());
      } while (again);
    } finally {
      running = false;
    }
    return sent;
  };
  const sweep = async (): Promise<SweepResult> => {
    const now = clock.now();
    const found = await db.transaction(async (tx) => {
      if (!(await tryTransactionLock(tx, SWEEP_LOCK))) return { offline: [], escalated: [], dropped: [] };
      return {
        offline: await flagSilentSensors(tx, now),
        escalated: await escalateOverdue(tx, now),
        // Trucks' positions follow the readings' retention: one sweep, one rule, one place.
        dropped:
          options.keepMonths > 0 ? [...(await dropOldReadings(tx, now, options.keepMonths)), ...(await dropOldPositions(tx, now, options.keepMonths))] : [],
      };
    });
    return { ...found, sent: await dispatch() };
  };
  // One short line, and the next sweep tries again (the database may be restarting).
  const report = (error: unknown) => logError('flood sweep failed', error);
  const underway = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    const tracked = work.catch(report).finally(() => underway.delete(tracked));
    underway.add(tracked);
  };
  const timer = options.sweepSeconds > 0 ? setInterval(() => track(sweep()), options.sweepSeconds * 1000) : null;
  timer?.unref();
  return {
    sweep,
    dispatchSoon: () => track(dispatch()),
    stop: async () => {
      if (timer) clearInterval(timer);
      await Promise.all(underway);
    },
  };
}
