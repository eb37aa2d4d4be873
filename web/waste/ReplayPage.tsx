import './waste.css';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useResource } from '../api/useResource.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { StaffShell } from '../auth/StaffShell.tsx';
import { formatClock, formatDate, formatNumber } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { localName } from '../i18n/strings.ts';
import { CityBase } from '../map/CityBase.tsx';
import { DeckOverlay } from '../map/deck/DeckOverlay.tsx';
import { useMap } from '../map/MapContext.ts';
import { MapView } from '../map/MapView.tsx';
import { reportLoaded } from '../map/readiness.ts';
import { Panel } from '../map/Shell.tsx';
import { Link, navigate, PATHS, usePath } from '../router.tsx';
import { api, type TruckDay } from '../api/client.ts';
import { DatePicker } from './DatePicker.tsx';
import { bangkokToday, isDate } from './dates.ts';
import { type Fix, fixAt, formatDuration, SPEEDS, type Speed } from './replay.ts';
import { ReplayLayers } from './ReplayLayers.tsx';
import { SpeedChart } from './SpeedChart.tsx';
import { TruckMarkers } from './TrucksLayer.tsx';
import { replayHref, SignInPrompt } from './SignInPrompt.tsx';

const REQUIRES = ['boundary', 'basemap', 'trucks'] as const;
const FRAME = { top: 40, bottom: 40, left: 440, right: 60 };

/** A truck's day replayed (`/waste/trucks/{code}?date=`): the route, the truck moving along it, its stops, speeds and figures. */
export function ReplayPage() {
  const { known, user } = useAuth();
  const path = usePath();
  const code = decodeURIComponent(path.slice(PATHS.wasteReplay.length + 1));
  const asked = new URLSearchParams(window.location.search).get('date');
  const date = isDate(asked) ? asked : bangkokToday();
  return (
    <StaffShell className="page-waste page-replay">
      {known && !user ? <SignInPrompt /> : user ? <Replay key={`${code}:${date}`} code={code} date={date} /> : null}
    </StaffShell>
  );
}

function Replay({ code, date }: { code: string; date: string }) {
  const { t } = useLanguage();
  const day = useResource(`track:${code}:${date}`, (signal) => api.truckDay(code, date, signal));
  const track = day.data?.track;
  const first = track?.t[0] ?? 0;
  const last = track?.t[track.t.length - 1] ?? first;
  // A truck's day is mostly standing at the depot: the replay opens where its first trip begins.
  const firstTrip = day.data?.trips[0];
  const opening = firstTrip ? Date.parse(firstTrip.started_at) / 1000 : first;
  const clock = useReplayClock(first, last, opening);
  const fix = useMemo(() => (track ? fixAt(track, clock.time) : null), [track, clock.time]);
  return (
    <>
      {/* One map for the page: the day's layers join it when the day arrives. */}
      <MapView requires={REQUIRES}>
        <CityBase fit={false} />
        {day.data && <ReplayMap day={day.data} time={clock.time} fix={fix} onTruck={clock.toggle} />}
      </MapView>
      {day.data && (
        <ReplayPanel
          day={day.data}
          time={clock.time}
          first={first}
          last={last}
          fix={fix}
          playing={clock.playing}
          onPlay={clock.toggle}
          speed={clock.speed}
          onSpeed={clock.setSpeed}
          onSeek={clock.seek}
        />
      )}
      {day.error ? (
        <Panel className="replay-panel" testId="replay-panel" sheetTitle={code}>
          <h2>{code}</h2>
          <p className="form-error">{day.error.message}</p>
          <Link href={PATHS.waste}>{t('waste.back')}</Link>
        </Panel>
      ) : null}
    </>
  );
}

/**
 * The replay's clock: the day's time being shown, moving `speed` seconds of the day per second
 * of the reader's while playing, frame by frame, and stopping at the day's last fix.
 */
