import { useMemo } from 'react';
import { sensorLevel, type LiveSensor } from '../api/client.ts';
import { ZonesLayer } from '../city/ZonesLayer.tsx';
import { AffectedAreaLayer } from './AffectedAreaLayer.tsx';
import type { AffectedArea } from './alerts.ts';
import { SensorCircles, sensorPoint } from './SensorsLayer.tsx';

/** Inside <MapView>: what the public flood page draws on the city map: faint zones, affected areas, sensors. */
export function PublicFloodMap({ sensors, areas }: { sensors: LiveSensor[]; areas: AffectedArea[] }) {
  const points = useMemo(() => sensors.map((s) => sensorPoint(s.id, s.code, [s.lon, s.lat], sensorLevel(s))), [sensors]);
  return (
    <>
      <ZonesLayer visible faint />
      <AffectedAreaLayer areas={areas} />
      <SensorCircles source="public-sensors" sensors={points} />
    </>
  );
}
