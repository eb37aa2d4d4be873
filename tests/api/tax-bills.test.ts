import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../server/auth/demo.ts';
import { bangkokDate } from '../../server/clock.ts';
import { openSeededApp, type AppUnderTest } from '../support/app.ts';
import { answer, type Client, expectBody } from '../support/client.ts';

/**
 * The tax calculator, a parcel's tax and its bill, payments with their penalty and surcharge on
 * given dates, and warning notices. Each test issues the bills it pays (straight into the
 * database, as an assessment run would) on parcels of its own, in an app of its own.
 */
const engines = inject('engines');

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe.each(engines)('tax bills on $engine', (target) => {
  let app: AppUnderTest;
  const as: Record<string, Client> = {};
  let today: string;
  /** Parcels in zone 1 (for the tests to share out, one or two each) and one in zone 2. */
  let zone1: number[];
  let zone2: number;

  /** A bill for `parcelId`'s `year`, replacing any: its number, its tax, due date and instalments. */
  const issueBill = async (parcelId: number, year: number, tax: number, due: string, instalments = false): Promise<number> => {
    await app.db.query('DELETE FROM tax_payments WHERE bill_id IN (SELECT id FROM tax_bills WHERE parcel_id = $1)', [parcelId]);
    await app.db.query('DELETE FROM tax_bills WHERE parcel_id = $1', [parcelId]);
    const [bill] = await app.db.query<{ id: number }>(
      `INSERT INTO tax_bills (parcel_id, year, assessed_value, tax, lines, notice_no, notice_date, due_date, instalments)
       VALUES ($1, $2, 0, $3, '[]', $4, $5::date - 60, $5, $6) RETURNING id`,
      [parcelId, year, tax, `TEST-${parcelId}-${year}`, due, instalments],
    );
    return (bill as { id: number }).id;
  };
  const pay = (who: Client, bill: number, json: { paid_on: string; tax_part: number; receipt_no: string; instalment?: number }) =>
    who.api.tax.bills[':id'].payments.$post({ param: { id: String(bill) }, json });
  const parcelTax = (who: Client, parcel: number, year?: number) =>
    who.api.parcels[':id'].tax.$get({ param: { id: String(parcel) }, query: year ? { year: String(year) } : {} });
  const paymentsOf = async (bill: number) =>
    (await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM tax_payments WHERE bill_id = $1', [bill]))[0]?.n;

  beforeAll(async () => {
    app = await openSeededApp(target, `mueang_taxbills_${target.engine}`);
    today = bangkokDate(app.clock.now());
    for (const name of ['admin', 'tax', 'executive']) as[name] = await app.signIn(name);
    as.public = app.client();
    const username = `tax-z1-${target.engine}`;
    await expectBody(
      as.admin!.api.users.$post({ json: { username, password: 'a long enough password', display_name: 'Tax, zone 1', role: 'tax', zones: [1] } }),
      201,
    );
    as.taxZone1 = await app.signIn(username, 'a long enough password');
    const ids = async (zone: number, n: number) =>
      (await app.db.query<{ id: number }>('SELECT id FROM parcels WHERE zone_id = $1 ORDER BY id LIMIT $2', [zone, n])).map((r) => r.id);
    zone1 = await ids(1, 5);
    zone2 = (await ids(2, 1))[0] as number;
    expect(zone1).toHaveLength(5);
  }, 180_000);

  afterAll(async () => {
    await app?.close();
  });

  it('estimates the issue’s example for anyone', async () => {
    // 50,000,000 × 0.3 % + 10,000,000 × 0.4 % = 150,000 + 40,000 = 190,000.
    const estimate = await expectBody(as.public!.api.tax.assess.$post({ json: { year: 2568, land_use: 'commercial', value: 60_000_000 } }));
    expect(estimate).toMatchObject({ year: 2568, value: 60_000_000, tax: 190_000 });
    expect(estimate.lines.map((l) => [l.category, l.band_from, l.base, l.rate_pct, l.amount])).toEqual([
      ['other', 0, 50_000_000, 0.3, 150_000],
      ['other', 50_000_000, 10_000_000, 0.4, 40_000],
    ]);
    // In 2563 the decree took 90 % off: 19,000.
    expect(await expectBody(as.executive!.api.tax.assess.$post({ json: { year: 2563, land_use: 'commercial', value: 60_000_000 } }))).toMatchObject({
      tax: 19_000,
    });
  });

  it('refuses a description it cannot assess, naming the field', async () => {
    const refused = async (json: Record<string, unknown>, field: string) => {
      const { status, body } = await answer(as.public!.raw('POST', 'tax/assess', JSON.stringify(json), { 'content-type': 'application/json' }));
      expect([status, (body as { field?: string }).field]).toEqual([400, field]);
    };
    await refused({ year: 2599, land_use: 'commercial', value: 1 }, 'year');
    await refused({ land_use: 'commercial', value: 1 }, 'year');
    await refused({ year: 2568, land_use: 'commercial' }, 'value');
    await refused({ year: 2568, land_use: 'orchard', value: 1 }, 'land_use');
    await refused({ year: 2568, value: 1_000_000 }, 'land_use');
    await refused({ year: 2568, land_use: 'commercial', value: -1 }, 'value');
    await refused(
      {
        year: 2568,
        land_value: 1,
        uses: [
          { use: 'other', share: 0.5 },
          { use: 'residential', share: 0.4 },
        ],
      },
      'uses',
    );
  });

  it('shows a parcel’s tax to the tax roles in its zone only, and records each reading', async () => {
    const [parcel] = zone1 as [number];
    // 2,000 baht a m²; all of it "other" use; a shophouse of 200 m² built in 2560:
    // 200 × 8,600 × (1 − 8 years × 1 %) = 1,582,400 in 2568.
    await app.db.query('UPDATE parcels SET land_price_m2 = 2000, exemption = NULL, vacant_years = 0 WHERE id = $1', [parcel]);
    await app.db.query('DELETE FROM parcel_uses WHERE parcel_id = $1', [parcel]);
    await app.db.query("INSERT INTO parcel_uses (parcel_id, use, share) VALUES ($1, 'other', 1)", [parcel]);
    await app.db.query('DELETE FROM buildings WHERE parcel_id = $1', [parcel]);
    await app.db.query("INSERT INTO buildings (parcel_id, use, building_type, floor_area_m2, year_built) VALUES ($1, 'other', 'shophouse', 200, 2560)", [
      parcel,
    ]);
    await issueBill(parcel, 2568, 1234.5, '2025-04-30');

    const shown = await expectBody(parcelTax(as.tax!, parcel, 2568));
    const [{ area_m2 }] = (await app.db.query<{ area_m2: number }>('SELECT area_m2 FROM parcels WHERE id = $1', [parcel])) as [{ area_m2: number }];
    const land = Math.round(area_m2 * 2000 * 100) / 100;
    expect(shown.description).toEqual({
      land_value: land,
      uses: [{ use: 'other', share: 1 }],
      buildings: [{ use: 'other', value: 1_582_400 }],
      residence: null,
      exemption: null,
      vacant_years: 0,
    });
    // The same calculation as the calculator's, for the same description.
    const estimate = await expectBody(
      as.public!.api.tax.assess.$post({
        json: { year: 2568, land_value: land, uses: [{ use: 'other', share: 1 }], buildings: [{ use: 'other', value: 1_582_400 }] },
      }),
    );
    expect({ value: shown.value, tax: shown.tax, lines: shown.lines }).toEqual({ value: estimate.value, tax: estimate.tax, lines: estimate.lines });
    expect(shown.parcel).toMatchObject({ id: parcel, zone_id: 1 });
    expect(shown.bill).toMatchObject({
      tax: 1234.5,
      status: 'overdue',
      paid: 0,
      owed: 1234.5,
      dues: [{ instalment: 1, due: '2025-04-30', amount: 1234.5 }],
      payments: [],
    });
    // Long past its due date and its warning-less: 10 %, and the surcharge grows each month.
    expect(shown.bill?.owed_today).toMatchObject({ tax: 1234.5, penalty: 123.45 });

    expect((await expectBody(parcelTax(as.admin!, parcel, 2568))).tax).toBe(shown.tax);
    expect((await expectBody(parcelTax(as.taxZone1!, parcel, 2568))).bill?.id).toBe(shown.bill?.id);
    expect((await parcelTax(as.executive!, parcel, 2568)).status).toBe(403);
    expect((await parcelTax(as.public!, parcel, 2568)).status).toBe(401);
    expect((await parcelTax(as.taxZone1!, zone2, 2568)).status).toBe(404);
    expect((await parcelTax(as.tax!, 2 ** 31 - 1, 2568)).status).toBe(404);
    const badYear = await answer(parcelTax(as.tax!, parcel, 2400));
    expect([badYear.status, (badYear.body as { field?: string }).field]).toEqual([400, 'year']);

    const readings = await expectBody(as.admin!.api.audit.$get({ query: { entity: 'parcel_tax', entity_id: String(parcel), limit: '10' } }));
    expect(readings.map((r) => r.actor_name).sort()).toEqual(['admin', 'tax', `tax-z1-${target.engine}`]);
  });

  it('charges the penalty and surcharge of the day each payment was made, and refuses what would half-apply', async () => {
    const parcel = zone1[1] as number;
    // 2568: due 30 April 2025 (C.E.), 12,345.67 baht in one payment.
    const bill = await issueBill(parcel, 2568, 12_345.67, '2025-04-30');
    const receipt = (n: number) => `R-${target.engine}-${bill}-${n}`;

    // On time: nothing more.
    const first = await expectBody(pay(as.tax!, bill, { paid_on: '2025-04-20', tax_part: 1000, receipt_no: receipt(1) }), 201);
    expect(first.payment).toMatchObject({ penalty: 0, surcharge: 0, instalment: null });
    expect(first.bill).toMatchObject({ paid: 1000, owed: 11_345.67, status: 'overdue' });

    // 45 days late (14 June), no warning: 5,000 × 10 % = 500; two months (30 May, then a part): 5,000 × 2 % = 100.
    const second = await expectBody(pay(as.tax!, bill, { paid_on: '2025-06-14', tax_part: 5000, receipt_no: receipt(2) }), 201);
    expect(second.payment).toMatchObject({ penalty: 500, surcharge: 100 });

    // The warning of 1 July, to pay by 31 July.
    const warned = await expectBody(
      as.tax!.api.tax.bills[':id'].warning.$post({ param: { id: String(bill) }, json: { warning_date: '2025-07-01', warning_deadline: '2025-07-31' } }),
    );
    expect(warned).toMatchObject({ warning_date: '2025-07-01', warning_deadline: '2025-07-31' });
    // Within it (15 July): 2,000 × 20 % = 400; three months (30 May, 30 June, a part): 2,000 × 3 % = 60.
    const third = await expectBody(pay(as.tax!, bill, { paid_on: '2025-07-15', tax_part: 2000, receipt_no: receipt(3) }), 201);
    expect(third.payment).toMatchObject({ penalty: 400, surcharge: 60 });
    expect(third.bill).toMatchObject({ paid: 8000, owed: 4345.67 });

    // Refused, and nothing of it recorded: more than is owed; a receipt number used already; a day not yet come.
    const before = await paymentsOf(bill);
    const tooMuch = await answer(pay(as.tax!, bill, { paid_on: '2025-08-01', tax_part: 4345.68, receipt_no: receipt(4) }));
    expect([tooMuch.status, (tooMuch.body as { field?: string }).field]).toEqual([400, 'tax_part']);
    const again = await answer(pay(as.tax!, bill, { paid_on: '2025-08-01', tax_part: 100, receipt_no: receipt(3) }));
    expect([again.status, (again.body as { field?: string }).field]).toEqual([409, 'receipt_no']);
    const tomorrow = await answer(pay(as.tax!, bill, { paid_on: addDays(today, 1), tax_part: 100, receipt_no: receipt(5) }));
    expect([tomorrow.status, (tomorrow.body as { field?: string }).field]).toEqual([400, 'paid_on']);
    expect(await paymentsOf(bill)).toBe(before);
    const audited = await expectBody(as.admin!.api.audit.$get({ query: { entity: 'tax_payment', limit: '50' } }));
    expect(audited.filter((a) => String((a.after as { bill_id?: number }).bill_id) === String(bill))).toHaveLength(3);

    // Not theirs to record: executives, the public, a tax officer of another zone (as if there were no bill).
    expect((await pay(as.executive!, bill, { paid_on: '2025-08-01', tax_part: 100, receipt_no: receipt(6) })).status).toBe(403);
    expect((await pay(as.public!, bill, { paid_on: '2025-08-01', tax_part: 100, receipt_no: receipt(6) })).status).toBe(401);
    const otherZone = await issueBill(zone2, 2568, 500, '2025-04-30');
    expect((await pay(as.taxZone1!, otherZone, { paid_on: '2025-08-01', tax_part: 100, receipt_no: receipt(6) })).status).toBe(404);

    // After the warning's deadline (1 August): 4,345.67 × 40 % = 1,738.268 → 1,738.27; four months (30 July passed):
    // 4,345.67 × 4 % = 173.8268 → 173.83. The bill is paid.
    const last = await expectBody(pay(as.tax!, bill, { paid_on: '2025-08-01', tax_part: 4345.67, receipt_no: receipt(4) }), 201);
    expect(last.payment).toMatchObject({ penalty: 1738.27, surcharge: 173.83 });
    expect(last.bill).toMatchObject({ paid: 12_345.67, owed: 0, status: 'paid', owed_today: { tax: 0, penalty: 0, surcharge: 0, total: 0 } });
    const shown = await expectBody(parcelTax(as.tax!, parcel, 2568));
    const taxOfficer = DEMO_ACCOUNTS.find((a) => a.username === 'tax')?.display_name;
    expect(shown.bill?.payments.map((p) => [p.paid_on, p.tax_part, p.penalty, p.surcharge, p.received_by])).toEqual([
      ['2025-04-20', 1000, 0, 0, taxOfficer],
      ['2025-06-14', 5000, 500, 100, taxOfficer],
      ['2025-07-15', 2000, 400, 60, taxOfficer],
      ['2025-08-01', 4345.67, 1738.27, 173.83, taxOfficer],
    ]);
  });

  it('moves the parcel’s status for this tax year: unpaid, part paid, paid; and overdue after a due date', async () => {
    const [parcel, late] = zone1.slice(2, 4) as [number, number];
    const year = Number(today.slice(0, 4)) + 543;
    const statusOf = async (id: number) => (await expectBody(as.tax!.api.parcels[':id'].$get({ param: { id: String(id) } }))).properties.tax_status;

    // 9,000 in three instalments, the first due in two months' time.
    const bill = await issueBill(parcel, year, 9000, addDays(today, 60), true);
    const unpaid = await expectBody(parcelTax(as.tax!, parcel));
    expect(unpaid.year).toBe(year);
    expect(unpaid.bill).toMatchObject({ id: bill, status: 'unpaid', owed: 9000, owed_today: { penalty: 0, surcharge: 0, total: 9000 } });
    expect(unpaid.bill?.dues.map((d) => d.amount)).toEqual([3000, 3000, 3000]);

    const part = await expectBody(pay(as.tax!, bill, { paid_on: today, tax_part: 3000, receipt_no: `S-${target.engine}-${bill}-1` }), 201);
    expect(part.payment).toMatchObject({ instalment: 1, penalty: 0, surcharge: 0 });
    expect(part.bill.status).toBe('part_paid');
    expect(await statusOf(parcel)).toBe('part_paid');

    const rest = await expectBody(pay(as.tax!, bill, { paid_on: today, tax_part: 6000, receipt_no: `S-${target.engine}-${bill}-2` }), 201);
    expect(rest.payment.instalment).toBe(2);
    expect(rest.bill.status).toBe('paid');
    expect(await statusOf(parcel)).toBe('paid');

    // Due 40 days ago (its month has ended): a part payment leaves it overdue.
    const overdue = await issueBill(late, year, 2000, addDays(today, -40));
    await expectBody(pay(as.tax!, overdue, { paid_on: today, tax_part: 500, receipt_no: `S-${target.engine}-${overdue}-1` }), 201);
    expect(await statusOf(late)).toBe('overdue');
  });

  it('takes a warning only after the due date, for a bill still owed', async () => {
    const parcel = zone1[4] as number;
    const bill = await issueBill(parcel, 2568, 800, '2025-04-30');
    const warn = (json: { warning_date: string; warning_deadline: string }) =>
      answer(as.tax!.api.tax.bills[':id'].warning.$post({ param: { id: String(bill) }, json }));
    const early = await warn({ warning_date: '2025-04-30', warning_deadline: '2025-05-30' });
    expect([early.status, (early.body as { field?: string }).field]).toEqual([400, 'warning_date']);
    const backwards = await warn({ warning_date: '2025-06-30', warning_deadline: '2025-06-01' });
    expect([backwards.status, (backwards.body as { field?: string }).field]).toEqual([400, 'warning_deadline']);
    await expectBody(pay(as.tax!, bill, { paid_on: '2025-04-01', tax_part: 800, receipt_no: `W-${target.engine}-${bill}` }), 201);
    expect((await warn({ warning_date: '2025-06-01', warning_deadline: '2025-06-30' })).status).toBe(409);
    expect(
      (
        await as.executive!.api.tax.bills[':id'].warning.$post({
          param: { id: String(bill) },
          json: { warning_date: '2025-06-01', warning_deadline: '2025-06-30' },
        })
      ).status,
    ).toBe(403);
  });
});