function useReplayClock(first: number, last: number, opening: number) {
  const [time, setTime] = useState(opening);
  const [playing, setPlaying] = useState(false);
  // The day arrives after the page: the clock starts where it opens.
  useEffect(() => setTime(opening), [opening]);
  const [speed, setSpeed] = useState<Speed>(30);
  const speedRef = useRef(speed);
  speedRef.current = speed;
  useEffect(() => {
    if (!playing) return;
    let frame = 0;
    let previous = performance.now();
    const step = (now: number) => {
      const elapsed = (now - previous) / 1000;
      previous = now;
      let ended = false;
      setTime((t) => {
        const next = t + elapsed * speedRef.current;
        if (next >= last) ended = true;
        return Math.min(next, last);
      });
      if (ended) setPlaying(false);
      else frame = requestAnimationFrame(step);
    };
    frame = requestAnimationFrame(step);
    return () => cancelAnimationFrame(frame);
  }, [playing, last]);
  const seek = useCallback((t: number) => setTime(Math.min(last, Math.max(first, t))), [first, last]);
  const toggle = useCallback(() => {
    // Played to the end, play starts the day again.
    setTime((t) => (t >= last ? first : t));
    setPlaying((p) => !p);
  }, [first, last]);
  return { time, playing, toggle, speed, setSpeed, seek };
}

/** The day on the map: framed once, the deck.gl layers, and the truck where it is at `time`. */
function ReplayMap({ day, time, fix, onTruck }: { day: TruckDay; time: number; fix: Fix | null; onTruck: () => void }) {
  const map = useMap();
  const { track } = day;

  useEffect(() => {
    if (track.lon.length > 0) {
      const bounds: [number, number, number, number] = [Math.min(...track.lon), Math.min(...track.lat), Math.max(...track.lon), Math.max(...track.lat)];
      const { clientWidth, clientHeight } = map.getContainer();
      // On a phone the panel is a sheet over the map's lower part: frame the route above it.
      const padding = clientWidth > 800 ? FRAME : { top: 30, left: 30, right: 30, bottom: Math.round(clientHeight * 0.55) };
      map.fitBounds(bounds, { padding, maxZoom: 16, animate: false });
    }
    reportLoaded('trucks', track.t.length > 0 ? 1 : 0);
  }, [map, track]);

  const truck = useMemo(
    () =>
      fix
        ? [
            {
              id: day.truck.id,
              code: day.truck.code,
              state: fix.speed_kmh > 0 ? ('moving' as const) : ('stopped' as const),
              heading_deg: fix.heading_deg,
              lon: fix.lon,
              lat: fix.lat,
            },
          ]
        : [],
    [fix, day.truck],
  );

  return (
    <>
      <DeckOverlay onSelect={() => undefined}>
        <ReplayLayers day={day} time={time} />
      </DeckOverlay>
      <TruckMarkers trucks={truck} visible labelled onSelect={onTruck} />
    </>
  );
}

interface ReplayPanelProps {
  day: TruckDay;
  time: number;
  first: number;
  last: number;
  fix: Fix | null;
  playing: boolean;
  onPlay: () => void;
  speed: Speed;
  onSpeed: (speed: Speed) => void;
  onSeek: (t: number) => void;
}

