import type { Clock } from './clock.ts';
import type { SiteSettings, WasteSettings } from './config.ts';
import type { Db, Queryable } from './db/index.ts';
import type { Viewer } from './auth/policy.ts';
import type { Device } from './devices/queries.ts';
import type { CapSettings } from './flood/cap.ts';
import type { FloodDesk } from './flood/desk.ts';
import type { LiveHub } from './live/hub.ts';
import type { LiveEvent } from './live/topics.ts';
import type { ParcelTiles } from './parcels/tileCache.ts';
import type { PhotoConfig } from './config.ts';
import type { PhotoStore } from './sites/photos/store.ts';

/** What the request handlers need from the configuration. */
export interface Settings {
  session: { maxSeconds: number; idleSeconds: number; secureCookie: boolean };
  /** Reverse proxies in front of the server (see Config). */
  trustProxy: number;
  cap: CapSettings;
  /** Checks the signature of LINE's webhook calls; null: the LINE webhook is off. */
  lineChannelSecret: string | null;
  /** Flood desk settings the routes apply: see Config.flood. */
  flood: { outboundAllowHosts: readonly string[]; readingsHorizonDays: number };
  /** Limits on site photos: see Config.photos. */
  photos: Omit<PhotoConfig, 'store'>;
  sites: SiteSettings;
  waste: WasteSettings;
}

/** What runs for as long as the process does, beside the requests. */
export interface Services {
  /** "Now" for deadlines and device clocks: the system clock, or a manual one in drills. */
  clock: Clock;
  /**
   * Where reads that tolerate a little replication lag go (tiles, evaluation, lists): a replica
   * when one is configured, else the database itself. Writes, sessions and LISTEN use `db`.
   */
  reads: Queryable & Pick<Db, 'engine'>;
  flood: FloodDesk;
  live: LiveHub<LiveEvent>;
  /** This process's parcel tiles, dropped where parcels change (in any process). */
  tiles: ParcelTiles;
  /** Where site photos' files are (Config.photos.store). */
  photos: PhotoStore;
}

/** What every request handler can reach through `c.var`. */
export interface Env {
  Variables: {
    db: Db;
    settings: Settings;
    /** The signed-in user, or the public. */
    viewer: Viewer;
    /** The session behind the request's cookie, when there is a live one. */
    session: { token: string; csrfToken: string } | null;
    /** The device whose key signed the request, on device routes. */
    device: Device;
  } & Services;
}
