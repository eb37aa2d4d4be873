import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../db/index.ts';

export interface Device {
  id: number;
  kind: 'sensor' | 'truck';
  code: string;
  label: string;
  /** The sensor or truck this device may write for. */
  target_id: number;
  created_at: string;
  revoked_at: string | null;
}

const DEVICE_COLUMNS = `
  d.id, d.kind, coalesce(s.code, t.code) AS code, d.label, coalesce(d.sensor_id, d.truck_id)::int AS target_id,
  to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at,
  to_char(d.revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS revoked_at`;
const DEVICE_FROM = `devices d LEFT JOIN sensors s ON s.id = d.sensor_id LEFT JOIN trucks t ON t.id = d.truck_id`;

const secretHash = (secret: string) => createHash('sha256').update(secret).digest();

/**
 * A device key is `mdk_<device id>_<secret>`: the id finds the row, the secret (256 random
 * bits, so a plain SHA-256 is enough) proves it. The key is shown once, when it is made.
 */
export async function createDevice(db: Queryable, kind: Device['kind'], code: string, label: string): Promise<{ device: Device; key: string } | null> {
  const secret = randomBytes(32).toString('base64url');
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO devices (kind, sensor_id, truck_id, label, key_hash)
     SELECT $1, s.id, t.id, $3, $4
     FROM (SELECT 1) AS one
     LEFT JOIN sensors s ON $1 = 'sensor' AND s.code = $2
     LEFT JOIN trucks t ON $1 = 'truck' AND t.code = $2
     WHERE s.id IS NOT NULL OR t.id IS NOT NULL
     RETURNING id`,
    [kind, code, label, secretHash(secret).toString('hex')],
  );
  if (!row) return null;
  const device = await getDevice(db, row.id);
  return device ? { device, key: `mdk_${row.id}_${secret}` } : null;
}

export async function getDevice(db: Queryable, id: number): Promise<Device | undefined> {
  const [row] = await db.query<Device>(`SELECT ${DEVICE_COLUMNS} FROM ${DEVICE_FROM} WHERE d.id = $1`, [id]);
  return row;
}

export const listDevices = (db: Queryable) => db.query<Device>(`SELECT ${DEVICE_COLUMNS} FROM ${DEVICE_FROM} ORDER BY d.id`);

export async function revokeDevice(db: Queryable, id: number): Promise<Device | undefined> {
  await db.query('UPDATE devices SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1', [id]);
  return getDevice(db, id);
}

export type KeyCheck = { device: Device } | { problem: 'malformed' | 'unknown' | 'revoked' };

export async function deviceForKey(db: Queryable, key: string): Promise<KeyCheck> {
  const match = /^mdk_(\d{1,9})_([A-Za-z0-9_-]{43})$/.exec(key);
  if (!match) return { problem: 'malformed' };
  const [row] = await db.query<Device & { key_hash: string }>(`SELECT ${DEVICE_COLUMNS}, d.key_hash FROM ${DEVICE_FROM} WHERE d.id = $1`, [Number(match[1])]);
  const given = secretHash(match[2] as string);
  if (!row || !timingSafeEqual(Buffer.from(row.key_hash, 'hex'), given)) return { problem: 'unknown' };
  const { key_hash: _, ...device } = row;
  return device.revoked_at ? { problem: 'revoked' } : { device };
}
