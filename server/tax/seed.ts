import { findAccount } from '../auth/queries.ts';
import type { Queryable } from '../db/index.ts';
import { seededRandom } from '../seed/random.ts';
import { assess } from './calc.ts';
import { describeParcels, dueDates } from './queries/bills.ts';
import { loadYearRules } from './queries/rates.ts';
import { lateCharges } from './taxYear.ts';

/** The tax years the demo register has bills for; the last is the current one of the demo. */
const YEARS = [2567, 2568, 2569] as const;
const CURRENT_YEAR = 2569;
/** The tax-map zones: a grid of this many columns and rows over the city (cells without parcels get no number). */
const MAP_GRID = 4;
/** Each tax-map zone's blocks: a grid of this many columns and rows over the zone's cell. */
const BLOCK_GRID = 6;
/** Thai letters a block is named by, in the register's order (ฃ and ฅ are obsolete, never used). */
const BLOCK_LETTERS = 'กขคงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรลวศษสหฬอฮ';

/**
 * The demo's tax register over the generated parcels: tax-map codes, appraisal prices, uses,
 * buildings, co-owners and exemptions (in SQL: 30,000 parcels), then three tax years of bills
 * assessed by the calculator and their payment history. Returns false, changing nothing, when the
 * parcels already have their codes; a demo database seeded before the register gets it now.
 */
export async function seedTaxRegister(tx: Queryable): Promise<boolean> {
  const [state] = await tx.query<{ parcels: boolean; coded: boolean }>(
    `SELECT EXISTS (SELECT FROM parcels) AS parcels, EXISTS (SELECT FROM parcels WHERE map_zone IS NOT NULL) AS coded`,
  );
  if (!state?.parcels || state.coded) return false;
  // The parcels' shapes and land uses stay as they are, so their blocks need no recount and no
  // tile shows anything new: the update trigger's work (about 5 s a pass) is skipped. Inside the
  // seeding transaction: a failure puts the trigger back with everything else.
  await tx.query('ALTER TABLE parcels DISABLE TRIGGER parcels_updated');
  await seedRegister(tx);
  await seedBills(tx);
  await tx.query('ALTER TABLE parcels ENABLE TRIGGER parcels_updated');
  return true;
}

