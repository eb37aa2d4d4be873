import type { Queryable } from '../db/index.ts';

/** Who did something: a signed-in user, a device with its key, or the server itself. */
export interface Actor {
  kind: 'user' | 'device' | 'system';
  id: number | null;
  name: string;
  ip: string | null;
}

export interface AuditEntry {
  action: string;
  entity: string;
  entityId: string | number | null;
  before?: unknown;
  after?: unknown;
}

/** Appends to the audit trail, in the caller's transaction: the entry and the write stand or fall together. */
export async function recordAudit(tx: Queryable, actor: Actor, entry: AuditEntry): Promise<void> {
  await tx.query(
    `INSERT INTO audit_log (actor_kind, actor_id, actor_name, action, entity, entity_id, before, after, ip)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9)`,
    [
      actor.kind,
      actor.id,
      actor.name,
      entry.action,
      entry.entity,
      entry.entityId === null ? null : String(entry.entityId),
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
      actor.ip,
    ],
  );
}

export interface AuditRecord {
  id: number;
  at: string;
  actor_kind: Actor['kind'];
  actor_id: number | null;
  actor_name: string;
  action: string;
  entity: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
}

export interface AuditFilter {
  actor?: string;
  entity?: string;
  entity_id?: string;
  action?: string;
  from?: string;
  to?: string;
  before_id?: number;
  limit: number;
}

/** Newest first, filtered; `before_id` pages back through older entries. */
export async function listAudit(db: Queryable, filter: AuditFilter): Promise<AuditRecord[]> {
  return db.query<AuditRecord>(
    `SELECT id::int AS id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
            actor_kind, actor_id, actor_name, action, entity, entity_id, before, after, ip
     FROM audit_log
     WHERE ($1::text IS NULL OR actor_name = $1)
       AND ($2::text IS NULL OR entity = $2)
       AND ($3::text IS NULL OR entity_id = $3)
       AND ($4::text IS NULL OR action = $4)
       AND ($5::timestamptz IS NULL OR at >= $5)
       AND ($6::timestamptz IS NULL OR at < $6)
       AND ($7::bigint IS NULL OR id < $7)
     ORDER BY id DESC
     LIMIT $8`,
    [
      filter.actor ?? null,
      filter.entity ?? null,
      filter.entity_id ?? null,
      filter.action ?? null,
      filter.from ?? null,
      filter.to ?? null,
      filter.before_id ?? null,
      filter.limit,
    ],
  );
}
