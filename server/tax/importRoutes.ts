import { Hono } from 'hono';
import { z } from 'zod';
import { recordAudit } from '../audit/queries.ts';
import { actorOf, requireViewer } from '../auth/middleware.ts';
import { canWriteSomeTax, canWriteTax } from '../auth/policy.ts';
import type { Db, Queryable } from '../db/index.ts';
import type { Env } from '../env.ts';
import { badRequest } from '../http/errors.ts';
import { validate } from '../http/validate.ts';
import { FileRefusal, type ImportError, readTable } from '../plan/import.ts';
import { bangkokDate } from '../clock.ts';
import { assess, type ParcelDescription } from './calc.ts';
import { CrsRefusal, readMapLayer } from './import/geometry.ts';
import { checkRegisterRows } from './import/register.ts';
import { describeParcels } from './queries/bills.ts';
import * as imports from './queries/import.ts';
import { loadYearRules } from './queries/rates.ts';
import { taxYearOn } from './taxYear.ts';

/** The file, base64-encoded: uploads are JSON like every other write (see csrfProtection). */
const content = z.base64().max(1_000_000);
/** Checked, and the writes made and rolled back: the answer says what the import would do. */
const dryRun = z.boolean().default(false);

const registerBody = z.object({ format: z.enum(['csv', 'xlsx']), content, filename: z.string().max(200).optional(), dry_run: dryRun }).strict();
const geometryBody = z
  .object({
    format: z.enum(['shapefile', 'geojson']),
    content,
    filename: z.string().max(200).optional(),
    /** For a layer whose file names no CRS (a Shapefile without .prj; GeoJSON is WGS 84 unless it says otherwise). */
    crs: z.string().max(100).optional(),
    dry_run: dryRun,
  })
  .strict();

/** Thrown at the end of a dry run's transaction, so that everything it wrote is rolled back. */
class DryRun<T> extends Error {
  constructor(readonly outcome: T) {
    super('dry run');
  }
}

/** Runs `work` in a transaction that commits, or, for a dry run, is rolled back after it. */
async function writeOrRollBack<T>(db: Db, dry: boolean, work: (tx: Queryable) => Promise<T>): Promise<T> {
  try {
    return await db.transaction(async (tx) => {
      const outcome = await work(tx);
      if (dry) throw new DryRun(outcome);
      return outcome;
    });
  } catch (error) {
    if (error instanceof DryRun) return error.outcome as T;
    throw error;
  }
}

/**
 * The parcels' value and tax in the current tax year, from what the register now says: the
 * parcel's assessed_value and tax_due follow their register. A year without rates leaves them.
 */
async function revalue(tx: Queryable, ids: number[], year: number): Promise<void> {
  const rules = await loadYearRules(tx, year);
  if (!rules) return;
  const descriptions = await describeParcels(tx, year, ids);
  const assessed = ids.map((id) => assess(descriptions.get(id) as ParcelDescription, rules));
  await imports.setValues(
    tx,
    ids,
    assessed.map((a) => a.value),
    assessed.map((a) => a.tax),
  );
}

/** The file refused for its rows or features: every problem at once, nothing imported. */
const refused = (errors: ImportError[]) => {
  errors.sort((a, b) => a.row - b.row);
  const [first] = errors;
  const example = first ? ` (row ${first.row}, ${first.column}: ${first.message})` : '';
  return { error: `file: ${errors.length} problem(s); nothing was imported${example}`, field: 'file', errors };
};

const fileRefusal = (error: unknown, filename: string | undefined) => {
  if (error instanceof CrsRefusal) return badRequest('crs', `crs: ${filename ? `${filename}: ` : ''}${error.message}`);
  if (error instanceof FileRefusal) return badRequest('content', `content: ${filename ? `${filename}: ` : ''}${error.message}`);
  return error;
};

/**
 * The register and the tax map as the tax-map programme exports them (issue 14). All or nothing:
 * any bad row or feature refuses the whole file with every problem by row and column. An officer
 * scoped to zones imports only parcels in them.
 */