async function seedRegister(tx: Queryable): Promise<void> {
  // Statistics for the parcels just inserted in this transaction: without them the planner
  // takes the table for empty and joins it row by row (minutes instead of seconds).
  await tx.query('ANALYZE parcels');
  // Codes, prices, exemptions and vacant years in one pass over the parcels. The land price
  // follows the use, falls off with the distance from the old centre and rises along the main
  // roads; a fifth of the public land is temples' (religious).
  await tx.query(
    `WITH city AS (SELECT ST_XMin(e) AS x0, ST_YMax(e) AS y1, (ST_XMax(e) - ST_XMin(e)) AS w, (ST_YMax(e) - ST_YMin(e)) AS h
                   FROM (SELECT ST_Extent(geom)::geometry AS e FROM municipality) AS m),
     placed AS (
       SELECT p.id, p.land_use, ST_X(c.pt) AS x, ST_Y(c.pt) AS y,
              least(floor((ST_X(c.pt) - city.x0) / city.w * $1), $1 - 1)::int AS col,
              least(floor((city.y1 - ST_Y(c.pt)) / city.h * $1), $1 - 1)::int AS row,
              least(floor((ST_X(c.pt) - city.x0) / city.w * $1 * $2), $1 * $2 - 1)::int AS bcol,
              least(floor((city.y1 - ST_Y(c.pt)) / city.h * $1 * $2), $1 * $2 - 1)::int AS brow,
              EXISTS (SELECT FROM basemap_features f WHERE f.kind = 'road' AND ST_DWithin(f.geom, p.geom, 0.0015)) AS on_road,
              ST_Distance(c.pt, ST_SetSRID(ST_MakePoint(102.834, 16.432), 4326)) AS from_centre
       FROM parcels p CROSS JOIN city CROSS JOIN LATERAL (SELECT ST_Centroid(p.geom) AS pt) AS c),
     zoned AS (
       SELECT q.*, dense_rank() OVER (ORDER BY q.row, q.col) AS map_zone,
              dense_rank() OVER (PARTITION BY q.row, q.col ORDER BY q.brow, q.bcol) AS map_block
       FROM placed q),
     coded AS (
       -- Lots numbered along the block: row by row from the north, west to east.
       SELECT z.*, row_number() OVER (PARTITION BY z.map_zone, z.map_block ORDER BY round(z.y::numeric, 4) DESC, z.x) AS map_lot
       FROM zoned z)
     UPDATE parcels p
     SET map_zone = lpad(c.map_zone::text, 2, '0'),
         map_block = substr($3, c.map_block::int, 1),
         map_lot = lpad(c.map_lot::text, 3, '0'),
         land_price_m2 = round((
           CASE c.land_use WHEN 'commercial' THEN 14000 WHEN 'mixed' THEN 11000 WHEN 'residential' THEN 6000
                           WHEN 'public' THEN 5000 WHEN 'agricultural' THEN 700 ELSE 3000 END
           * (0.6 + 1.6 * exp(-c.from_centre / 0.012)) * CASE WHEN c.on_road THEN 1.4 ELSE 1 END
           * (0.9 + 0.2 * seed_unit('price' || p.parcel_no)) / 10)::numeric) * 10,
         exemption = CASE WHEN c.land_use = 'public' THEN
                       CASE WHEN seed_unit('temple' || p.parcel_no) < 0.2 THEN 'religious' ELSE 'public' END END,
         vacant_years = CASE WHEN c.land_use = 'vacant' THEN floor(10 * seed_unit('vacant' || p.parcel_no))::int ELSE 0 END
     FROM coded c
     WHERE c.id = p.id`,
    [MAP_GRID, BLOCK_GRID, BLOCK_LETTERS],
  );
  // The uses the Act taxes: a mixed parcel is a home above a shop (residential and other shares).
  await tx.query(
    `INSERT INTO parcel_uses (parcel_id, use, share)
     SELECT p.id, u.use, u.share
     FROM parcels p
     CROSS JOIN LATERAL (SELECT round((0.3 + 0.4 * seed_unit('share' || p.parcel_no))::numeric * 20) / 20 AS home) AS s
     CROSS JOIN LATERAL (VALUES
       ('residential', CASE p.land_use WHEN 'residential' THEN 1 WHEN 'mixed' THEN s.home END),
       ('other', CASE p.land_use WHEN 'commercial' THEN 1 WHEN 'mixed' THEN 1 - s.home END),
       ('agriculture', CASE p.land_use WHEN 'agricultural' THEN 1 END),
       ('vacant', CASE p.land_use WHEN 'vacant' THEN 1 END)) AS u(use, share)
     WHERE u.share IS NOT NULL`,
  );
  // Buildings: a house on most homes (the owner's own home on many, exempt up to 50 M baht; the
  // owner's house on someone else's land on some; let to tenants on the rest), a farmhouse and a granary on some farms, shophouses on mixed and commercial land,
  // offices and warehouses on some commercial land. Built between B.E. 2500 and 2566.
  await tx.query(
    `INSERT INTO buildings (parcel_id, use, building_type, floor_area_m2, year_built, residence)
     SELECT p.id, b.use, b.building_type, round(least(b.area, 0.8 * p.area_m2)::numeric),
            2500 + floor(67 * seed_unit('built' || p.parcel_no || b.k))::int, b.residence
     FROM parcels p
     CROSS JOIN LATERAL (SELECT seed_unit('building' || p.parcel_no) AS u, seed_unit('size' || p.parcel_no) AS v,
                                seed_unit('material' || p.parcel_no) AS m) AS r
     CROSS JOIN LATERAL (VALUES
       (1, 'residential', CASE WHEN p.land_use = 'agricultural' OR r.m >= 0.85 THEN 'house_wood' WHEN r.m < 0.45 THEN 'house_concrete'
                               WHEN r.m < 0.65 THEN 'townhouse' ELSE 'house_half_wood' END, 80 + 220 * r.v,
        p.land_use = 'residential' AND r.u < 0.92 OR p.land_use = 'agricultural' AND r.u < 0.4,
        CASE WHEN r.u < 0.3 THEN 'owner' WHEN r.u < 0.4 THEN 'building_only' END),
       (2, 'agriculture', 'farm_building', 40 + 160 * r.v, p.land_use = 'agricultural' AND r.u >= 0.2 AND r.u < 0.6, NULL),
       (3, 'other', CASE WHEN r.m < 0.7 THEN 'shophouse' ELSE 'commercial' END, 120 + 240 * r.v,
        p.land_use = 'mixed' OR p.land_use = 'commercial' AND r.u < 0.6, NULL),
       (4, 'other', 'office', 300 + 1500 * r.v, p.land_use = 'commercial' AND r.u >= 0.6 AND r.u < 0.8, NULL),
       (5, 'other', 'factory', 200 + 800 * r.v, p.land_use = 'commercial' AND r.u >= 0.8, NULL))
       AS b(k, use, building_type, area, present, residence)
     WHERE b.present`,
  );
  // Co-owners: about one private parcel in eight is held by two people.
  await tx.query(
    `INSERT INTO parcel_owners (parcel_id, owner_id)
     SELECT p.id, 1 + floor(o.n * seed_unit('co-owner' || p.parcel_no))::int
     FROM parcels p CROSS JOIN (SELECT count(*) AS n FROM owners) AS o
     WHERE p.exemption IS NULL AND seed_unit('co-owned' || p.parcel_no) < 0.125
     ON CONFLICT DO NOTHING`,
  );
}

