import './waste.css';
import { useCallback, useMemo, useState } from 'react';
import { useResource } from '../api/useResource.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { StaffShell } from '../auth/StaffShell.tsx';
import { ZonesLayer } from '../city/ZonesLayer.tsx';
import { useNow } from '../flood/useNow.ts';
import { formatAgo, formatNumber } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { fill, localName } from '../i18n/strings.ts';
import { CityBase } from '../map/CityBase.tsx';
import { Legend } from '../map/Legend.tsx';
import { MapView } from '../map/MapView.tsx';
import { TRUCK_STATE_COLORS } from '../map/palette.ts';
import { Panel } from '../map/Shell.tsx';
import { Link, navigate } from '../router.tsx';
import { api, PICKUP_STATUSES, type LiveTruck, type PickupCollection, type SummaryRow } from '../api/client.ts';
import { DatePicker } from './DatePicker.tsx';
import { replayHref, SignInPrompt } from './SignInPrompt.tsx';
import { bangkokToday, isDate } from './dates.ts';
import { PICKUP_STATUS_COLORS, PickupsLayer } from './PickupsLayer.tsx';
import { TruckMarkers } from './TrucksLayer.tsx';
import { useWasteLive } from './useWasteLive.ts';

/** The workspace's first picture: the city, its zones and every truck of the first snapshot. */
const REQUIRES = ['boundary', 'basemap', 'zones', 'trucks'] as const;
/** Room for the truck list on the left and the pickups panel on the right. */
const FRAME = { top: 24, bottom: 24, left: 380, right: 380 };

/**
 * The waste collection section's workspace (`/waste`): the trucks live on the map and in a list,
 * the day's pickup points coloured by what happened at them, the missed ones listed, and the
 * served figures by zone and by round. A truck (on the map or in the list) opens its replay.
 */
export function WastePage() {
  const { known, user } = useAuth();
  return <StaffShell className="page-waste">{known && !user ? <SignInPrompt /> : user ? <Workspace /> : null}</StaffShell>;
}

function Workspace() {
  const today = bangkokToday();
  const [date, setDate] = useState(() => {
    const asked = new URLSearchParams(window.location.search).get('date');
    return isDate(asked) ? asked : today;
  });
  const [zone, setZone] = useState<number | undefined>(undefined);
  const live = useWasteLive();
  const pickups = useResource(`waste-pickups:${date}:${zone ?? ''}`, (signal) => api.pickups({ date, zone }, signal));
  const byZone = useResource(`waste-summary-zone:${date}`, (signal) => api.wasteSummary({ date, by: 'zone' }, signal));
  const byRound = useResource(`waste-summary-round:${date}`, (signal) => api.wasteSummary({ date, by: 'round' }, signal));

  const trucks = useMemo(() => (zone === undefined ? live.trucks : live.trucks.filter((t) => t.zone_id === zone)), [live.trucks, zone]);
  const openReplay = useCallback((truck: LiveTruck) => navigate(replayHref(truck.code, date)), [date]);
  const inZone = (rows: SummaryRow[] | undefined) => (rows ?? []).filter((r) => zone === undefined || r.zone_id === zone);

  return (
    <>
      <MapView requires={REQUIRES}>
        <CityBase frame={FRAME} />
        <ZonesLayer visible faint />
        <PickupsLayer pickups={pickups.data} />
        <TruckMarkers trucks={trucks} visible labelled onSelect={openReplay} />
      </MapView>
      <TruckList trucks={trucks} connection={live.connection} date={date} />
      <Panel className="waste-panel" testId="waste-panel" sheetTitle={useLanguage().t('waste.pickups.title')} startsCollapsedOnPhone>
        <div className="waste-filters">
          <DatePicker value={date} max={today} onChange={setDate} />
          <ZoneFilter value={zone} onChange={setZone} />
        </div>
        <PickupLegend pickups={pickups.data} />
        {pickups.error && <p className="form-error">{pickups.error.message}</p>}
        <SummaryTable testId="waste-summary-zone" rows={inZone(byZone.data?.rows)} by="zone" error={byZone.error} />
        <SummaryTable testId="waste-summary-round" rows={inZone(byRound.data?.rows)} by="round" error={byRound.error} />
        <MissedList pickups={pickups.data} />
      </Panel>
    </>
  );
}

