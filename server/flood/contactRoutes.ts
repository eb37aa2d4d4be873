import { Hono } from 'hono';
import { z } from 'zod';
import { recordAudit } from '../audit/queries.ts';
import { actorOf, requireViewer } from '../auth/middleware.ts';
import { canManageFloodChain, canManageFloodContact, canSeeFloodContacts, type Viewer } from '../auth/policy.ts';
import { findAccount } from '../auth/queries.ts';
import type { Queryable } from '../db/index.ts';
import type { Env } from '../env.ts';
import { apiError, badRequest } from '../http/errors.ts';
import { integer, validate } from '../http/validate.ts';
import { destinationProblem } from './notify/outbound.ts';
import { getContact, insertContact, listChains, listContacts, replaceChain, updateContact, zoneExists, type ContactFields } from './queries/contacts.ts';

/**
 * Who the flood desk tells, and in what order: contacts and each zone's escalation chain.
 * Staff scoped to zones see and change only their zones' chains and the contacts no other
 * chain uses (policy: canManageFloodChain, canManageFloodContact); the city's chain and the
 * contacts it uses need someone scoped to no zone.
 */

const quietTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (Bangkok time)')
  .nullable();

/** A LINE user, group or room id; a webhook's http(s) URL. */
const contactAddress = (contact: { channel?: string; address?: string }, ctx: z.RefinementCtx) => {
  if (contact.address === undefined) return;
  const ok =
    contact.channel === 'line'
      ? /^[UCR][0-9a-f]{32}$/.test(contact.address)
      : contact.channel === 'webhook'
        ? /^https?:\/\/[^\s]+$/.test(contact.address)
        : true;
  if (!ok)
    ctx.addIssue({
      code: 'custom',
      path: ['address'],
      message: contact.channel === 'line' ? 'expected a LINE user, group or room id (U, C or R and 32 hex digits)' : 'expected an http(s) URL',
    });
};
const quietPair = (contact: { quiet_from?: string | null; quiet_to?: string | null }, ctx: z.RefinementCtx) => {
  if ((contact.quiet_from === undefined) !== (contact.quiet_to === undefined) || (contact.quiet_from === null) !== (contact.quiet_to === null)) {
    ctx.addIssue({ code: 'custom', path: ['quiet_to'], message: 'quiet_from and quiet_to go together' });
  }
};
const contactFields = {
  name: z.string().trim().min(1).max(100),
  position: z.string().trim().min(1).max(200),
  channel: z.enum(['webhook', 'line']),
  address: z.string().trim().min(1).max(500),
  quiet_from: quietTime.optional(),
  quiet_to: quietTime.optional(),
  username: z.string().trim().min(1).max(32).nullable().optional(),
};
const newContact = z.object(contactFields).strict().superRefine(contactAddress).superRefine(quietPair);
const contactChange = z
  .object({
    ...contactFields,
    channel: contactFields.channel.optional(),
    name: contactFields.name.optional(),
    position: contactFields.position.optional(),
    address: contactFields.address.optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .superRefine(contactAddress)
  .superRefine(quietPair);
const chainBody = z
  .object({
    steps: z
      .array(
        z
          .object({
            contact_id: z.number().int().min(1),
            ack_within_s: z
              .number()
              .int()
              .min(60)
              .max(24 * 3600),
          })
          .strict(),
      )
      .max(10),
  })
  .strict();

const contactId = validate('param', z.object({ id: integer(1, 2 ** 31 - 1) }));

const contactsStaff = requireViewer(canSeeFloodContacts, 'only disaster staff and administrators manage flood contacts');

/** The contacts this viewer may see and change; the others are as if they did not exist. */
const contactsOf = async (db: Queryable, viewer: Viewer) => (await listContacts(db)).filter((k) => canManageFloodContact(viewer, k.chain_zones));
const chainsOf = async (db: Queryable, viewer: Viewer) => (await listChains(db)).filter((k) => canManageFloodChain(viewer, k.zone_id));

export const floodContactRoutes = new Hono<Env>()
  .get('/flood/contacts', contactsStaff, async (c) =>
    c.json({ contacts: await contactsOf(c.var.db, c.var.viewer), chains: await chainsOf(c.var.db, c.var.viewer) }),
  )
  .post('/flood/contacts', contactsStaff, validate('json', newContact), async (c) => {
    const { username, ...fields } = c.req.valid('json');
    refuseDestination(fields.channel, fields.address, c.var.settings.flood.outboundAllowHosts);
    const contact = await c.var.db.transaction(async (tx) => {
      const id = await insertContact(tx, { ...fields, user_id: await userIdOf(tx, username ?? null) });
      const made = await getContact(tx, id);
      await recordAudit(tx, actorOf(c), { action: 'create', entity: 'flood_contact', entityId: id, after: made });
      return made;
    });
    return c.json(contact, 201);
  })
  .patch('/flood/contacts/:id', contactsStaff, contactId, validate('json', contactChange), async (c) => {
    const { id } = c.req.valid('param');
    const change = c.req.valid('json');
    const contact = await c.var.db.transaction(async (tx) => {
      const before = await getContact(tx, id);
      if (!before) throw apiError(404, `no contact ${id}`);
      if (!canManageFloodContact(c.var.viewer, before.chain_zones)) {
        throw apiError(403, `contact ${id} is in the escalation chain of a zone (or the city) outside yours`);
      }
      const channel = change.channel ?? before.channel;
      if (change.channel && change.address === undefined && change.channel !== before.channel) {
        throw badRequest('address', 'address: a new channel needs its address');
      }
      if (change.address !== undefined || change.channel !== undefined) {
        refuseDestination(channel, change.address ?? before.address, c.var.settings.flood.outboundAllowHosts);
      }
      const { username, ...fields } = change;
      const update: ContactFields = { ...fields, channel };
      if (username !== undefined) update.user_id = await userIdOf(tx, username);
      await updateContact(tx, id, update);
      const after = await getContact(tx, id);
      await recordAudit(tx, actorOf(c), { action: 'update', entity: 'flood_contact', entityId: id, before, after });
      return after;
    });
    return c.json(contact);
  })
  // A zone's escalation chain ("city": the one every zone without its own uses), replaced whole.
  .put(
    '/flood/chains/:zone',
    contactsStaff,
    validate('param', z.object({ zone: z.union([z.literal('city'), integer(1, 32767)]) })),
    validate('json', chainBody),
    async (c) => {
      const { zone } = c.req.valid('param');
      const { steps } = c.req.valid('json');
      const zoneId = zone === 'city' ? null : zone;
      if (!canManageFloodChain(c.var.viewer, zoneId)) {
        throw apiError(403, zoneId === null ? "the city's chain reaches every zone: only staff of every zone change it" : `zone ${zoneId} is not yours`);
      }
      const chains = await c.var.db.transaction(async (tx) => {
        if (zoneId !== null && !(await zoneExists(tx, zoneId))) {
          throw apiError(404, `no zone ${zoneId}`, 'zone');
        }
        // Only contacts this viewer may manage: a zone's staff cannot pull another zone's people in.
        const known = new Set((await contactsOf(tx, c.var.viewer)).filter((k) => k.active).map((k) => k.id));
        const unknown = steps.findIndex((s) => !known.has(s.contact_id));
        if (unknown >= 0) throw badRequest(`steps.${unknown}.contact_id`, `steps.${unknown}.contact_id: no active contact ${steps[unknown]?.contact_id}`);
        const before = (await listChains(tx)).find((k) => k.zone_id === zoneId) ?? null;
        await replaceChain(tx, zoneId, steps);
        const after = (await listChains(tx)).find((k) => k.zone_id === zoneId) ?? null;
        await recordAudit(tx, actorOf(c), { action: 'update', entity: 'escalation_chain', entityId: zone, before, after });
        return chainsOf(tx, c.var.viewer);
      });
      return c.json(chains);
    },
  );

/** A webhook must point at the public internet (or a host the configuration allows): see outbound.ts. */
function refuseDestination(channel: string, address: string, allowHosts: readonly string[]): void {
  const problem = channel === 'webhook' ? destinationProblem(address, allowHosts) : null;
  if (problem) throw badRequest('address', `address: ${problem}; an administrator may allow a host in OUTBOUND_ALLOW_HOSTS`);
}

/** The account a contact is linked to (LINE acknowledgements act as it), by username. */
async function userIdOf(tx: Queryable, username: string | null): Promise<number | null> {
  if (username === null) return null;
  const account = await findAccount(tx, username);
  if (!account) throw badRequest('username', `username: no user "${username}"`);
  return account.id;
}
