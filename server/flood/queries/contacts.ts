import type { User } from '../../auth/policy.ts';
import type { Queryable } from '../../db/index.ts';

export interface Contact {
  id: number;
  name: string;
  position: string;
  username: string | null;
  channel: 'webhook' | 'line';
  address: string;
  quiet_from: string | null;
  quiet_to: string | null;
  active: boolean;
  /** The chains that use this contact: zone ids, null for the city's. Decides who may change it. */
  chain_zones: (number | null)[];
}

interface ChainStep {
  step: number;
  contact_id: number;
  contact_name: string;
  ack_within_s: number;
}
export interface Chain {
  zone_id: number | null;
  steps: ChainStep[];
}

const CONTACT_SELECT = `
  SELECT c.id, c.name, c.position, u.username, c.channel, c.address,
         to_char(c.quiet_from, 'HH24:MI') AS quiet_from, to_char(c.quiet_to, 'HH24:MI') AS quiet_to, c.active,
         coalesce((SELECT array_agg(DISTINCT e.zone_id::int) FROM escalation_steps e WHERE e.contact_id = c.id), '{}') AS chain_zones
  FROM flood_contacts c LEFT JOIN users u ON u.id = c.user_id`;

export const listContacts = (db: Queryable) => db.query<Contact>(`${CONTACT_SELECT} ORDER BY c.id`);

export async function getContact(db: Queryable, id: number): Promise<Contact | undefined> {
  const [row] = await db.query<Contact>(`${CONTACT_SELECT} WHERE c.id = $1`, [id]);
  return row;
}

/** Every zone's chain and the city's (zone_id null), steps in order. */
export async function listChains(db: Queryable): Promise<Chain[]> {
  const rows = await db.query<ChainStep & { zone_id: number | null }>(
    `SELECT e.zone_id::int AS zone_id, e.step::int AS step, e.contact_id, c.name AS contact_name, e.ack_within_s
     FROM escalation_steps e JOIN flood_contacts c ON c.id = e.contact_id
     ORDER BY e.zone_id NULLS FIRST, e.step`,
  );
  const chains = new Map<number | null, ChainStep[]>();
  for (const { zone_id, ...step } of rows) chains.set(zone_id, [...(chains.get(zone_id) ?? []), step]);
  return [...chains].map(([zone_id, steps]) => ({ zone_id, steps }));
}

export interface ContactFields {
  name?: string;
  position?: string;
  channel?: Contact['channel'];
  address?: string;
  quiet_from?: string | null;
  quiet_to?: string | null;
  active?: boolean;
  user_id?: number | null;
}

export async function insertContact(
  db: Queryable,
  fields: Required<Pick<ContactFields, 'name' | 'position' | 'channel' | 'address'>> & ContactFields,
): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO flood_contacts (name, position, channel, address, quiet_from, quiet_to, user_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [fields.name, fields.position, fields.channel, fields.address, fields.quiet_from ?? null, fields.quiet_to ?? null, fields.user_id ?? null],
  );
  return (row as { id: number }).id;
}

/** Changes only the fields given; a field given as null is cleared. */
export async function updateContact(db: Queryable, id: number, fields: ContactFields): Promise<void> {
  const has = (key: keyof ContactFields) => key in fields;
  await db.query(
    `UPDATE flood_contacts SET
       name = CASE WHEN $2 THEN $3 ELSE name END,
       position = CASE WHEN $4 THEN $5 ELSE position END,
       channel = CASE WHEN $6 THEN $7 ELSE channel END,
       address = CASE WHEN $8 THEN $9 ELSE address END,
       quiet_from = CASE WHEN $10 THEN $11::time ELSE quiet_from END,
       quiet_to = CASE WHEN $12 THEN $13::time ELSE quiet_to END,
       active = CASE WHEN $14 THEN $15 ELSE active END
     WHERE id = $1`,
    [
      id,
      has('name'),
      fields.name ?? null,
      has('position'),
      fields.position ?? null,
      has('channel'),
      fields.channel ?? null,
      has('address'),
      fields.address ?? null,
      has('quiet_from'),
      fields.quiet_from ?? null,
      has('quiet_to'),
      fields.quiet_to ?? null,
      has('active'),
      fields.active ?? null,
    ],
  );
}

/** Replaces a zone's chain (null: the city's) with these steps, in this order. */
export async function replaceChain(tx: Queryable, zoneId: number | null, steps: { contact_id: number; ack_within_s: number }[]): Promise<void> {
  await tx.query('DELETE FROM escalation_steps WHERE zone_id IS NOT DISTINCT FROM $1', [zoneId]);
  await tx.query(
    `INSERT INTO escalation_steps (zone_id, step, contact_id, ack_within_s)
     SELECT $1, s.n - 1, s.contact_id, s.ack_within_s
     FROM unnest($2::int[], $3::int[]) WITH ORDINALITY AS s(contact_id, ack_within_s, n)`,
    [zoneId, steps.map((s) => s.contact_id), steps.map((s) => s.ack_within_s)],
  );
}

export async function zoneExists(db: Queryable, zoneId: number): Promise<boolean> {
  return (await db.query('SELECT 1 FROM zones WHERE id = $1', [zoneId])).length > 0;
}

/** The active account linked to an active LINE contact with this LINE user id. */
export async function lineContactAccount(db: Queryable, lineUserId: string): Promise<User | undefined> {
  const [user] = await db.query<User>(
    `SELECT u.id, u.username, u.display_name, u.role, u.zones FROM flood_contacts k JOIN users u ON u.id = k.user_id
     WHERE k.channel = 'line' AND k.address = $1 AND k.active AND NOT u.disabled`,
    [lineUserId],
  );
  return user;
}
