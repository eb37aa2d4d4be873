import { projectStage, sensorLevel, type CommunityProps, type Plan, type ZoneProps } from '../api/client.ts';
import {
  formatAgo,
  formatBaht,
  formatDate,
  formatDateTime,
  formatFiscalYear,
  formatHeading,
  formatKm2,
  formatLandArea,
  formatMetres,
  formatNumber,
  formatPercent,
} from '../i18n/format.ts';
import { fill, localName, type Lang, type MessageKey } from '../i18n/strings.ts';
import { LAND_USE_COLORS, SENSOR_LEVEL_COLORS, SITE_COLORS, STAGE_COLORS, TRUCK_STATE_COLORS, zoneColor } from '../map/palette.ts';
import type { Selection } from '../map/selection.ts';

/** Names for the ids that features carry (zone_id, strategy_id…), loaded once and shared. */
export interface Gazetteer {
  zones: Map<number, ZoneProps>;
  communities: Map<number, CommunityProps>;
  plan: Plan | null;
}

export interface DetailRow {
  label: MessageKey;
  value: string;
  /** A colour dot before the value, matching the map symbol. */
  color?: string;
  /** Secondary text under the value (e.g. "5 minutes ago"). */
  note?: string;
  /** For tests and styling: which attribute the row shows. */
  field?: string;
}

export interface Description {
  kind: MessageKey;
  title: string;
  subtitle?: string;
  accent: string;
  rows: DetailRow[];
}

type T = (key: MessageKey) => string;

function zoneName(g: Gazetteer, id: number | null | undefined, lang: Lang): string {
  if (id === null || id === undefined) return '—';
  const zone = g.zones.get(id);
  return zone ? localName(zone, lang) : lang === 'th' ? `เขต ${id}` : `Zone ${id}`;
}

function communityName(g: Gazetteer, id: number | null | undefined, lang: Lang): string {
  if (id === null || id === undefined) return '—';
  const community = g.communities.get(id);
  return community ? localName(community, lang) : `#${id}`;
}

