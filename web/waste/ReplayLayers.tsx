import { useMemo } from 'react';
import { TripsLayer } from '@deck.gl/geo-layers';
import { PathLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import { useDeckLayers } from '../map/deck/DeckOverlay.tsx';
import type { TrackStop, TruckDay } from '../api/client.ts';

/**
 * A stop's duration on the map as h:mm: deck.gl's text atlas draws Thai's stacked vowels badly
 * (the panel's stop list says it in words).
 */
const clock = (seconds: number) => {
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
};

/** Everything driven so far stays lit behind the truck (a day is at most this long). */
const TRAIL_S = 86_400;

interface Trip {
  path: [number, number][];
  /** Seconds since the day's first fix: epoch seconds lose whole seconds in the GPU's 32-bit floats. */
  timestamps: number[];
}

/**
 * The day on the map (deck.gl, inside <DeckOverlay>): the whole route faint, the truck's trail
 * following it (TripsLayer, `currentTime` from the slider: the part driven so far lit), and each
 * stop with its duration, above both.
 */
export function ReplayLayers({ day, time }: { day: TruckDay; time: number }) {
  const { track } = day;
  const start = track.t[0] ?? 0;
  const trip = useMemo<Trip[]>(
    () => [{ path: track.t.map((_, i) => [track.lon[i]!, track.lat[i]!]), timestamps: track.t.map((s) => s - start) }],
    [track, start],
  );
  const stops = useMemo(
    () => [
      new ScatterplotLayer<TrackStop>({
        id: 'replay-stops',
        data: day.stops,
        getPosition: (s) => [s.lon, s.lat],
        getRadius: 6,
        radiusUnits: 'pixels',
        getFillColor: [230, 119, 0, 255],
        stroked: true,
        getLineColor: [255, 255, 255, 255],
        getLineWidth: 2,
        lineWidthUnits: 'pixels',
      }),
      new TextLayer<TrackStop>({
        id: 'replay-stop-durations',
        data: day.stops,
        getPosition: (s) => [s.lon, s.lat],
        getText: (s) => clock(s.duration_s),
        getSize: 11,
        getColor: [31, 35, 40, 255],
        getTextAnchor: 'start',
        getAlignmentBaseline: 'center',
        getPixelOffset: [10, 0],
        background: true,
        getBackgroundColor: [255, 255, 255, 220],
        backgroundPadding: [3, 1],
        characterSet: 'auto',
      }),
    ],
    [day.stops],
  );
  const route = useMemo(
    () =>
      new PathLayer<Trip>({
        id: 'replay-route',
        data: trip,
        getPath: (d) => d.path,
        getColor: [31, 35, 40, 90],
        getWidth: 3,
        widthUnits: 'pixels',
        jointRounded: true,
        capRounded: true,
      }),
    [trip],
  );
  const layers = useMemo(
    () => [
      route,
      new TripsLayer<Trip>({
        id: 'replay-trail',
        data: trip,
        getPath: (d) => d.path,
        getTimestamps: (d) => d.timestamps,
        getColor: [15, 138, 126, 255],
        getWidth: 5,
        widthUnits: 'pixels',
        capRounded: true,
        jointRounded: true,
        fadeTrail: false,
        trailLength: TRAIL_S,
        currentTime: time - start,
      }),
      ...stops,
    ],
    [route, stops, trip, time, start],
  );
  useDeckLayers('waste-replay', layers);
  return null;
}
