import { describe, expect, it } from 'vitest';
import { capTime } from '../../server/flood/cap.ts';
import { retryKey } from '../../server/flood/notify/channels.ts';
import { deliverAt } from '../../server/flood/notify/quietHours.ts';
import { alertChange, nextBand, nextRising, type Band } from '../../server/flood/rules.ts';

const lines = { watch_m: 1.0, warning_m: 1.4, critical_m: 1.8, hysteresis_m: 0.05 };
const run = (levels: number[], start: Band = 'normal') => {
  const bands: Band[] = [];
  let band = start;
  for (const level of levels) {
    band = nextBand(band, level, lines);
    bands.push(band);
  }
  return bands;
};

describe('water-level bands', () => {
  it('rise as soon as the water reaches a line, skipping bands in one reading if it must', () => {
    expect(run([0.5, 1.0, 1.39, 1.4, 1.9])).toEqual(['normal', 'watch', 'watch', 'warning', 'critical']);
    expect(run([2.2])).toEqual(['critical']);
  });

  it('do not flap while the level hovers within the hysteresis below a line', () => {
    expect(run([1.41, 1.37, 1.42, 1.36, 1.41, 1.355])).toEqual(['warning', 'warning', 'warning', 'warning', 'warning', 'warning']);
  });

  it('fall once the level is the hysteresis below a line, to the band it is really in', () => {
    expect(run([1.34], 'warning')).toEqual(['watch']);
    expect(run([0.5], 'critical')).toEqual(['normal']);
    expect(run([1.76], 'critical')).toEqual(['critical']);
    expect(run([1.74], 'critical')).toEqual(['warning']);
  });
});

describe('rate of rise', () => {
  const rule = { rise_m: 0.3, hysteresis_m: 0.05 };
  it('starts at the threshold and holds until the rise drops the hysteresis below it', () => {
    expect(nextRising(false, 0.29, rule)).toBe(false);
    expect(nextRising(false, 0.3, rule)).toBe(true);
    expect(nextRising(true, 0.26, rule)).toBe(true);
    expect(nextRising(true, 0.25, rule)).toBe(false);
  });
});

describe('what a condition does to its alert', () => {
  const open = (severity: 'watch' | 'warning' | 'critical') => ({ severity, status: 'open' as const });
  it('opens one alert and moves it up and down instead of adding another', () => {
    expect(alertChange(null, null, 'watch')).toBe('opened');
    expect(alertChange(open('watch'), 'watch', 'critical')).toBe('raised');
    expect(alertChange(open('critical'), 'critical', 'warning')).toBe('lowered');
    expect(alertChange(open('warning'), 'warning', null)).toBe('resolved');
    expect(alertChange(open('warning'), 'warning', 'warning')).toBeNull();
  });

  it('reopens a resolved alert when the condition comes back, and starts a new one after closing', () => {
    expect(alertChange({ severity: 'warning', status: 'resolved' }, null, 'watch')).toBe('reopened');
    expect(alertChange({ severity: 'warning', status: 'closed' }, null, 'watch')).toBe('opened');
  });

  it('leaves an alert resolved by hand alone until the situation gets worse', () => {
    const resolved = { severity: 'warning' as const, status: 'resolved' as const };
    expect(alertChange(resolved, 'warning', 'watch')).toBeNull();
    expect(alertChange(resolved, 'warning', null)).toBeNull();
    expect(alertChange(resolved, 'warning', 'critical')).toBe('reopened');
  });

  it('keeps an acknowledged alert acknowledged while it falls, and raises it when it worsens', () => {
    const acknowledged = { severity: 'critical' as const, status: 'acknowledged' as const };
    expect(alertChange(acknowledged, 'critical', 'warning')).toBe('lowered');
    expect(alertChange({ ...acknowledged, severity: 'warning' }, 'warning', 'critical')).toBe('raised');
  });
});

describe('quiet hours (Bangkok time)', () => {
  // 23:30 in Bangkok is 16:30 UTC.
  const lateNight = new Date('2026-11-21T16:30:00Z');
  const overnight = { from: '22:00', to: '06:00' };
  it('hold yellow and orange until they end, across midnight', () => {
    expect(deliverAt(lateNight, 'warning', overnight).toISOString()).toBe('2026-11-21T23:00:00.000Z');
    expect(deliverAt(new Date('2026-11-21T20:00:00Z'), 'watch', overnight).toISOString()).toBe('2026-11-21T23:00:00.000Z');
  });
  it('never hold red', () => {
    expect(deliverAt(lateNight, 'critical', overnight)).toEqual(lateNight);
  });
  it('let everything through outside them, or without them', () => {
    const noon = new Date('2026-11-21T05:00:00Z');
    expect(deliverAt(noon, 'watch', overnight)).toEqual(noon);
    expect(deliverAt(lateNight, 'watch', null)).toEqual(lateNight);
    expect(deliverAt(new Date('2026-11-21T03:00:00Z'), 'watch', { from: '09:00', to: '17:00' }).toISOString()).toBe('2026-11-21T10:00:00.000Z');
  });
});

describe('CAP and LINE details', () => {
  it('writes CAP times in Bangkok time with their offset', () => {
    expect(capTime('2026-11-21T16:30:05.123Z')).toBe('2026-11-21T23:30:05+07:00');
  });
  it('gives each notification one stable UUID for LINE retries', () => {
    expect(retryKey(42)).toBe(retryKey(42));
    expect(retryKey(42)).not.toBe(retryKey(43));
    expect(retryKey(42)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