function ReplayPanel({ day, time, first, last, fix, playing, onPlay, speed, onSpeed, onSeek }: ReplayPanelProps) {
  const { t, lang } = useLanguage();
  const { summary } = day;
  return (
    <Panel
      className="replay-panel"
      testId="replay-panel"
      sheetTitle={day.truck.code}
      data-time={Math.round(time)}
      data-lon={fix?.lon}
      data-lat={fix?.lat}
      data-fix={fix?.index}
    >
      <header className="waste-header">
        <div>
          <p className="details-kind">
            <Link href={PATHS.waste}>{t('waste.back')}</Link> · {day.truck.plate}
          </p>
          <h2 data-testid="replay-title">
            {day.truck.code} · {localName(day.truck, lang)}
          </h2>
        </div>
      </header>
      <DatePicker value={day.date} max={bangkokToday()} onChange={(date) => navigate(replayHref(day.truck.code, date))} />

      {day.track.t.length === 0 ? (
        <p className="hint" data-testid="replay-empty">
          {t('waste.replay.noFixes')} {formatDate(day.date, lang)}
        </p>
      ) : (
        <>
          <div className="replay-controls">
            <button type="button" className="primary replay-play" data-testid="replay-play" aria-pressed={playing} onClick={onPlay}>
              {playing ? `❚❚ ${t('waste.replay.pause')}` : `▶ ${t('waste.replay.play')}`}
            </button>
            {/* biome-ignore lint/a11y/useSemanticElements: toggle buttons, as the flood desk's range toggle. */}
            <div className="range-toggle" role="group" aria-label={t('waste.replay.speed')}>
              {SPEEDS.map((s) => (
                <button
                  key={s}
                  type="button"
                  className={s === speed ? 'active' : ''}
                  aria-pressed={s === speed}
                  data-testid={`replay-speed-${s}`}
                  onClick={() => onSpeed(s)}
                >
                  {s}×
                </button>
              ))}
            </div>
          </div>
          <label className="replay-slider">
            <span className="replay-clock" data-testid="replay-clock">
              {formatClock(time * 1000, lang)} · {formatNumber(fix?.speed_kmh ?? 0, 0)} {t('waste.kmhUnit')}
            </span>
            <input
              type="range"
              data-testid="replay-slider"
              min={first}
              max={last}
              step={1}
              value={Math.round(time)}
              aria-label={t('waste.replay.time')}
              onChange={(e) => onSeek(Number(e.target.value))}
            />
          </label>
          <SpeedChart track={day.track} from={first} to={last} time={time} onSeek={onSeek} />
        </>
      )}

      <dl className="replay-summary" data-testid="replay-summary">
        <Figure
          name="distance_m"
          value={summary.distance_m}
          label={t('waste.summary.distance')}
          text={`${formatNumber(summary.distance_m / 1000, 2)} ${t('waste.kmUnit')}`}
        />
        <Figure name="moving_s" value={summary.moving_s} label={t('waste.summary.moving')} text={formatDuration(summary.moving_s, lang)} />
        <Figure name="stopped_s" value={summary.stopped_s} label={t('waste.summary.stopped')} text={formatDuration(summary.stopped_s, lang)} />
        <Figure
          name="max_speed_kmh"
          value={summary.max_speed_kmh}
          label={t('waste.summary.maxSpeed')}
          text={`${formatNumber(summary.max_speed_kmh, 1)} ${t('waste.kmhUnit')}`}
        />
        <Figure
          name="avg_speed_kmh"
          value={summary.avg_speed_kmh}
          label={t('waste.summary.avgSpeed')}
          text={`${formatNumber(summary.avg_speed_kmh, 1)} ${t('waste.kmhUnit')}`}
        />
        <Figure name="stops" value={summary.stops} label={t('waste.summary.stops')} text={formatNumber(summary.stops)} />
      </dl>

      <h3>{t('waste.replay.trips')}</h3>
      <ol className="replay-segments" data-testid="replay-trips">
        {day.trips.map((trip) => (
          <li key={trip.started_at}>
            <button type="button" onClick={() => onSeek(Date.parse(trip.started_at) / 1000)}>
              {formatClock(trip.started_at, lang)}–{formatClock(trip.ended_at, lang)}
            </button>
            <span className="affected-meta">
              {formatNumber(trip.distance_m / 1000, 2)} {t('waste.kmUnit')} · {formatDuration(trip.duration_s, lang)} · {formatNumber(trip.avg_speed_kmh, 1)}{' '}
              {t('waste.kmhUnit')}
            </span>
          </li>
        ))}
      </ol>
      <h3>{t('waste.replay.stops')}</h3>
      <ol className="replay-segments" data-testid="replay-stops">
        {day.stops.map((stop) => (
          <li key={stop.started_at}>
            <button type="button" onClick={() => onSeek(Date.parse(stop.started_at) / 1000)}>
              {formatClock(stop.started_at, lang)}–{formatClock(stop.ended_at, lang)}
            </button>
            <span className="affected-meta">{formatDuration(stop.duration_s, lang)}</span>
          </li>
        ))}
      </ol>
    </Panel>
  );
}

/** One figure of the summary, as the API gave it (`data-value`) and as the reader reads it. */
function Figure({ name, value, label, text }: { name: string; value: number; label: string; text: string }) {
  return (
    <div data-figure={name} data-value={value}>
      <dt>{label}</dt>
      <dd>{text}</dd>
    </div>
  );
}
