import { canSeeTrucks, type Viewer } from '../auth/policy.ts';
import type { Queryable } from '../db/index.ts';
import { publish } from '../live/hub.ts';
import type { LiveTopic } from '../live/topics.ts';
import { trucksNow, truckRules, type TruckProperties } from './queries/trucks.ts';

/** A truck as live clients get it: what `GET /api/trucks` says of it, and where it is. */
export type LiveTruck = TruckProperties & { lon: number; lat: number };

/** The SSE message a truck's new position makes. */
export type WasteMessage = { event: 'truck'; data: LiveTruck };

export interface WasteSnapshot {
  trucks: LiveTruck[];
  /** A truck whose latest fix is older than this is offline: clients flip it between events. */
  waste: { offline_after_s: number };
}

/**
 * Announces, in the ingest's transaction, that a truck has new positions: only its id, so the
 * payload stays small; each process loads the truck once for all its clients.
 */
export const announceTruck = (tx: Queryable, truckId: number) => publish(tx, { topic: 'truck', truck_id: truckId });

async function liveTrucks(...args: Parameters<typeof trucksNow>): Promise<LiveTruck[]> {
  const trucks = await trucksNow(...args);
  return trucks.features.map((f) => ({ ...f.properties, lon: f.geometry.coordinates[0] as number, lat: f.geometry.coordinates[1] as number }));
}

/** The waste trucks on /api/live (`topics=waste`). Trucks are public; the policy says so in one place. */
export const wasteTopic: LiveTopic<LiveTruck, WasteMessage, WasteSnapshot> = {
  async load(message, { db, settings, clock }) {
    const m = message as { topic?: string; truck_id?: unknown };
    if (m.topic !== 'truck' || typeof m.truck_id !== 'number') return null;
    const [truck] = await liveTrucks(db, truckRules(settings.waste, clock.now()), m.truck_id);
    return truck ?? null;
  },
  messageFor: (viewer: Viewer, truck) => (canSeeTrucks(viewer) ? { event: 'truck', data: truck } : null),
  async snapshot({ db, viewer, settings, now }) {
    const trucks = canSeeTrucks(viewer) ? await liveTrucks(db, truckRules(settings.waste, now)) : [];
    return { trucks, waste: { offline_after_s: settings.waste.offlineMinutes * 60 } };
  },
};
