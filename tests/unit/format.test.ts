import { describe, expect, it } from 'vitest';
import {
  formatAgo,
  fiscalYearOf,
  fiscalYearRange,
  formatDate,
  formatDateTime,
  formatFiscalYear,
  formatHeading,
  formatLandArea,
  toBuddhistYear,
  toRaiNganWa,
} from '../../web/i18n/format.ts';

describe('Buddhist era and the Thai fiscal year', () => {
  it('adds 543 to the common era', () => {
    expect(toBuddhistYear(2018)).toBe(2561);
  });

  it('starts the fiscal year on 1 October, Bangkok time', () => {
    expect(fiscalYearOf(new Date('2017-10-01T00:00:00+07:00'))).toBe(2561);
    expect(fiscalYearOf(new Date('2017-09-30T23:59:00+07:00'))).toBe(2560);
    expect(fiscalYearOf(new Date('2018-09-30T23:59:00+07:00'))).toBe(2561);
    // 30 Sep 17:30 UTC is already 1 Oct in Khon Kaen.
    expect(fiscalYearOf(new Date('2018-09-30T17:30:00Z'))).toBe(2562);
  });

  it('spans October to September', () => {
    expect(fiscalYearRange(2561)).toEqual({ start: '2017-10-01', end: '2018-09-30' });
    expect(formatFiscalYear(2561, 'th')).toBe('ปีงบประมาณ 2561 (ต.ค. 2560 – ก.ย. 2561)');
    expect(formatFiscalYear(2561, 'en')).toBe('FY 2561 (Oct 2017 – Sep 2018)');
  });

  it('writes Thai dates in the Buddhist era on the Bangkok clock', () => {
    expect(formatDate('2018-09-03', 'th')).toBe('3 ก.ย. 2561');
    expect(formatDate('2018-09-03', 'en')).toMatch(/^3 Sept? 2018$/);
    expect(formatDateTime('2026-11-21T08:30:00Z', 'th')).toMatch(/^21 พ\.ย\. 2569 15:30 น\.$/);
  });
});

describe('land and direction', () => {
  it('converts square metres to rai, ngan and square wa', () => {
    expect(toRaiNganWa(1600)).toEqual({ rai: 1, ngan: 0, wa: 0 });
    expect(toRaiNganWa(1891)).toEqual({ rai: 1, ngan: 0, wa: 72.8 });
    expect(formatLandArea(400, 'th')).toBe('400 ตร.ม. (0 ไร่ 1 งาน 0.0 ตร.ว.)');
  });
  it('names the compass point', () => {
    expect(formatHeading(247, 'en')).toBe('247° (SW)');
    expect(formatHeading(-90, 'th')).toBe('270° (ทิศตะวันตก)');
  });
});

describe('formatAgo', () => {
  const now = new Date('2026-11-21T12:00:00Z');
  it('says how long ago, in either language', () => {
    expect(formatAgo('2026-11-21T11:55:00Z', 'en', now)).toBe('5 minutes ago');
    expect(formatAgo('2026-11-21T10:00:00Z', 'th', now)).toMatch(/2 ชั่วโมง/);
  });
  it('calls a reading a few seconds newer than the ticking "now" now, not "in 10 seconds"', () => {
    expect(formatAgo('2026-11-21T12:00:10Z', 'en', now)).toBe(formatAgo('2026-11-21T12:00:00Z', 'en', now));
    expect(formatAgo('2026-11-21T12:00:10Z', 'en', now)).not.toMatch(/^in /);
  });
});
