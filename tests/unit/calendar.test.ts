import { describe, expect, it } from 'vitest';
import { addDays, bangkokToday, currentPosting, isoDate, nextRounds } from '../../web/plan/calendar.ts';

const d = (iso: string) => {
  const [year, month, day] = iso.split('-').map(Number);
  return { year: year!, month: month!, day: day! };
};
const iso = (rounds: ReturnType<typeof nextRounds>) => rounds.map((r) => [r.round, isoDate(r.reportBy), isoDate(r.announceBy), isoDate(r.postUntil)]);

describe('publication calendar', () => {
  it('adds days across months and years', () => {
    expect(isoDate(addDays(d('2026-12-31'), 15))).toBe('2027-01-15');
    expect(isoDate(addDays(d('2028-02-20'), 10))).toBe('2028-03-01'); // leap year
  });

  it('twice a year: after October the next rounds are April and October of next year', () => {
    expect(iso(nextRounds(d('2026-11-21'), 'twice-yearly'))).toEqual([
      ['6-month', '2027-04-30', '2027-05-15', '2027-06-14'],
      ['12-month', '2027-10-31', '2027-11-15', '2027-12-15'],
    ]);
  });

  it('twice a year: in spring the April round comes first', () => {
    expect(iso(nextRounds(d('2027-02-01'), 'twice-yearly', 1))).toEqual([['6-month', '2027-04-30', '2027-05-15', '2027-06-14']]);
  });

  it('a round due today is still the next one', () => {
    expect(iso(nextRounds(d('2027-04-30'), 'twice-yearly', 1))[0]![1]).toBe('2027-04-30');
    expect(iso(nextRounds(d('2027-05-01'), 'twice-yearly', 1))[0]![1]).toBe('2027-10-31');
  });

  it('once a year: December, announced by mid-January, posted until mid-February', () => {
    expect(iso(nextRounds(d('2026-11-21'), 'yearly'))).toEqual([
      ['annual', '2026-12-31', '2027-01-15', '2027-02-14'],
      ['annual', '2027-12-31', '2028-01-15', '2028-02-14'],
    ]);
  });

  it('knows which report must still be posted', () => {
    expect(currentPosting(d('2026-11-21'), 'twice-yearly')?.reportBy).toEqual(d('2026-10-31'));
    expect(currentPosting(d('2026-12-20'), 'twice-yearly')).toBeNull();
    expect(currentPosting(d('2027-02-01'), 'yearly')?.reportBy).toEqual(d('2026-12-31'));
  });

  it('reads today on the Bangkok clock', () => {
    // 20:00 UTC on 21 November is already 22 November in Bangkok.
    expect(bangkokToday(new Date('2026-11-21T20:00:00Z'))).toEqual(d('2026-11-22'));
  });
});