/** Turns a picked feature into labelled, formatted rows; the panel only lays them out. */
export function describe(selection: Selection, g: Gazetteer, lang: Lang, t: T): Description {
  switch (selection.kind) {
    case 'zone': {
      const p = selection.feature.properties;
      return {
        kind: 'details.kind.zone',
        title: localName(p, lang),
        accent: zoneColor(p.id),
        rows: [
          { label: 'field.area', value: formatKm2(p.area_km2, lang) },
          { label: 'field.population', value: formatNumber(p.population) },
          { label: 'field.households', value: formatNumber(p.households) },
          { label: 'field.communities', value: formatNumber(p.communities) },
        ],
      };
    }
    case 'community': {
      const p = selection.feature.properties;
      return {
        kind: 'details.kind.community',
        title: localName(p, lang),
        accent: zoneColor(p.zone_id),
        rows: [
          { label: 'field.zone', value: zoneName(g, p.zone_id, lang), color: zoneColor(p.zone_id) },
          { label: 'field.population', value: formatNumber(p.population) },
          { label: 'field.households', value: formatNumber(p.households) },
        ],
      };
    }
    case 'parcel': {
      const p = selection.feature.properties;
      return {
        kind: 'details.kind.parcel',
        title: p.parcel_no,
        accent: LAND_USE_COLORS[p.land_use] ?? LAND_USE_COLORS.vacant,
        rows: [
          {
            label: 'field.landUse',
            value: p.land_use ? t(`landUse.${p.land_use}`) : '—',
            color: LAND_USE_COLORS[p.land_use],
          },
          { label: 'field.area', value: formatLandArea(p.area_m2, lang) },
          { label: 'field.zone', value: zoneName(g, p.zone_id, lang), color: zoneColor(p.zone_id) },
          { label: 'field.community', value: communityName(g, p.community_id, lang) },
        ],
      };
    }
    case 'project': {
      const p = selection.feature.properties;
      const strategy = g.plan?.strategies.find((s) => s.id === p.strategy_id);
      const mission = g.plan?.missions.find((m) => m.id === (p.mission_id || strategy?.mission_id));
      return {
        kind: 'details.kind.project',
        title: localName(p, lang),
        subtitle: p.code,
        accent: STAGE_COLORS[projectStage(p)],
        rows: [
          { label: 'field.stage', value: t(`stage.${projectStage(p)}`), color: STAGE_COLORS[projectStage(p)] },
          { label: 'field.fiscalYear', value: formatFiscalYear(p.fiscal_year, lang) },
          { label: 'field.mission', value: mission ? `${mission.id} · ${localName(mission, lang)}` : p.mission_id || '—' },
          { label: 'field.strategy', value: strategy ? `${strategy.id} · ${localName(strategy, lang)}` : p.strategy_id || '—' },
          {
            label: 'field.division',
            value: localName({ name_th: p.division_th, name_en: p.division_en }, lang),
          },
          { label: 'field.budget', value: formatBaht(p.budget, lang) },
          { label: 'field.approved', value: formatBaht(p.approved_amount, lang) },
          { label: 'field.contract', value: formatBaht(p.contract_amount, lang) },
          {
            label: 'field.disbursed',
            value: formatBaht(p.disbursed_amount, lang),
            note: p.disbursed_amount ? formatPercent(p.disbursed_amount, p.contract_amount || p.approved_amount || p.budget) : undefined,
          },
          { label: 'field.asOf', value: formatDate(p.as_of, lang) },
          { label: 'field.zone', value: zoneName(g, p.zone_id, lang), color: p.zone_id ? zoneColor(p.zone_id) : undefined },
          { label: 'field.community', value: communityName(g, p.community_id, lang) },
        ],
      };
    }
    case 'site': {
      const p = selection.feature.properties;
      const state =
        p.late_reason === 'behind'
          ? fill(t('sites.map.behind'), { n: formatNumber(p.delay_pts, 1) })
          : p.late_reason === 'overdue'
            ? t('sites.map.overdue')
            : p.completed_on
              ? t('sites.map.completed')
              : t('sites.map.onTime');
      const color = p.late ? SITE_COLORS.late : SITE_COLORS.onTime;
      const pct = (value: number | null) => (value === null ? '—' : `${formatNumber(value, 1)}%`);
      return {
        kind: 'details.kind.site',
        title: localName(p, lang),
        subtitle: p.code,
        accent: color,
        rows: [
          { label: 'sites.map.state', value: state, color, field: 'site-state' },
          { label: 'sites.map.planned', value: pct(p.planned_pct) },
          { label: 'sites.map.actual', value: pct(p.actual_pct) },
          { label: 'sites.map.contractor', value: p.contractor },
          { label: 'field.contract', value: formatBaht(p.contract_value, lang) },
          { label: 'sites.map.contractEnd', value: formatDate(p.contract_end, lang) },
          {
            label: 'sites.map.lastInspection',
            value: formatDate(p.last_inspection_at, lang),
            note: p.last_inspection_at ? formatAgo(p.last_inspection_at, lang) : undefined,
          },
          { label: 'sites.map.openDefects', value: formatNumber(p.open_defects) },
          { label: 'field.zone', value: zoneName(g, p.zone_id, lang), color: p.zone_id ? zoneColor(p.zone_id) : undefined },
        ],
      };
    }
    case 'truck': {
      const p = selection.feature.properties;
      return {
        kind: 'details.kind.truck',
        title: localName(p, lang),
        subtitle: p.code,
        accent: TRUCK_STATE_COLORS[p.state],
        rows: [
          { label: 'field.status', value: t(`truck.${p.state}`), color: TRUCK_STATE_COLORS[p.state] },
          { label: 'field.plate', value: p.plate || '—' },
          { label: 'field.zone', value: zoneName(g, p.zone_id, lang), color: p.zone_id ? zoneColor(p.zone_id) : undefined },
          {
            label: 'field.speed',
            value: p.speed_kmh === null ? '—' : `${formatNumber(p.speed_kmh, 0)} ${t('unit.kmh')}`,
          },
          { label: 'field.heading', value: formatHeading(p.heading_deg, lang) },
          { label: 'field.recordedAt', value: formatDateTime(p.recorded_at, lang), note: formatAgo(p.recorded_at, lang) },
        ],
      };
    }
    case 'sensor': {
      const p = selection.feature.properties;
      const level = sensorLevel(p);
      return {
        kind: 'details.kind.sensor',
        title: localName(p, lang),
        subtitle: p.code,
        accent: SENSOR_LEVEL_COLORS[level],
        rows: [
          { label: 'field.levelState', value: t(`level.${level}`), color: SENSOR_LEVEL_COLORS[level] },
          { label: 'field.kind', value: t(`sensorKind.${p.kind}`) },
          { label: 'field.waterLevel', value: formatMetres(p.level_m, lang) },
          {
            label: 'field.thresholds',
            value: [p.watch_m, p.warning_m, p.critical_m].map((v) => formatNumber(v, 2)).join(' / ') + (lang === 'th' ? ' ม.' : ' m'),
          },
          {
            label: 'field.rain',
            value: p.rain_mm === null ? '—' : `${formatNumber(p.rain_mm, 1)} ${t('unit.mm')}`,
          },
          { label: 'field.recordedAt', value: formatDateTime(p.recorded_at, lang), note: formatAgo(p.recorded_at, lang) },
        ],
      };
    }
  }
}
