-- Land and building tax (issue 14): the register as the Revenue Division keeps it in the tax-map
-- programme (LTAX3000), the rates of the Land and Building Tax Act B.E. 2562 per tax year, and
-- each parcel's bill, payments and status. Years are Buddhist-era; dates are Bangkok dates.

-- The tax-map code: zone (two digits), block (a Thai letter) and lot (three digits), e.g. 03-ก-017.
-- The land's official appraisal (ราคาประเมินทุนทรัพย์) per square metre. A whole-parcel exemption
-- (public or religious land). The years the land has been left vacant (the vacant-land escalator).
ALTER TABLE parcels
  ADD COLUMN map_zone text CHECK (map_zone ~ '^[0-9]{2}$'),
  ADD COLUMN map_block text CHECK (map_block ~ '^[ก-ฮ]$'),
  ADD COLUMN map_lot text CHECK (map_lot ~ '^[0-9]{3}$'),
  ADD COLUMN land_price_m2 numeric(12, 2) CHECK (land_price_m2 >= 0),
  ADD COLUMN exemption text CHECK (exemption IN ('public', 'religious')),
  ADD COLUMN vacant_years integer NOT NULL DEFAULT 0 CHECK (vacant_years >= 0),
  -- The current tax year's status (refresh_tax_status keeps it): a column, so that the vector
  -- tiles of tax roles carry it and a change purges their tiles (parcels_changed).
  ADD COLUMN tax_status text CHECK (tax_status IN ('paid', 'part_paid', 'unpaid', 'overdue', 'exempt'));
-- The code as the register writes it (03-ก-017): what lists, notices and the import match on.
ALTER TABLE parcels ADD COLUMN map_code text GENERATED ALWAYS AS (map_zone || '-' || map_block || '-' || map_lot) STORED;
CREATE UNIQUE INDEX parcels_map_code_idx ON parcels (map_zone, map_block, map_lot);

-- A parcel has owners (co-owners: several). Personal data under the PDPA, as before.
CREATE TABLE parcel_owners (
  parcel_id integer NOT NULL REFERENCES parcels (id) ON DELETE CASCADE,
  owner_id  integer NOT NULL REFERENCES owners (id),
  PRIMARY KEY (parcel_id, owner_id)
);
CREATE INDEX parcel_owners_owner_idx ON parcel_owners (owner_id);
INSERT INTO parcel_owners (parcel_id, owner_id) SELECT id, owner_id FROM parcels WHERE owner_id IS NOT NULL;
ALTER TABLE parcels DROP COLUMN owner_id;

-- An owner's new name changes the tiles of the viewers who see owners (012, through the new table).
CREATE OR REPLACE FUNCTION owners_changed() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
  DECLARE
    area box2d;
  BEGIN
    SELECT ST_Extent(p.geom_3857) INTO area
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    JOIN parcel_owners po ON po.owner_id = n.id JOIN parcels p ON p.id = po.parcel_id
    WHERE o IS DISTINCT FROM n;
    IF area IS NOT NULL THEN
      PERFORM pg_notify('mueang_tiles', json_build_array(ST_XMin(area), ST_YMin(area), ST_XMax(area), ST_YMax(area))::text);
    END IF;
    RETURN NULL;
  END
  $$;

-- The uses the Act taxes at different rates. A parcel's land is split between them by area share
-- (mixed use); the shares of a parcel sum to 1. No rows: an exempt parcel (public, religious).
CREATE TABLE parcel_uses (
  parcel_id integer NOT NULL REFERENCES parcels (id) ON DELETE CASCADE,
  use       text NOT NULL CHECK (use IN ('agriculture', 'residential', 'other', 'vacant')),
  share     numeric(5, 4) NOT NULL CHECK (share > 0 AND share <= 1),
  PRIMARY KEY (parcel_id, use)
);

