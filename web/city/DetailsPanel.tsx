import { useMemo, useState } from 'react';
import { api, type ProjectFeature } from '../api/client.ts';
import { useResource } from '../api/useResource.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import type { Selection } from '../map/selection.ts';
import { canEditProject, seesParcelPersonalData } from '../auth/access.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { parcelPersonalRows } from '../parcels/describe.ts';
import { describe, type DetailRow, type Gazetteer } from './describe.ts';
import { ProjectEditForm } from '../plan/ProjectEditForm.tsx';
import { Panel } from '../map/Shell.tsx';
import { Link, PATHS } from '../router.tsx';

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

function DetailRows({ rows }: { rows: DetailRow[] }) {
  const { t } = useLanguage();
  return (
    <dl>
      {rows.map((row) => (
        <div key={row.label} className="details-row" data-field={row.field}>
          <dt>{t(row.label)}</dt>
          <dd>
            {row.color && <span className="swatch swatch-dot" style={{ background: row.color }} aria-hidden="true" />}
            {row.value}
            {row.note && <span className="details-note">{row.note}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * A parcel's owner and tax rows, fetched for this parcel alone: tiles carry no personal data, and
 * the server records who read whose.
 */
function ParcelPersonalSection({ id }: { id: number }) {
  const { t, lang } = useLanguage();
  const parcel = useResource(`parcel:${id}`, (signal) => api.parcel(id, signal));
  return (
    <>
      <h3 className="details-section">{t('details.personal')}</h3>
      {parcel.data ? (
        <DetailRows rows={parcelPersonalRows(parcel.data.properties, lang)} />
      ) : parcel.error ? (
        <p className="form-error" role="alert" data-testid="parcel-personal-error">
          {t('details.personal.error')}
        </p>
      ) : (
        <p className="details-loading" role="status" data-testid="parcel-personal-loading">
          {t('details.personal.loading')}
        </p>
      )}
    </>
  );
}

interface DetailsPanelProps {
  selection: Selection;
  onClose: () => void;
  /** A project was changed here: show the new values and reload the projects layer. */
  onProjectSaved: (project: ProjectFeature) => void;
}

export function DetailsPanel({ selection, onClose, onProjectSaved }: DetailsPanelProps) {
  const { t, lang } = useLanguage();
  const { permissions } = useAuth();
  const gazetteer = useGazetteer();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const d = describe(selection, gazetteer, lang, t);
  // What a role may not do is not offered at all; the server checks again anyway.
  const editable = selection.kind === 'project' && canEditProject(permissions, selection.feature.properties.zone_id);
  const personal = selection.kind === 'parcel' && seesParcelPersonalData(permissions) ? Number(selection.feature.id) : null;

  return (
    <Panel className="details-panel" testId="details-panel" data-kind={selection.kind} style={{ borderTopColor: d.accent }} aria-label={t('details.title')}>
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
      {editable && !editing && (
        <div className="edit-bar">
          <button
            type="button"
            className="button edit-button"
            data-testid="edit-project"
            onClick={() => {
              setSaved(false);
              setEditing(true);
            }}
          >
            {t('edit.button')}
          </button>
          {saved && (
            <span className="edit-saved" role="status" data-testid="edit-saved">
              ✓ {t('edit.saved')}
            </span>
          )}
        </div>
      )}
      {editable && editing && selection.kind === 'project' ? (
        <ProjectEditForm
          project={selection.feature}
          onCancel={() => setEditing(false)}
          onSaved={(project) => {
            setEditing(false);
            setSaved(true);
            onProjectSaved(project);
          }}
        />
      ) : (
        <DetailRows rows={d.rows} />
      )}
      {personal !== null && <ParcelPersonalSection key={personal} id={personal} />}
      {selection.kind === 'site' && (
        <p className="details-link">
          <Link href={`${PATHS.sites}/${selection.feature.properties.project_id}`} className="button" data-testid="site-link">
            {t('sites.map.open')} →
          </Link>
        </p>
      )}
    </Panel>
  );
}
