import { Hono } from 'hono';
import { z } from 'zod';
import { recordAudit } from '../audit/queries.ts';
import { actorOf, requireViewer } from '../auth/middleware.ts';
import { canEstimateTax, canReadSomeTax, canReadTax, canWriteSomeTax, canWriteTax, parcelView, type Viewer } from '../auth/policy.ts';
import { bangkokDate } from '../clock.ts';
import type { Env } from '../env.ts';
import { apiError, badRequest } from '../http/errors.ts';
import { integer, validate } from '../http/validate.ts';
import { parcelById } from '../parcels/queries.ts';
import { assess, type ParcelDescription, TAX_USES, type TaxUse } from './calc.ts';
import { billView, parcelTaxes } from './parcelTax.ts';
import { billingYear, insertPayment, lockedBill, refreshTaxStatus, setWarning, type Bill } from './queries/bills.ts';
import { loadYearRules } from './queries/rates.ts';
import { chargesFor, taxYearOn } from './taxYear.ts';

/** The calculator's land uses: the Act's, and the register's names for them (industrial and commercial land is "other"). */
const LAND_USE_ALIASES: Record<string, TaxUse> = {
  agriculture: 'agriculture',
  agricultural: 'agriculture',
  residential: 'residential',
  other: 'other',
  commercial: 'other',
  industrial: 'other',
  vacant: 'vacant',
};
/** Up to 10 million million baht: more than any parcel is worth, within numeric(16, 2). */
const baht = z.number().min(0).max(1e13);
const residence = z.enum(['owner', 'building_only']);

const assessBody = z.object({
  year: z.number().int(),
  land_use: z.enum(Object.keys(LAND_USE_ALIASES) as [string, ...string[]]).optional(),
  /** The land's value, when `land_value` is not given (the minimal request: one use, this value). */
  value: baht.optional(),
  uses: z
    .array(z.object({ use: z.enum(TAX_USES), share: z.number().gt(0).max(1) }))
    .min(1)
    .max(TAX_USES.length)
    .optional(),
  land_value: baht.optional(),
  buildings: z
    .array(z.object({ use: z.enum(['agriculture', 'residential', 'other']), value: baht, residence: residence.optional() }))
    .max(200)
    .optional(),
  residence: residence.optional(),
  exemption: z.enum(['public', 'religious']).optional(),
  vacant_years: z.number().int().min(0).max(500).optional(),
});

/** A request's description of a parcel, or the field that is wrong. */
function descriptionOf(body: z.infer<typeof assessBody>): ParcelDescription {
  const land_value = body.land_value ?? body.value ?? 0;
  const buildings = body.buildings ?? [];
  if (body.land_value === undefined && body.value === undefined && buildings.length === 0) {
    throw badRequest('value', 'value: give the value (or land_value and uses, or buildings)');
  }
  const landUse = body.land_use === undefined ? undefined : LAND_USE_ALIASES[body.land_use];
  const uses = body.uses ?? (landUse ? [{ use: landUse, share: 1 }] : []);
  if (land_value > 0 && uses.length === 0) throw badRequest('land_use', 'land_use: say how the land is used (land_use, or uses with their shares)');
  if (new Set(uses.map((u) => u.use)).size !== uses.length) throw badRequest('uses', 'uses: each use once');
  const shares = uses.reduce((sum, u) => sum + u.share, 0);
  if (uses.length > 0 && Math.abs(shares - 1) > 0.0001) throw badRequest('uses', `uses: the shares must sum to 1 (they sum to ${shares})`);
  return {
    land_value,
    uses,
    buildings: buildings.map(({ use, value }) => ({ use, value })),
    residence: body.residence ?? buildings.find((b) => b.residence)?.residence ?? null,
    exemption: body.exemption ?? null,
    vacant_years: body.vacant_years ?? 0,
  };
}

const idParam = z.object({ id: integer(1, 2 ** 31 - 1) });
const yearQuery = z.object({ year: integer(2400, 2800).optional() });
const date = z.iso.date({ error: 'expected a date, YYYY-MM-DD' });
const paymentBody = z.object({
  paid_on: date,
  tax_part: z
    .number()
    .gt(0)
    .max(1e12)
    .refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-6, 'to the satang at most (2 decimals)'),
  receipt_no: z.string().trim().min(1).max(40),
  instalment: z.number().int().min(1).max(12).optional(),
});
const warningBody = z.object({ warning_date: date, warning_deadline: date });

/** Whether the viewer may record payments and warnings on this bill: out of their zones it is not found. */
function writableBill(viewer: Viewer, bill: Bill | null, id: number): Bill {
  if (!bill || !canWriteTax(viewer, bill.zone_id)) throw apiError(404, `no tax bill ${id}`);
  return bill;
}

/**
 * The calculator, a parcel's tax (its calculation, bill, payments and what it owes today), and
 * the Revenue Division's payments and warning notices. "Today" is the Bangkok date of the
 * server's clock.
 */
