import type { Geometry } from 'geojson';
import { lazy, Suspense } from 'react';
import type { SiteInspection } from './inspectionDraft.ts';

export interface InspectionFormProps {
  site: {
    id: number;
    name: string;
    /** The works (GeoJSON), which each photo's distance is measured to. */
    geometry: Geometry | null;
    /** Planned % for today, shown beside the progress when given. */
    planned_pct?: number | null;
  };
  /** An inspection returned to its author: edited and sent again under its own id. */
  resubmit?: SiteInspection;
}

/*
 * The form is its own chunk, loaded as the site's page draws (and precached with the workspace
 * by scripts/lib/pwa.ts, so it opens offline): the site list, which never shows it, keeps under
 * its first-frame budget.
 */
const Body = lazy(() => import('./InspectionFormBody.tsx').then((m) => ({ default: m.InspectionFormBody })));

/** An inspection of one site, written into the outbox (web/sites/InspectionFormBody.tsx). */
export function InspectionForm(props: InspectionFormProps) {
  return (
    <Suspense fallback={null}>
      <Body {...props} />
    </Suspense>
  );
}
