-- Building types for the buildings' appraisal (issue 14), in the manner of the Treasury
-- Department's cost tables (บัญชีราคาประเมินสิ่งปลูกสร้าง): the construction cost per m² and the
-- depreciation allowed per year of age, up to a ceiling. DEMO FIGURES: round numbers of the order
-- the Treasury's tables publish, not a copy of them; a real deployment loads the current table.
-- Masonry and concrete lose about 1 % a year (at most 76 %), wood 2–3 % a year (at most 85 %).
INSERT INTO building_types (code, name_th, name_en, cost_m2, depreciation_pct, depreciation_max_pct) VALUES
  ('house_concrete', 'บ้านเดี่ยวคอนกรีต', 'Detached house, concrete', 7900, 1, 76),
  ('house_half_wood', 'บ้านครึ่งตึกครึ่งไม้', 'Detached house, half concrete half wood', 6600, 2, 85),
  ('house_wood', 'บ้านไม้', 'Wooden house', 5400, 3, 85),
  ('townhouse', 'ทาวน์เฮาส์', 'Townhouse', 8300, 1, 76),
  ('shophouse', 'ตึกแถว/ห้องแถว', 'Shophouse, row house', 8600, 1, 76),
  ('commercial', 'อาคารพาณิชย์', 'Commercial building', 9400, 1, 76),
  ('office', 'อาคารสำนักงาน', 'Office building', 13500, 1, 76),
  ('factory', 'โรงงาน/โกดัง', 'Factory, warehouse', 6800, 1, 76),
  ('farm_building', 'ยุ้งฉาง/โรงเรือนเกษตร', 'Granary, farm building', 2600, 2.5, 85);

-- A building's appraised value in a tax year: floor area × cost per m², less depreciation for
-- its age (years since it was built, B.E.; never below 0) up to the type's ceiling, to the satang.
-- One function: the register's values, the bills and the parcel's calculation all read it.
CREATE FUNCTION building_value(area numeric, cost numeric, dep_pct numeric, dep_max numeric, year_built integer, tax_year integer)
RETURNS numeric
LANGUAGE sql IMMUTABLE
AS $$
  SELECT round(area * cost * (1 - least(greatest(tax_year - year_built, 0) * dep_pct, dep_max) / 100), 2)
$$;