/**
 * The share of bills left in arrears, by zone: the collection rate differs across the city (the
 * old centre pays best). Older years' arrears are fewer: some were settled after the year.
 */
const ARREARS_BY_ZONE: Record<number, number> = { 1: 0.06, 2: 0.12, 3: 0.18, 4: 0.27 };
const ARREARS_ELSEWHERE = 0.15;
const ARREARS_KEPT: Record<number, number> = { 2567: 0.45, 2568: 0.7, 2569: 1 };
/** Of the rest: paid late (after the due date), and paid by instalments where the tax allows it. */
const LATE = 0.08;
/** The warning notices go out on 10 June and give 30 days to pay. */
const WARNING_DAYS = 30;
const BY_INSTALMENTS = 0.3;

const DAY_MS = 86_400_000;
const dateOf = (year: number, month: number, day: number) => new Date(Date.UTC(year - 543, month - 1, day)).toISOString().slice(0, 10);
const addDays = (date: string, days: number) => new Date(Date.parse(date) + days * DAY_MS).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

/** A payment of the whole tax (instalment null) or of one instalment, its amount instalment_dues's. */
interface Payment {
  paid_on: string;
  instalment: number | null;
  penalty: number;
  surcharge: number;
}

/**
 * Three tax years of bills, each assessed by the calculator from the register, and their
 * payments: most on time (February to April), some by instalments, some late (with the penalty
 * and surcharge of the day they paid), some still owed with the June warning unanswered.
 */
