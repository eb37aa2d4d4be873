import { Panel } from '../map/Shell.tsx';
import { useSyncExternalStore, type ReactNode } from 'react';
import { LAND_USES, SENSOR_LEVELS, STAGES, TRUCK_STATES, type ProjectQuery } from '../api/client.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { formatNumber } from '../i18n/format.ts';
import type { MessageKey } from '../i18n/strings.ts';
import { PARCELS_VISIBLE_FROM_ZOOM } from '../parcels/ParcelsLayer.tsx';
import { THEMATIC_LAYERS, type ThematicLayer, type Visibility } from './layers.ts';
import { LAND_USE_COLORS, SENSOR_LEVEL_COLORS, SITE_COLORS, STAGE_COLORS, TRUCK_STATE_COLORS, ZONE_COLORS } from '../map/palette.ts';
import { getCounts, subscribeCounts } from '../map/readiness.ts';
import { Legend } from '../map/Legend.tsx';
import { ProjectFilter } from '../plan/ProjectFilter.tsx';

const LABELS: Record<ThematicLayer, MessageKey> = {
  zones: 'layers.zones',
  communities: 'layers.communities',
  parcels: 'layers.parcels',
  projects: 'layers.projects',
  sites: 'layers.sites',
  sensors: 'layers.sensors',
  trucks: 'layers.trucks',
};

/** The list reads top-down like the map reads front-to-back: live things first, context last. */
const DISPLAY_ORDER: readonly ThematicLayer[] = [...THEMATIC_LAYERS].reverse();

interface LayerSwitcherProps {
  visibility: Visibility;
  onToggle: (layer: ThematicLayer, on: boolean) => void;
  zoom: number;
  projectFilter: ProjectQuery;
  onProjectFilter: (next: ProjectQuery) => void;
  /** Layers this viewer does not get at all (the public: construction sites): not offered. */
  hidden: readonly ThematicLayer[];
  /** Under the trucks' legend: pickups served per zone (web/city/WasteFigures.tsx). */
  wasteFigures?: ReactNode;
}

export function LayerSwitcher({ visibility, onToggle, zoom, projectFilter, onProjectFilter, hidden, wasteFigures }: LayerSwitcherProps) {
  const { t } = useLanguage();
  const counts = useSyncExternalStore(subscribeCounts, getCounts);

  const legendFor = (layer: ThematicLayer): ReactNode => {
    switch (layer) {
      case 'projects':
        return (
          <>
            <ProjectFilter value={projectFilter} onChange={onProjectFilter} />
            <Legend testId="legend-projects" shape="dot" items={STAGES.map((s) => ({ key: s, color: STAGE_COLORS[s], label: t(`stage.${s}`) }))} />
          </>
        );
      case 'sites':
        return (
          <Legend
            testId="legend-sites"
            shape="dot"
            items={[
              { key: 'late', color: SITE_COLORS.late, label: t('sites.map.late') },
              { key: 'on-time', color: SITE_COLORS.onTime, label: t('sites.map.onTime'), hollow: true },
            ]}
          />
        );
      case 'sensors':
        return (
          <Legend
            testId="legend-sensors"
            shape="dot"
            items={SENSOR_LEVELS.map((l) => ({ key: l, color: SENSOR_LEVEL_COLORS[l], label: t(`level.${l}`), hollow: l === 'offline' }))}
          />
        );
      case 'trucks':
        return (
          <>
            <Legend testId="legend-trucks" shape="square" items={TRUCK_STATES.map((s) => ({ key: s, color: TRUCK_STATE_COLORS[s], label: t(`truck.${s}`) }))} />
            {wasteFigures}
          </>
        );
      case 'parcels':
        return zoom < PARCELS_VISIBLE_FROM_ZOOM ? (
          <p className="hint">{t('layers.parcelsZoomHint')}</p>
        ) : (
          <Legend testId="legend-parcels" shape="square" items={LAND_USES.map((u) => ({ key: u, color: LAND_USE_COLORS[u], label: t(`landUse.${u}`) }))} />
        );
      default:
        return null;
    }
  };

  const swatchFor = (layer: ThematicLayer): string => {
    switch (layer) {
      case 'zones':
        return `linear-gradient(90deg, ${Object.values(ZONE_COLORS).join(', ')})`;
      case 'communities':
        return 'transparent';
      case 'parcels':
        return LAND_USE_COLORS.residential;
      case 'projects':
        return STAGE_COLORS.approved;
      case 'sites':
        return SITE_COLORS.late;
      case 'sensors':
        return SENSOR_LEVEL_COLORS.normal;
      case 'trucks':
        return TRUCK_STATE_COLORS.moving;
    }
  };

  return (
    <Panel className="layer-switcher" testId="layer-switcher" aria-label={t('layers.title')}>
      <h2>{t('layers.title')}</h2>
      <ul>
        {DISPLAY_ORDER.filter((layer) => !hidden.includes(layer)).map((layer) => (
          <li key={layer} className={visibility[layer] ? 'on' : 'off'}>
            <label className="layer-row">
              <input type="checkbox" data-testid={`layer-toggle-${layer}`} checked={visibility[layer]} onChange={(e) => onToggle(layer, e.target.checked)} />
              <span className={`layer-swatch layer-swatch-${layer}`} style={{ background: swatchFor(layer) }} />
              <span className="layer-name">{t(LABELS[layer])}</span>
              <span className="layer-count" data-testid={`layer-count-${layer}`}>
                {formatNumber(counts[layer])}
              </span>
            </label>
            {/* Kept (dimmed) when off: collapsing it would move every checkbox below the one just clicked. */}
            {legendFor(layer)}
          </li>
        ))}
      </ul>
    </Panel>
  );
}
