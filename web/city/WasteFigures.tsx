import { useMemo } from 'react';
import { useResource } from '../api/useResource.ts';
import { formatNumber } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { localName } from '../i18n/strings.ts';
import { api, type WasteSummary } from '../api/client.ts';
import { bangkokToday, mondayOf } from '../waste/dates.ts';

export interface ZoneServed {
  today: number | null;
  week: number | null;
}

/**
 * Pickups served on time per zone, today and this week (from Monday, Bangkok), for executives:
 * `GET /api/waste/summary?by=zone` is the city's figures, open to everyone. Only the summary
 * module is imported here, none of the waste workspace's code. `enabled` holds the requests
 * until the city map's first frame is drawn: these figures are not what it waits for.
 */
export function useZoneServed(enabled: boolean): Map<number, ZoneServed> | null {
  const today = bangkokToday();
  // Not yet enabled: a request that never answers, so the hook's order stays fixed; the key changes when enabled.
  const load = (from: string) => (signal: AbortSignal) =>
    enabled ? api.wasteSummary({ date: today, from, by: 'zone' }, signal) : new Promise<WasteSummary>(() => undefined);
  const day = useResource(`waste-city-day:${today}:${enabled}`, load(today));
  const week = useResource(`waste-city-week:${today}:${enabled}`, load(mondayOf(today)));
  return useMemo(() => {
    if (!day.data && !week.data) return null;
    const zones = new Map<number, ZoneServed>();
    for (const row of day.data?.rows ?? []) zones.set(row.zone_id, { today: row.served_pct, week: null });
    for (const row of week.data?.rows ?? []) zones.set(row.zone_id, { today: zones.get(row.zone_id)?.today ?? null, week: row.served_pct });
    return zones;
  }, [day.data, week.data]);
}

const pct = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${formatNumber(value, 0)}%`);

/** "92% · 88%": a zone label's suffix, today then this week. */
export const servedLabel = (served: ZoneServed | undefined) => (served ? `${pct(served.today)} · ${pct(served.week)}` : '');

/** The figures as a table in the layer panel, under the trucks' legend. */
export function WasteFigures({ served }: { served: Map<number, ZoneServed> | null }) {
  const { t, lang } = useLanguage();
  const zones = useResource('zones', () => api.zones());
  if (!served) return null;
  return (
    <table className="waste-figures" data-testid="waste-figures" title={t('waste.city.hint')}>
      <caption>{t('waste.city.title')}</caption>
      <thead>
        <tr>
          <th>{t('waste.zone')}</th>
          <th>{t('waste.city.today')}</th>
          <th>{t('waste.city.week')}</th>
        </tr>
      </thead>
      <tbody>
        {[...served].map(([zone, figures]) => (
          <tr key={zone} data-zone={zone} data-today={figures.today ?? ''} data-week={figures.week ?? ''}>
            <td>{localName(zones.data?.features.find((z) => z.properties.id === zone)?.properties, lang)}</td>
            <td>{pct(figures.today)}</td>
            <td>{pct(figures.week)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