-- Building types as the Ministry's cost table names them: the construction cost per m² and the
-- depreciation allowed per year of age, up to a ceiling.
CREATE TABLE building_types (
  code                 text PRIMARY KEY,
  name_th              text NOT NULL,
  name_en              text NOT NULL,
  cost_m2              numeric(10, 2) NOT NULL CHECK (cost_m2 > 0),
  depreciation_pct     numeric(5, 2) NOT NULL CHECK (depreciation_pct >= 0),
  depreciation_max_pct numeric(5, 2) NOT NULL CHECK (depreciation_max_pct BETWEEN 0 AND 100)
);

-- The buildings on a parcel. `residence`: the owner's primary residence, with the owner listed in
-- its house registration: 'owner' when they own the land too (land and building exempt up to
-- 50 M baht), 'building_only' when the land is someone else's (the building, up to 10 M baht).
CREATE TABLE buildings (
  id            serial PRIMARY KEY,
  parcel_id     integer NOT NULL REFERENCES parcels (id) ON DELETE CASCADE,
  use           text NOT NULL CHECK (use IN ('agriculture', 'residential', 'other')),
  building_type text NOT NULL REFERENCES building_types (code),
  floor_area_m2 numeric(10, 2) NOT NULL CHECK (floor_area_m2 > 0),
  year_built    integer NOT NULL CHECK (year_built BETWEEN 2400 AND 2700),
  residence     text CHECK (residence IN ('owner', 'building_only'))
);
CREATE INDEX buildings_parcel_idx ON buildings (parcel_id);

-- A tax year (the calendar year, B.E.): when notices go out and payment is due, the relief a
-- decree granted that year (2563 and 2564: 90 %), and the Act's figures that a decree may change.
CREATE TABLE tax_years (
  year                  integer PRIMARY KEY CHECK (year BETWEEN 2563 AND 2700),
  notice_by             date NOT NULL,
  due_date              date NOT NULL,
  reduction_pct         numeric(5, 2) NOT NULL DEFAULT 0 CHECK (reduction_pct BETWEEN 0 AND 100),
  residence_exempt      numeric(16, 2) NOT NULL,
  building_only_exempt  numeric(16, 2) NOT NULL,
  vacant_step_pct       numeric(6, 4) NOT NULL,
  vacant_step_years     integer NOT NULL CHECK (vacant_step_years > 0),
  vacant_max_pct        numeric(6, 4) NOT NULL,
  instalment_min        numeric(12, 2) NOT NULL,
  instalments           integer NOT NULL CHECK (instalments BETWEEN 1 AND 12),
  note                  text
);

-- The rates by use and value band, per tax year. Bands are marginal: each slice of the value is
-- taxed at its band's rate. `residence_owner` and `residence_building` are the bands above each
-- exemption (the value after it is deducted); `vacant` is taxed as `other`, plus the escalator.
CREATE TABLE tax_rate_bands (
  year      integer NOT NULL REFERENCES tax_years (year) ON DELETE CASCADE,
  category  text NOT NULL CHECK (category IN ('agriculture', 'residence_owner', 'residence_building', 'residential', 'other', 'vacant')),
  band_from numeric(16, 2) NOT NULL CHECK (band_from >= 0),
  band_to   numeric(16, 2) CHECK (band_to > band_from),
  rate_pct  numeric(6, 4) NOT NULL CHECK (rate_pct >= 0),
  PRIMARY KEY (year, category, band_from)
);

-- The rates of the Royal Decree of B.E. 2562 (in force from the 2563 tax year). A decree's rates
-- stay in force until another replaces them, so the years ahead carry them too; a later decree
-- changes its years' rows.
INSERT INTO tax_years (year, notice_by, due_date, reduction_pct, residence_exempt, building_only_exempt,
                       vacant_step_pct, vacant_step_years, vacant_max_pct, instalment_min, instalments, note)
SELECT y, make_date(y - 543, 2, 1) + interval '1 month' - interval '1 day', make_date(y - 543, 4, 30),
       CASE WHEN y IN (2563, 2564) THEN 90 ELSE 0 END, 50000000, 10000000, 0.3, 3, 3.0, 3000, 3,
       CASE WHEN y IN (2563, 2564) THEN 'พ.ร.ฎ. ลดภาษีที่ดินและสิ่งปลูกสร้าง ร้อยละ 90' END