export const assessRoutes = new Hono<Env>()
  .post('/tax/assess', requireViewer(canEstimateTax, 'the tax calculator'), validate('json', assessBody), async (c) => {
    const body = c.req.valid('json');
    const rules = await loadYearRules(c.var.reads, body.year);
    if (!rules) throw badRequest('year', `year: no rates for the tax year ${body.year}`);
    const { value, tax, lines } = assess(descriptionOf(body), rules);
    return c.json({ year: body.year, value, tax, lines });
  })
  // A parcel's tax: personal data (what one owes), for tax roles in their zones; each reading is
  // recorded in the audit trail in the same transaction, as reading the parcel is.
  .get(
    '/parcels/:id/tax',
    requireViewer(canReadSomeTax, "a parcel's tax is for the tax roles"),
    validate('param', idParam),
    validate('query', yearQuery),
    async (c) => {
      const { id } = c.req.valid('param');
      const viewer = c.var.viewer;
      const today = bangkokDate(c.var.clock.now());
      const answer = await c.var.db.transaction(async (tx) => {
        const year = c.req.valid('query').year ?? (await billingYear(tx, taxYearOn(today)));
        const rules = await loadYearRules(tx, year);
        if (!rules) throw badRequest('year', `year: no rates for the tax year ${year}`);
        const found = await parcelById(tx, parcelView(viewer), id);
        if (!found || !canReadTax(viewer, found.properties.zone_id)) return null;
        const [tax] = await parcelTaxes(tx, [found], rules, today);
        await recordAudit(tx, actorOf(c), { action: 'view', entity: 'parcel_tax', entityId: id, after: { year } });
        return tax;
      });
      if (!answer) throw apiError(404, `no parcel ${id}`);
      c.header('Cache-Control', 'private, no-store');
      return c.json(answer);
    },
  )
  // A payment as the receipt records it: the penalty and surcharge are what lateness added on the
  // day it was paid, computed here (never sent), instalment by instalment.
  .post(
    '/tax/bills/:id/payments',
    requireViewer(canWriteSomeTax, 'payments are recorded by the Revenue Division'),
    validate('param', idParam),
    validate('json', paymentBody),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const viewer = c.var.viewer;
      const today = bangkokDate(c.var.clock.now());
      if (body.paid_on > today) throw badRequest('paid_on', `paid_on: ${body.paid_on} is after today (${today})`);
      const result = await c.var.db.transaction(async (tx) => {
        const bill = writableBill(viewer, await lockedBill(tx, id, today), id);
        if (body.tax_part > bill.owed) throw badRequest('tax_part', `tax_part: ${body.tax_part} is more than the ${bill.owed} baht owed`);
        if (body.instalment !== undefined && body.instalment > bill.dues.length) {
          throw badRequest('instalment', `instalment: the bill has ${bill.dues.length} instalment(s)`);
        }
        const charges = chargesFor(bill.dues, bill.paid, body.tax_part, body.paid_on, {
          warningDate: bill.warning_date,
          warningDeadline: bill.warning_deadline,
        });
        const payment = {
          bill_id: id,
          paid_on: body.paid_on,
          instalment: body.instalment ?? (bill.instalments ? charges.instalment : null),
          tax_part: body.tax_part,
          penalty: charges.penalty,
          surcharge: charges.surcharge,
          receipt_no: body.receipt_no,
          received_by: viewer.kind === 'user' ? viewer.id : null,
        };
        const inserted = await insertPayment(tx, payment);
        if (!inserted) throw apiError(409, `receipt_no: receipt ${body.receipt_no} is recorded already`, 'receipt_no');
        await recordAudit(tx, actorOf(c), { action: 'create', entity: 'tax_payment', entityId: inserted.id, after: payment });
        await refreshTaxStatus(tx, taxYearOn(today), today, [bill.parcel_id]);
        const after = (await lockedBill(tx, id, today)) as Bill;
        return { payment: { id: inserted.id, ...payment }, bill: billView(after, today) };
      });
      return c.json(result, 201);
    },
  )
  // The warning notice (หนังสือแจ้งเตือน) for a bill unpaid after its due date: from its date,
  // late payment costs 20 %, after the deadline it sets 40 %.
  .post(
    '/tax/bills/:id/warning',
    requireViewer(canWriteSomeTax, 'warning notices are sent by the Revenue Division'),
    validate('param', idParam),
    validate('json', warningBody),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const viewer = c.var.viewer;
      const today = bangkokDate(c.var.clock.now());
      if (body.warning_date > today) throw badRequest('warning_date', `warning_date: ${body.warning_date} is after today (${today})`);
      if (body.warning_deadline < body.warning_date) throw badRequest('warning_deadline', 'warning_deadline: must not be before warning_date');
      const result = await c.var.db.transaction(async (tx) => {
        const bill = writableBill(viewer, await lockedBill(tx, id, today), id);
        const firstDue = bill.dues[0]?.due ?? bill.due_date;
        if (body.warning_date <= firstDue) throw badRequest('warning_date', `warning_date: a warning follows the due date (${firstDue})`);
        if (bill.owed <= 0) throw apiError(409, `tax bill ${id} is ${bill.status}: nothing to warn about`);
        const before = { warning_date: bill.warning_date, warning_deadline: bill.warning_deadline };
        await setWarning(tx, id, body);
        await recordAudit(tx, actorOf(c), { action: 'update', entity: 'tax_bill', entityId: id, before, after: body });
        return billView((await lockedBill(tx, id, today)) as Bill, today);
      });
      return c.json(result);
    },
  );
