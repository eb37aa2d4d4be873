import { useMemo } from 'react';
import { api } from '../api/client.ts';
import { useResource } from '../api/useResource.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import type { Selection } from '../map/selection.ts';
import { describe, type Gazetteer } from './describe.ts';

/** Looks up names for the ids in a feature; the requests are shared with the map layers. */
function useGazetteer(): Gazetteer {
  const zones = useResource('zones', () => api.zones());
  const communities = useResource('communities', () => api.communities());
  const plan = useResource('plan', () => api.plan());
  return useMemo(
    () => ({
      zones: new Map((zones.data?.features ?? []).map((f) => [f.properties.id, f.properties])),
      communities: new Map((communities.data?.features ?? []).map((f) => [f.properties.id, f.properties])),
      plan: plan.data,
    }),
    [zones.data, communities.data, plan.data],
  );
}

export function DetailsPanel({ selection, onClose }: { selection: Selection; onClose: () => void }) {
  const { t, lang } = useLanguage();
  const gazetteer = useGazetteer();
  const d = describe(selection, gazetteer, lang, t);

  return (
    <aside
      className="panel details-panel"
      data-testid="details-panel"
      data-kind={selection.kind}
      style={{ borderTopColor: d.accent }}
      aria-label={t('details.title')}
    >
      <header>
        <div>
          <p className="details-kind">{t(d.kind)}</p>
          <h2>{d.title}</h2>
          {d.subtitle && <p className="details-subtitle">{d.subtitle}</p>}
        </div>
        <button type="button" className="close" onClick={onClose} aria-label={t('details.close')} title={t('details.close')}>
          ×
        </button>
      </header>
      <dl>
        {d.rows.map((row) => (
          <div key={row.label} className="details-row">
            <dt>{t(row.label)}</dt>
            <dd>
              {row.color && <span className="swatch swatch-dot" style={{ background: row.color }} aria-hidden="true" />}
              {row.value}
              {row.note && <span className="details-note">{row.note}</span>}
            </dd>
          </div>
        ))}
      </dl>
    </aside>
  );
}