async function seedBills(tx: Queryable): Promise<void> {
  await tx.query('ANALYZE parcel_uses, buildings');
  const parcels = await tx.query<{ id: number; zone_id: number | null; map_code: string }>(`SELECT id, zone_id, map_code FROM parcels ORDER BY id`);
  const clerk = (await findAccount(tx, 'tax'))?.id ?? null;
  const current = { ids: [] as number[], values: [] as number[], taxes: [] as number[] };
  let receipts = 0;
  for (const year of YEARS) {
    const rules = await loadYearRules(tx, year);
    if (!rules) throw new Error(`tax year ${year} has no rules`);
    const described = await describeParcels(tx, year, null);
    // The instalments' due dates, as instalment_dues sets them for every bill of the year.
    const instalmentDues = await dueDates(tx, rules.due_date, rules.instalments);
    const warningDate = dateOf(year, 6, 10);
    const warningDeadline = addDays(warningDate, WARNING_DAYS);
    const bills = { parcel: [] as number[], value: [] as number[], tax: [] as number[], lines: [] as string[], notice: [] as string[] };
    const billDates = { notice: [] as string[], instalments: [] as boolean[], warning: [] as (string | null)[] };
    const paid = {
      parcel: [] as number[],
      on: [] as string[],
      instalment: [] as (number | null)[],
      penalty: [] as number[],
      surcharge: [] as number[],
      receipt: [] as string[],
    };
    for (const parcel of parcels) {
      const description = described.get(parcel.id);
      if (!description) continue;
      const { value, tax, lines } = assess(description, rules);
      const random = seededRandom(year * 100_003 + parcel.id);
      const noticeDate = dateOf(year, 2, 1 + Math.floor(random() * 20));
      const arrearsShare = (parcel.zone_id === null ? ARREARS_ELSEWHERE : (ARREARS_BY_ZONE[parcel.zone_id] ?? ARREARS_ELSEWHERE)) * ARREARS_KEPT[year]!;
      const byInstalments = tax >= rules.instalment_min && random() < BY_INSTALMENTS;
      const dues = byInstalments ? instalmentDues : [rules.due_date];
      const u = random();
      const payments: Payment[] = [];
      let warned = false;
      if (tax === 0) {
        // Exempt: nothing to pay.
      } else if (u < arrearsShare) {
        // In arrears: at most the first instalment paid, the June warning unanswered.
        if (byInstalments && random() < 0.5) payments.push({ paid_on: addDays(dues[0]!, -Math.floor(random() * 20)), instalment: 1, penalty: 0, surcharge: 0 });
        warned = true;
      } else if (u < arrearsShare + LATE && !byInstalments) {
        // Late, between May and September: warned first when they paid after the warning.
        const paidOn = addDays(rules.due_date, 1 + Math.floor(random() * 150));
        warned = paidOn > warningDate;
        const charges = lateCharges({
          amount: tax,
          due: rules.due_date,
          paidOn,
          warningDate: warned ? warningDate : null,
          warningDeadline: warned ? warningDeadline : null,
        });
        payments.push({ paid_on: paidOn, instalment: null, penalty: charges.penalty, surcharge: charges.surcharge });
      } else {
        // On time: each part by its due date, the whole tax between the notice and the due date.
        const window = daysBetween(noticeDate, rules.due_date);
        for (const [k, due] of dues.entries()) {
          payments.push({
            paid_on: k === 0 ? addDays(noticeDate, Math.floor(random() * (window + 1))) : addDays(due, -Math.floor(random() * 25)),
            instalment: byInstalments ? k + 1 : null,
            penalty: 0,
            surcharge: 0,
          });
        }
      }
      bills.parcel.push(parcel.id);
      bills.value.push(value);
      bills.tax.push(tax);
      bills.lines.push(JSON.stringify(lines));
      bills.notice.push(`${year}/${parcel.map_code}`);
      billDates.notice.push(noticeDate);
      billDates.instalments.push(byInstalments);
      billDates.warning.push(warned ? warningDate : null);
      for (const payment of payments) {
        paid.parcel.push(parcel.id);
        paid.on.push(payment.paid_on);
        paid.instalment.push(payment.instalment);
        paid.penalty.push(payment.penalty);
        paid.surcharge.push(payment.surcharge);
        paid.receipt.push(`${year}-${String(++receipts).padStart(6, '0')}`);
      }
      if (year === CURRENT_YEAR) {
        current.ids.push(parcel.id);
        current.values.push(value);
        current.taxes.push(tax);
      }
    }
    const inserted = await tx.query<{ id: number; parcel_id: number }>(
      `INSERT INTO tax_bills (parcel_id, year, assessed_value, tax, lines, notice_no, notice_date, due_date, instalments, warning_date, warning_deadline)
       SELECT b.parcel_id, $1, b.value, b.tax, b.lines::jsonb, b.notice_no, b.notice_date, $2::date, b.instalments, b.warning_date,
              b.warning_date + $11::int
       FROM unnest($3::int[], $4::numeric[], $5::numeric[], $6::text[], $7::text[], $8::date[], $9::boolean[], $10::date[])
            AS b(parcel_id, value, tax, lines, notice_no, notice_date, instalments, warning_date)
       RETURNING id, parcel_id`,
      [
        year,
        rules.due_date,
        bills.parcel,
        bills.value,
        bills.tax,
        bills.lines,
        bills.notice,
        billDates.notice,
        billDates.instalments,
        billDates.warning,
        WARNING_DAYS,
      ],
    );
    const billOf = new Map(inserted.map((bill) => [bill.parcel_id, bill.id]));
    // An instalment's amount is instalment_dues's; a payment of the whole tax, the bill's tax.
    await tx.query(
      `INSERT INTO tax_payments (bill_id, paid_on, instalment, tax_part, penalty, surcharge, receipt_no, received_by, recorded_at)
       SELECT u.bill_id, u.paid_on, u.instalment, coalesce(d.amount, b.tax), u.penalty, u.surcharge, u.receipt_no, $1,
              (u.paid_on + time '10:00') AT TIME ZONE 'Asia/Bangkok'
       FROM unnest($2::int[], $3::date[], $4::smallint[], $5::numeric[], $6::numeric[], $7::text[])
            AS u(bill_id, paid_on, instalment, penalty, surcharge, receipt_no)
       JOIN tax_bills b ON b.id = u.bill_id
       LEFT JOIN LATERAL instalment_dues(b.tax, b.due_date, b.instalments, $8) AS d ON d.instalment = u.instalment`,
      [clerk, paid.parcel.map((id) => billOf.get(id)), paid.on, paid.instalment, paid.penalty, paid.surcharge, paid.receipt, rules.instalments],
    );
  }
  // The register's current value and tax: the current year's assessment. And its status once the
  // year's payments are all in (the last late one is before October), which stays so until the
  // next tax year: a server's start-up refresh then changes no parcel, and purges no tile.
  await tx.query(
    `UPDATE parcels p SET assessed_value = c.value, tax_due = c.tax, tax_status = s.status
     FROM unnest($1::int[], $2::numeric[], $3::numeric[]) AS c(id, value, tax)
     LEFT JOIN tax_bill_status($4::date) AS s ON s.parcel_id = c.id AND s.year = $5
     WHERE p.id = c.id`,
    [current.ids, current.values, current.taxes, dateOf(CURRENT_YEAR, 10, 1), CURRENT_YEAR],
  );
  // The embedded engine never analyzes on its own: without statistics, the arrears took minutes.
  await tx.query('ANALYZE parcels, tax_bills, tax_payments');
}
