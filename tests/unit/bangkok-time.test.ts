import { describe, expect, it } from 'vitest';
import { BANGKOK_OFFSET, bangkokDate, bangkokWallClock } from '../../server/clock.ts';

describe("Bangkok's date and time (server/clock.ts), UTC+7 all year", () => {
  it('turns the date at 17:00 UTC, not at midnight UTC', () => {
    expect(bangkokDate(new Date('2026-03-31T16:59:59.999Z'))).toBe('2026-03-31');
    expect(bangkokDate(new Date('2026-03-31T17:00:00Z'))).toBe('2026-04-01');
    // The last day of a year in Bangkok is already the next in UTC's evening, and the reverse at dawn.
    expect(bangkokDate(new Date('2026-12-31T18:30:00Z'))).toBe('2027-01-01');
    expect(bangkokDate(new Date('2027-01-01T06:59:00Z'))).toBe('2027-01-01');
  });

  it("reads a Khon Kaen clock's hour in the wall clock's UTC fields, with no daylight saving in June or December", () => {
    for (const month of ['06', '12']) {
      const wall = bangkokWallClock(new Date(`2026-${month}-15T20:45:00Z`));
      expect([wall.getUTCDate(), wall.getUTCHours(), wall.getUTCMinutes()]).toEqual([16, 3, 45]);
    }
    expect(BANGKOK_OFFSET).toBe('+07:00');
    expect(Date.parse(`${bangkokWallClock(new Date('2026-06-15T20:45:00Z')).toISOString().slice(0, 19)}${BANGKOK_OFFSET}`)).toBe(
      Date.parse('2026-06-15T20:45:00Z'),
    );
  });
});
