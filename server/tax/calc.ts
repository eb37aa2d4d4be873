/**
 * The land and building tax of the Act B.E. 2562 (issue 14): a parcel's description and a tax
 * year's rules in, the tax and its calculation line by line out. Pure: the calculator
 * (POST /api/tax/assess), a parcel's tax, the bills the seed and an assessment run write all
 * come from here, so they cannot disagree.
 */

/** How land is used, as the Act taxes it (parcel_uses.use). */
export const TAX_USES = ['agriculture', 'residential', 'other', 'vacant'] as const;
export type TaxUse = (typeof TAX_USES)[number];
/** A building's use: vacant land has no buildings. */
type BuildingUse = Exclude<TaxUse, 'vacant'>;
/** The rate tables of a year (tax_rate_bands.category). */
export type TaxCategory = 'agriculture' | 'residence_owner' | 'residence_building' | 'residential' | 'other' | 'vacant';
/** 'owner': the owner lives there and owns the land; 'building_only': the owner's house on someone else's land. */
type Residence = 'owner' | 'building_only';

export interface RateBand {
  from: number;
  /** null: no upper bound. */
  to: number | null;
  rate_pct: number;
}

/** A tax year's figures (tax_years) and its rate bands (tax_rate_bands), in baht and per cent. */
export interface YearRules {
  year: number;
  /** YYYY-MM-DD (Bangkok dates). */
  notice_by: string;
  due_date: string;
  reduction_pct: number;
  residence_exempt: number;
  building_only_exempt: number;
  vacant_step_pct: number;
  vacant_step_years: number;
  vacant_max_pct: number;
  instalment_min: number;
  instalments: number;
  bands: Record<TaxCategory, RateBand[]>;
}

/** What the tax of a parcel depends on, its values already appraised (baht). */
export interface ParcelDescription {
  /** The land's appraised value: area × the appraisal per m². */
  land_value: number;
  /** How the land is split between uses; the shares sum to 1. */
  uses: { use: TaxUse; share: number }[];
  /** Each building's appraised value (building_value, after depreciation). */
  buildings: { use: BuildingUse; value: number }[];
  /** The owner's residence on this parcel, if any: what the exemptions depend on. */
  residence: Residence | null;
  exemption: 'public' | 'religious' | null;
  vacant_years: number;
}

interface TaxLine {
  use: TaxUse | null;
  category: TaxCategory | null;
  kind: 'exempt' | 'band' | 'reduction';
  /** The band's slice of the value; null on exempt and reduction lines. */
  band_from: number | null;
  band_to: number | null;
  /** The value the line is about: a band's slice, the value exempted, or the tax reduced. */
  base: number;
  rate_pct: number;
  amount: number;
}

export interface Assessment {
  /** The parcel's appraised value: land and buildings, before exemptions. */
  value: number;
  tax: number;
  lines: TaxLine[];
}

/**
 * To the satang, half up. The small nudge keeps a product like 1234.565 that binary floating
 * point holds as 1234.56499… from rounding down.
 */
export const satang = (baht: number): number => (Math.sign(baht) * Math.round(Math.abs(baht) * 100 + 1e-6)) / 100;
/** Rates have four decimals in the tables; sums of them (the vacant escalator) are kept to that. */
const ratePrecision = (pct: number) => Math.round(pct * 10_000) / 10_000;

/** The marginal bands' lines for `base`, each slice taxed at its band's rate (`rateOf` may raise it). */
function bandLines(use: TaxUse, category: TaxCategory, base: number, bands: RateBand[], rateOf: (band: RateBand) => number = (b) => b.rate_pct): TaxLine[] {
  const lines: TaxLine[] = [];
  for (const band of bands) {
    if (base <= band.from) break;
    const slice = satang(Math.min(base, band.to ?? Number.POSITIVE_INFINITY) - band.from);
    const rate_pct = rateOf(band);
    lines.push({ use, category, kind: 'band', band_from: band.from, band_to: band.to, base: slice, rate_pct, amount: satang((slice * rate_pct) / 100) });
  }
  return lines;
}

const exemptLine = (use: TaxUse | null, category: TaxCategory | null, base: number): TaxLine => ({
  use,
  category,
  kind: 'exempt',
  band_from: null,
  band_to: null,
  base,
  rate_pct: 0,
  amount: 0,
});

/**
 * The tax of `parcel` under `rules`. Exemptions come off first: public and religious land owes
 * nothing; the owner's residence is exempt up to residence_exempt (land share and residential
 * buildings), a residence on someone else's land up to building_only_exempt (its buildings).
 * Each use is taxed on its own bands from 0; vacant land's rates rise by the escalator. Then the
 * year's reduction, as a negative line.
 */
export function assess(parcel: ParcelDescription, rules: YearRules): Assessment {
  const landOf = (use: TaxUse) => satang(parcel.uses.filter((u) => u.use === use).reduce((sum, u) => sum + parcel.land_value * u.share, 0));
  const buildingsOf = (use: TaxUse) => satang(parcel.buildings.filter((b) => b.use === use).reduce((sum, b) => sum + b.value, 0));
  const value = satang(parcel.land_value + parcel.buildings.reduce((sum, b) => sum + b.value, 0));
  if (parcel.exemption) return { value, tax: 0, lines: [exemptLine(null, null, value)] };

  const lines: TaxLine[] = [];
  for (const use of TAX_USES) {
    const land = landOf(use);
    const buildings = buildingsOf(use);
    if (land + buildings <= 0) continue;
    if (use === 'residential' && parcel.residence === 'owner') {
      const whole = satang(land + buildings);
      const exempt = Math.min(whole, rules.residence_exempt);
      lines.push(exemptLine(use, 'residence_owner', exempt));
      lines.push(...bandLines(use, 'residence_owner', satang(whole - exempt), rules.bands.residence_owner));
    } else if (use === 'residential' && parcel.residence === 'building_only') {
      const exempt = Math.min(buildings, rules.building_only_exempt);
      if (buildings > 0) lines.push(exemptLine(use, 'residence_building', exempt));
      lines.push(...bandLines(use, 'residence_building', satang(buildings - exempt), rules.bands.residence_building));
      lines.push(...bandLines(use, 'residential', land, rules.bands.residential));
    } else if (use === 'vacant') {
      const steps = Math.floor(parcel.vacant_years / rules.vacant_step_years);
      const rateOf = (band: RateBand) => ratePrecision(Math.min(band.rate_pct + rules.vacant_step_pct * steps, rules.vacant_max_pct));
      lines.push(...bandLines(use, 'vacant', satang(land + buildings), rules.bands.vacant, rateOf));
    } else {
      lines.push(...bandLines(use, use, satang(land + buildings), rules.bands[use]));
    }
  }
  const before = satang(lines.reduce((sum, line) => sum + line.amount, 0));
  if (rules.reduction_pct > 0 && before > 0) {
    lines.push({
      use: null,
      category: null,
      kind: 'reduction',
      band_from: null,
      band_to: null,
      base: before,
      rate_pct: rules.reduction_pct,
      amount: -satang((before * rules.reduction_pct) / 100),
    });
  }
  return { value, tax: satang(lines.reduce((sum, line) => sum + line.amount, 0)), lines };
}