export const importRoutes = new Hono<Env>()
  // The register: one row per parcel, matched by tax-map code to a parcel the tax map already
  // has (the geometry import creates parcels; a register row cannot, having no shape).
  .post('/tax/import/register', requireViewer(canWriteSomeTax, 'your role does not import the tax register'), validate('json', registerBody), async (c) => {
    const { format, content: base64, filename, dry_run } = c.req.valid('json');
    const viewer = c.var.viewer;
    let table: string[][];
    try {
      table = await readTable(format, Buffer.from(base64, 'base64'));
    } catch (error) {
      throw fileRefusal(error, filename);
    }
    const { rows, errors, columns } = checkRegisterRows(table, await imports.buildingTypeNames(c.var.db));
    if (errors.length) return c.json(refused(errors), 400);

    const parcels = await imports.parcelsByCode(c.var.db, rows);
    const holders = await imports.parcelNoHolders(
      c.var.db,
      rows.flatMap((r) => (r.parcel_no ? [r.parcel_no] : [])),
    );
    const deeds = new Map<string, number>();
    for (const row of rows) {
      const code = imports.codeKey(row);
      const parcel = parcels.get(code);
      if (!parcel) {
        errors.push({ row: row.row, column: columns.code, message: `no parcel has the code ${code}: import its shape first (POST /api/tax/import/geometry)` });
      } else if (!canWriteTax(viewer, parcel.zone_id)) {
        errors.push({ row: row.row, column: columns.code, message: `${code} is outside your zones` });
      }
      if (row.parcel_no) {
        const holder = holders.get(row.parcel_no);
        if (deeds.has(row.parcel_no))
          errors.push({ row: row.row, column: columns.parcel_no, message: `${row.parcel_no} is also on row ${deeds.get(row.parcel_no)}` });
        else if (holder !== undefined && holder !== parcel?.id)
          errors.push({ row: row.row, column: columns.parcel_no, message: `${row.parcel_no} is already another parcel's number (parcel ${holder})` });
        deeds.set(row.parcel_no, row.row);
      }
    }
    if (errors.length) return c.json(refused(errors), 400);

    const ids = rows.map((r) => (parcels.get(imports.codeKey(r)) as imports.CodedParcel).id);
    const summary = await writeOrRollBack(c.var.db, dry_run, async (tx) => {
      const before = await imports.registerSnapshots(tx, ids);
      await imports.writeRegister(tx, rows, ids);
      await revalue(tx, ids, taxYearOn(bangkokDate(c.var.clock.now())));
      const after = await imports.registerSnapshots(tx, ids);
      for (const id of ids)
        await recordAudit(tx, actorOf(c), { action: 'update', entity: 'parcel', entityId: id, before: before.get(id), after: after.get(id) });
      const summary = { dry_run, updated: rows.length, codes: rows.map(imports.codeKey) };
      await recordAudit(tx, actorOf(c), {
        action: 'import',
        entity: 'tax_register',
        entityId: null,
        after: { filename: filename ?? null, format, ...summary },
      });
      return summary;
    });
    return c.json(summary);
  })

  // The tax map: each feature's shape, transformed by PostGIS to WGS 84, onto the parcel with its
  // code, or a new parcel when the register has none yet.
  .post('/tax/import/geometry', requireViewer(canWriteSomeTax, 'your role does not import the tax map'), validate('json', geometryBody), async (c) => {
    const { format, content: base64, filename, crs, dry_run } = c.req.valid('json');
    const viewer = c.var.viewer;
    let layer: Awaited<ReturnType<typeof readMapLayer>>;
    try {
      layer = await readMapLayer(format, Buffer.from(base64, 'base64'), crs);
    } catch (error) {
      throw fileRefusal(error, filename);
    }
    const { srid, features, errors } = layer;
    if (errors.length) return c.json(refused(errors), 400);

    const shapes = await imports.placeShapes(
      c.var.db,
      srid,
      features.map((f) => f.polygon),
    );
    const parcels = await imports.parcelsByCode(c.var.db, features);
    const fresh = features.filter((f) => !parcels.has(imports.codeKey(f)));
    const deeds = fresh.map((f) => f.parcel_no ?? imports.codeKey(f));
    const holders = await imports.parcelNoHolders(c.var.db, deeds);
    features.forEach((feature, k) => {
      const shape = shapes[k] as imports.PlacedShape;
      const parcel = parcels.get(imports.codeKey(feature));
      if (shape.problem) errors.push({ row: feature.row, column: 'geometry', message: shape.problem });
      else if (parcel && !canWriteTax(viewer, parcel.zone_id))
        errors.push({ row: feature.row, column: feature.codeColumn, message: `${imports.codeKey(feature)} is outside your zones` });
      else if (!canWriteTax(viewer, shape.zone_id)) errors.push({ row: feature.row, column: 'geometry', message: 'the shape lies outside your zones' });
    });
    fresh.forEach((feature, k) => {
      const deed = deeds[k] as string;
      if (holders.has(deed) || deeds.indexOf(deed) !== k)
        errors.push({ row: feature.row, column: feature.codeColumn, message: `parcel number ${deed} is already another parcel's` });
    });
    if (errors.length) return c.json(refused(errors), 400);

    const geomOf = (k: number) => (shapes[k] as imports.PlacedShape).geom as string;
    const updated = features.flatMap((f, k) => {
      const parcel = parcels.get(imports.codeKey(f));
      return parcel ? [{ id: parcel.id, geom: geomOf(k) }] : [];
    });
    const summary = await writeOrRollBack(c.var.db, dry_run, async (tx) => {
      const before = await imports.parcelShapes(
        tx,
        updated.map((u) => u.id),
      );
      await imports.updateParcelShapes(
        tx,
        updated.map((u) => u.id),
        updated.map((u) => u.geom),
      );
      const created = await imports.insertMappedParcels(
        tx,
        features.flatMap((f, k) => (parcels.has(imports.codeKey(f)) ? [] : [{ ...f, geom: geomOf(k) }])),
      );
      const ids = [...updated.map((u) => u.id), ...created.values()];
      const after = await imports.parcelShapes(tx, ids);
      const createdIds = new Set(created.values());
      for (const id of ids) {
        const action = createdIds.has(id) ? 'create' : 'update';
        await recordAudit(tx, actorOf(c), {
          action,
          entity: 'parcel',
          entityId: id,
          before: action === 'update' ? { geometry: before.get(id) } : undefined,
          after: { geometry: after.get(id) },
        });
      }
      const summary = { dry_run, crs: `EPSG:${srid}`, created: created.size, updated: updated.length, codes: features.map(imports.codeKey) };
      await recordAudit(tx, actorOf(c), { action: 'import', entity: 'tax_map', entityId: null, after: { filename: filename ?? null, format, ...summary } });
      return summary;
    });
    return c.json(summary);
  });
