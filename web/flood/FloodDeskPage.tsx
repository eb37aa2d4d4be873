import { useCallback, useState } from 'react';
import { StaffShell } from '../auth/StaffShell.tsx';
import { ZonesLayer } from '../city/ZonesLayer.tsx';
import { CityBase } from '../map/CityBase.tsx';
import { DeckOverlay } from '../map/deck/DeckOverlay.tsx';
import { CITY_ZOOM, MapView } from '../map/MapView.tsx';
import type { Selection } from '../map/selection.ts';
import { FloodDeskMap, FloodFocusPanel, FloodWall, RedAlertBanner } from './FloodDesk.tsx';
import { useFloodDesk } from './state.ts';
import { useLiveSensorsReady } from './useFloodLive.ts';

/** The desk's first picture: the city, its zones and every live sensor. */
const REQUIRES = ['boundary', 'basemap', 'zones', 'sensors'] as const;

/** Room for the sensor panel on the left and the alert wall on the right. */
const FRAME = { top: 24, bottom: 24, left: 440, right: 410 };

/** The flood desk (`/flood`): live sensors and the alert wall; a click on a sensor opens its hydrograph. */
export function FloodDeskPage() {
  const desk = useFloodDesk();
  const [zoom, setZoom] = useState(CITY_ZOOM);
  useLiveSensorsReady(desk.live);

  const selectSensor = desk.selectSensor;
  const onSelect = useCallback(
    (next: Selection | null) => {
      if (next?.kind === 'sensor') selectSensor(next.feature.properties.code);
    },
    [selectSensor],
  );

  return (
    <StaffShell className="page-flood">
      <MapView requires={REQUIRES} onZoomChange={setZoom}>
        <CityBase frame={FRAME} />
        <ZonesLayer visible faint />
        <DeckOverlay onSelect={onSelect}>
          <FloodDeskMap state={desk} zoom={zoom} />
        </DeckOverlay>
      </MapView>
      <FloodFocusPanel state={desk} />
      <FloodWall state={desk} />
      <RedAlertBanner state={desk} />
    </StaffShell>
  );
}