FROM generate_series(2563, 2580) AS y;

INSERT INTO tax_rate_bands (year, category, band_from, band_to, rate_pct)
SELECT y.year, b.category, b.band_from, b.band_to, b.rate_pct
FROM tax_years y,
     (VALUES ('agriculture', 0, 75000000, 0.01), ('agriculture', 75000000, 100000000, 0.03),
             ('agriculture', 100000000, 500000000, 0.05), ('agriculture', 500000000, 1000000000, 0.07),
             ('agriculture', 1000000000, NULL, 0.1),
             ('residence_owner', 0, 25000000, 0.03), ('residence_owner', 25000000, 50000000, 0.05),
             ('residence_owner', 50000000, NULL, 0.1),
             ('residence_building', 0, 40000000, 0.02), ('residence_building', 40000000, 65000000, 0.03),
             ('residence_building', 65000000, 90000000, 0.05), ('residence_building', 90000000, NULL, 0.1),
             ('residential', 0, 50000000, 0.02), ('residential', 50000000, 75000000, 0.03),
             ('residential', 75000000, 100000000, 0.05), ('residential', 100000000, NULL, 0.1),
             ('other', 0, 50000000, 0.3), ('other', 50000000, 200000000, 0.4), ('other', 200000000, 1000000000, 0.5),
             ('other', 1000000000, 5000000000, 0.6), ('other', 5000000000, NULL, 0.7),
             ('vacant', 0, 50000000, 0.3), ('vacant', 50000000, 200000000, 0.4), ('vacant', 200000000, 1000000000, 0.5),
             ('vacant', 1000000000, 5000000000, 0.6), ('vacant', 5000000000, NULL, 0.7))
       AS b(category, band_from, band_to, rate_pct);

-- A parcel's assessment for a tax year: the value, the tax and its calculation line by line (as
-- POST /api/tax/assess returns them), the notice (ภ.ด.ส.6) and, once the due date has passed
-- unpaid, the warning notice and the date it sets for payment.
CREATE TABLE tax_bills (
  id               serial PRIMARY KEY,
  parcel_id        integer NOT NULL REFERENCES parcels (id) ON DELETE CASCADE,
  year             integer NOT NULL REFERENCES tax_years (year),
  assessed_value   numeric(16, 2) NOT NULL CHECK (assessed_value >= 0),
  tax              numeric(14, 2) NOT NULL CHECK (tax >= 0),
  lines            jsonb NOT NULL,
  notice_no        text NOT NULL UNIQUE,
  notice_date      date NOT NULL,
  due_date         date NOT NULL,
  instalments      boolean NOT NULL DEFAULT false,
  warning_date     date,
  warning_deadline date CHECK (warning_deadline >= warning_date),
  UNIQUE (parcel_id, year)
);
CREATE INDEX tax_bills_year_idx ON tax_bills (year);

-- A payment, as the receipt records it: who took it and when. `tax_part` settles the tax; the
-- penalty (10, 20 or 40 %) and the surcharge (1 % a month) are what lateness added on that date.
CREATE TABLE tax_payments (
  id          serial PRIMARY KEY,
  bill_id     integer NOT NULL REFERENCES tax_bills (id),
  paid_on     date NOT NULL,
  instalment  smallint CHECK (instalment BETWEEN 1 AND 12),
  tax_part    numeric(14, 2) NOT NULL CHECK (tax_part > 0),
  penalty     numeric(14, 2) NOT NULL DEFAULT 0 CHECK (penalty >= 0),
  surcharge   numeric(14, 2) NOT NULL DEFAULT 0 CHECK (surcharge >= 0),
  receipt_no  text NOT NULL UNIQUE,
  received_by integer REFERENCES users (id),
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tax_payments_bill_idx ON tax_payments (bill_id);

-- A bill's due dates: one (the year's due date) or, paid by instalments, one at the end of each
-- month from it; `due_total` is the tax due by then (equal parts, the last takes the rounding).
CREATE FUNCTION instalment_dues(tax numeric, due_date date, by_instalments boolean, parts integer)
RETURNS TABLE (instalment integer, due date, amount numeric, due_total numeric)
LANGUAGE sql IMMUTABLE
AS $$
  SELECT k, (date_trunc('month', due_date) + k * interval '1 month' - interval '1 day')::date,
         CASE WHEN k < n THEN round(tax / n, 2) ELSE tax - round(tax / n, 2) * (n - 1) END,
         CASE WHEN k < n THEN round(tax / n, 2) * k ELSE tax END
  FROM (SELECT CASE WHEN by_instalments THEN parts ELSE 1 END AS n) AS c,
       generate_series(1, c.n) AS k
