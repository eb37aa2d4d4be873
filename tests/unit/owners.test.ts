import { describe, expect, it } from 'vitest';
import { fictitiousOwners, isValidNationalId, nationalId } from '../../server/parcels/owners.ts';

describe('Thai national ID check digit', () => {
  it('computes the check digit from the first twelve digits', () => {
    // 1·13 + 1·12 + 0·11 + 1·10 + 7·9 + 0·8 + 0·7 + 2·6 + 3·5 + 0·4 + 7·3 + 0·2 = 146;
    // (11 − 146 mod 11) mod 10 = 8
    expect(nationalId('110170023070')).toBe('1101700230708');
    expect(isValidNationalId('1101700230708')).toBe(true);
  });
  it('rejects an ID whose check digit does not match, or that is not 13 digits', () => {
    const id = nationalId('310060044563');
    for (let digit = 0; digit < 10; digit++) {
      const changed = id.slice(0, 12) + String(digit);
      expect(isValidNationalId(changed), changed).toBe(changed === id);
    }
    expect(isValidNationalId('3100600445635')).toBe(id === '3100600445635');
    expect(isValidNationalId(id.slice(0, 12))).toBe(false);
    expect(isValidNationalId(`${id.slice(0, 12)}x`)).toBe(false);
  });
  it('gives fictitious owners unique, valid IDs', () => {
    const owners = fictitiousOwners(2000);
    expect(new Set(owners.map((o) => o.national_id)).size).toBe(2000);
    expect(owners.every((o) => isValidNationalId(o.national_id))).toBe(true);
    expect(fictitiousOwners(2000)).toEqual(owners);
  });
});
