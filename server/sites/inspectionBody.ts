import { createHash } from 'node:crypto';
import { z } from 'zod';
import { instant } from '../http/time.ts';
import type { InspectionValues } from './queries.ts';

/** An id made by the client (a phone, offline): any UUID, so that a resend finds its row. */
export const clientId = z.uuid({ error: 'expected a UUID' });

const defect = z
  .object({
    id: clientId,
    description: z.string().trim().min(1).max(2000),
    severity: z.enum(['minor', 'major', 'critical']),
    assignee: z.string().trim().max(200).optional(),
    due_on: z.iso.date().optional(),
  })
  .strict();

/** `PUT /api/sites/{id}/inspections/{client_id}`: a visit, as the inspector's phone sends it. */
export const inspectionBody = z
  .object({
    visited_at: instant,
    progress_pct: z.number().min(0).max(100),
    notes: z.string().max(10_000),
    work_done: z.string().max(10_000).optional(),
    weather: z.enum(['clear', 'cloudy', 'rain', 'storm']).optional(),
    defects: z
      .array(defect)
      .max(50)
      .refine((list) => new Set(list.map((d) => d.id)).size === list.length, 'each defect needs its own id')
      .optional(),
  })
  .strict();

/**
 * The fingerprint of a write, stored with the inspection: the same write sent again (its
 * acknowledgement lost on a bad network) is recognised and changes nothing. Taken over the
 * validated body, whose keys come in the schema's order, so the order a client sends them in
 * does not matter.
 */
export const requestHash = (values: InspectionValues): string => createHash('sha256').update(JSON.stringify(values)).digest('hex');