$$;

-- Each bill as it stands on `as_of`: what has been paid of its tax, what is still owed, and its
-- status. exempt: nothing to pay; paid: all of it paid; overdue: something owed after its due
-- date (an instalment's, when paid by instalments); part_paid: some paid, the rest not yet due;
-- unpaid: nothing paid, nothing due yet. The tiles, the collection figures, the arrears and the
-- parcel's panel all read this one function.
CREATE FUNCTION tax_bill_status(as_of date)
RETURNS TABLE (bill_id integer, parcel_id integer, year integer, tax numeric, paid numeric, owed numeric, owed_since date, status text)
LANGUAGE sql STABLE
AS $$
  SELECT b.id, b.parcel_id, b.year, b.tax, s.paid, b.tax - s.paid AS owed,
         CASE WHEN b.tax - s.paid > 0 THEN
           -- The first due date with the instalments paid so far not covering what was due by then.
           (SELECT min(d.due) FROM instalment_dues(b.tax, b.due_date, b.instalments, y.instalments) AS d
            WHERE d.due_total > s.paid)
         END AS owed_since,
         CASE WHEN b.tax = 0 THEN 'exempt'
              WHEN s.paid >= b.tax THEN 'paid'
              WHEN EXISTS (SELECT FROM instalment_dues(b.tax, b.due_date, b.instalments, y.instalments) AS d
                           WHERE d.due < as_of AND d.due_total > s.paid) THEN 'overdue'
              WHEN s.paid > 0 THEN 'part_paid'
              ELSE 'unpaid'
         END AS status
  FROM tax_bills b
  JOIN tax_years y ON y.year = b.year
  CROSS JOIN LATERAL (SELECT coalesce(sum(p.tax_part), 0) AS paid FROM tax_payments p
                      WHERE p.bill_id = b.id AND p.paid_on <= as_of) AS s
$$;

-- The tax year the officers work on in `this_year` (B.E.): the latest with bills up to it. A
-- year's notices go out by the end of February, so in January the last year's bills (and their
-- arrears) are still the current ones; a register without bills: this year.
CREATE FUNCTION billing_year(this_year integer) RETURNS integer
LANGUAGE sql STABLE
AS $$
  SELECT coalesce(max(b.year), this_year) FROM tax_bills b WHERE b.year <= this_year
$$;

-- Puts each parcel's status in `year` as of `as_of` into parcels.tax_status (null: no bill that
-- year). Only rows whose status changes are written, so only their tiles are purged. `parcel_ids`
-- null: every parcel (the daily refresh and after an assessment run).
CREATE FUNCTION refresh_tax_status(tax_year integer, as_of date, parcel_ids integer[] DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
  changed integer;
BEGIN
  UPDATE parcels p SET tax_status = s.status
  FROM (SELECT q.id, t.status
        FROM parcels q
        LEFT JOIN tax_bill_status(as_of) AS t ON t.parcel_id = q.id AND t.year = tax_year
        WHERE parcel_ids IS NULL OR q.id = ANY (parcel_ids)) AS s
  WHERE p.id = s.id AND p.tax_status IS DISTINCT FROM s.status;
  GET DIAGNOSTICS changed = ROW_COUNT;
  RETURN changed;
END
$$;
