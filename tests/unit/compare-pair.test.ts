import { describe, expect, it } from 'vitest';
import { bearingGap, type PlacedPhoto, proposeCounterpart } from '../../web/sites/comparePair.ts';

/** About 1.07 m of latitude per 1e-5 degree near Khon Kaen. */
const photo = (id: string, day: string, dLat: number, bearing: number | null, lon: number | null = 102.83): PlacedPhoto => ({
  id,
  day,
  lon,
  lat: lon === null ? null : 16.44 + dLat,
  bearing,
});

describe('the before/after proposal', () => {
  it('measures bearings the short way round', () => {
    expect(bearingGap(350, 10)).toBe(20);
    expect(bearingGap(10, 350)).toBe(20);
    expect(bearingGap(90, 270)).toBe(180);
    expect(bearingGap(725, 5)).toBe(0);
  });

  it('proposes the photo of another day taken nearest the same spot and bearing', () => {
    const picked = photo('now', '2018-03-01', 0, 200);
    const same = photo('station', '2018-02-01', 0.00001, 205);
    const side = photo('side', '2018-02-01', 0.00001, 320);
    const far = photo('far', '2018-01-01', 0.005, 200);
    const sameDay = photo('same-day', '2018-03-01', 0, 200);
    const found = proposeCounterpart(picked, [picked, sameDay, far, side, same]);
    expect(found?.photo.id).toBe('station');
    expect(found?.degrees).toBe(5);
    expect(found?.metres).toBeGreaterThan(0.5);
    expect(found?.metres).toBeLessThan(2);
  });

  it('weighs a turn against a distance: a step aside facing the same way beats the same spot facing elsewhere', () => {
    const picked = photo('now', '2018-03-01', 0, 0);
    const turned = photo('turned', '2018-02-01', 0, 90);
    const stepped = photo('stepped', '2018-02-01', 0.00005, 0);
    expect(proposeCounterpart(picked, [turned, stepped])?.photo.id).toBe('stepped');
  });

  it('breaks a tie by the nearest day', () => {
    const picked = photo('now', '2018-03-01', 0, 0);
    const older = photo('older', '2018-01-01', 0, 0);
    const previous = photo('previous', '2018-02-01', 0, 0);
    expect(proposeCounterpart(picked, [older, previous])?.photo.id).toBe('previous');
  });

  it('proposes nothing for a photo without a position, or with no other day to compare', () => {
    expect(proposeCounterpart(photo('x', '2018-03-01', 0, 0, null), [photo('y', '2018-02-01', 0, 0)])).toBeNull();
    expect(proposeCounterpart(photo('x', '2018-03-01', 0, 0), [photo('y', '2018-03-01', 0, 0), photo('z', '2018-02-01', 0, 0, null)])).toBeNull();
  });
});
