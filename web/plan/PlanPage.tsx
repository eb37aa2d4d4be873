import './plan.css';
import { useCallback, useEffect, useState } from 'react';
import { StaffShell } from '../auth/StaffShell.tsx';
import { CityBase } from '../map/CityBase.tsx';
import { CITY_ZOOM, MapView } from '../map/MapView.tsx';
import { Picking } from '../map/Picking.tsx';
import { reportLoaded } from '../map/readiness.ts';
import type { Selection } from '../map/selection.ts';
import { PlanMap } from './PlanMap.tsx';
import { PlanControls, PlanSidebar } from './PlanPanels.tsx';
import { usePlanState } from './state.ts';

/** The first picture: the city and its zones coloured by the year's figures. */
const REQUIRES = ['boundary', 'basemap', 'zones', 'evaluation'] as const;

/** Room for the controls on the left and the figures on the right. */
const FRAME = { top: 24, bottom: 24, left: 320, right: 370 };

/** Plan evaluation (`/plan`): the M&E figures of the development plan, by zone on the map. */
export function PlanPage() {
  const [zoom, setZoom] = useState(CITY_ZOOM);
  const plan = usePlanState(zoom);
  const setZone = plan.setZone;

  useEffect(() => {
    if (plan.byZone.data) reportLoaded('evaluation');
  }, [plan.byZone.data]);

  // A click on the choropleth opens that zone's figures (a community: its zone).
  const onSelect = useCallback(
    (next: Selection | null) => {
      if (next?.kind === 'zone') setZone(next.feature.properties.id);
      else if (next?.kind === 'community' && next.feature.properties.zone_id) setZone(next.feature.properties.zone_id);
    },
    [setZone],
  );

  return (
    <StaffShell className="page-plan">
      <MapView requires={REQUIRES} onZoomChange={setZoom}>
        <CityBase frame={FRAME} />
        <PlanMap state={plan} />
        <Picking onSelect={onSelect} />
      </MapView>
      <PlanControls state={plan} onImported={plan.refresh} />
      <PlanSidebar state={plan} />
    </StaffShell>
  );
}