function TruckList({ trucks, connection, date }: { trucks: LiveTruck[]; connection: string; date: string }) {
  const { t, lang } = useLanguage();
  const now = useNow(10_000);
  return (
    <Panel className="waste-trucks" testId="waste-trucks" sheetTitle={t('waste.trucks.title')} data-connection={connection}>
      <header className="waste-header">
        <h2>{t('waste.trucks.title')}</h2>
        <span className={`live-dot live-${connection}`} data-testid="live-status">
          {t(`flood.live.${connection as 'live'}`)}
        </span>
      </header>
      <Legend
        shape="dot"
        items={(['moving', 'stopped', 'depot', 'offline'] as const).map((s) => ({ key: s, color: TRUCK_STATE_COLORS[s], label: t(`truck.${s}`) }))}
      />
      <ul className="waste-truck-list" data-testid="truck-list">
        {trucks.map((truck) => (
          <li key={truck.id} data-testid="truck-row" data-truck={truck.code} data-state={truck.state}>
            <Link href={replayHref(truck.code, date)} className="waste-truck-row" title={t('waste.replay.open')}>
              <span className="swatch swatch-dot" style={{ background: TRUCK_STATE_COLORS[truck.state] }} aria-hidden="true" />
              <b className="waste-truck-code">{truck.code}</b>
              <span className="waste-truck-state">{t(`truck.${truck.state}`)}</span>
              <span className="waste-truck-speed">{fill(t('waste.kmh'), { v: formatNumber(truck.speed_kmh, 0) })}</span>
              <span className="waste-truck-round">{truck.round?.code ?? t('waste.noRound')}</span>
              <span className="waste-truck-age">{formatAgo(truck.recorded_at, lang, now)}</span>
            </Link>
          </li>
        ))}
      </ul>
      {connection !== 'connecting' && trucks.length === 0 && <p className="hint">{t('waste.trucks.none')}</p>}
    </Panel>
  );
}

function ZoneFilter({ value, onChange }: { value: number | undefined; onChange: (zone: number | undefined) => void }) {
  const { t, lang } = useLanguage();
  const zones = useResource('zones', () => api.zones());
  return (
    <label className="waste-zone">
      <span className="visually-hidden">{t('waste.zone')}</span>
      <select data-testid="waste-zone" value={value ?? ''} onChange={(e) => onChange(e.target.value ? Number(e.target.value) : undefined)}>
        <option value="">{t('waste.zone.all')}</option>
        {zones.data?.features.map((z) => (
          <option key={z.properties.id} value={z.properties.id}>
            {localName(z.properties, lang)}
          </option>
        ))}
      </select>
    </label>
  );
}

function PickupLegend({ pickups }: { pickups: PickupCollection | null }) {
  const { t } = useLanguage();
  const count = (status: string) => pickups?.features.filter((f) => f.properties.status === status).length ?? 0;
  return (
    <Legend
      testId="waste-pickup-legend"
      shape="dot"
      items={PICKUP_STATUSES.map((s) => ({
        key: s,
        color: PICKUP_STATUS_COLORS[s],
        hollow: s === 'pending',
        label: `${t(`waste.status.${s}`)} · ${formatNumber(count(s))}`,
      }))}
    />
  );
}

/** served % as the API gives it; null (nothing due yet) is a dash, not 0 %. */
const pct = (value: number | null) => (value === null ? '—' : `${formatNumber(value, 1)}%`);

function SummaryTable({ rows, by, testId, error }: { rows: SummaryRow[]; by: 'zone' | 'round'; testId: string; error: Error | null }) {
  const { t, lang } = useLanguage();
  const zones = useResource('zones', () => api.zones());
  const zoneName = (id: number) => localName(zones.data?.features.find((z) => z.properties.id === id)?.properties, lang);
  return (
    <section className="waste-section">
      <h3>{t(by === 'zone' ? 'waste.summary.byZone' : 'waste.summary.byRound')}</h3>
      {error && <p className="form-error">{error.message}</p>}
      <table className="waste-summary" data-testid={testId}>
        <thead>
          <tr>
            <th>{t(by === 'zone' ? 'waste.zone' : 'waste.round')}</th>
            <th>{t('waste.status.served')}</th>
            <th>{t('waste.status.late')}</th>
            <th>{t('waste.status.missed')}</th>
            <th>{t('waste.servedPct')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={`${row.zone_id}:${row.round_id ?? ''}`} data-zone={row.zone_id} data-round={row.round_code}>
              <td>{by === 'zone' ? zoneName(row.zone_id) : row.round_code}</td>
              <td>{formatNumber(row.served)}</td>
              <td>{formatNumber(row.late)}</td>
              <td>{formatNumber(row.missed)}</td>
              <td data-testid="served-pct">{pct(row.served_pct)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function MissedList({ pickups }: { pickups: PickupCollection | null }) {
  const { t, lang } = useLanguage();
  const zones = useResource('zones', () => api.zones());
  const zoneName = (id: number) => localName(zones.data?.features.find((z) => z.properties.id === id)?.properties, lang);
  const missed = (pickups?.features ?? []).filter((f) => f.properties.status === 'missed');
  return (
    <section className="waste-section">
      <h3>{fill(t('waste.missed.title'), { count: missed.length })}</h3>
      {pickups && missed.length === 0 && <p className="hint">{t('waste.missed.none')}</p>}
      <ol className="waste-missed" data-testid="missed-list">
        {missed.map(({ properties: p }) => (
          <li key={p.id} data-testid="missed-row" data-pickup={p.id}>
            <b>{localName(p, lang)}</b>
            <span className="affected-meta">
              {p.round_code} · {p.window_start}–{p.window_end} · {zoneName(p.zone_id)}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
