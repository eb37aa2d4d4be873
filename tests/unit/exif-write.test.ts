import exifr from 'exifr';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { withExif } from '../../server/sites/photos/exifWrite.ts';
import { readExif } from '../../server/sites/photos/image.ts';

describe('the EXIF writer', () => {
  let jpeg: Buffer;
  beforeAll(async () => {
    jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#a85' } })
      .jpeg()
      .toBuffer();
  });

  it('writes GPS position, bearing and time that exifr reads back', async () => {
    const tagged = withExif(jpeg, {
      lat: 16.4419451,
      lon: 102.8359872,
      bearing: 271.25,
      takenAt: { local: new Date('2026-11-30T09:15:42Z'), offset: '+07:00' },
      make: 'Mueang demo',
    });
    const tags = await exifr.parse(tagged, { gps: true, reviveValues: false, mergeOutput: true });
    expect(tags.latitude).toBeCloseTo(16.4419451, 6);
    expect(tags.longitude).toBeCloseTo(102.8359872, 6);
    expect(tags.GPSLatitudeRef).toBe('N');
    expect(tags.GPSLongitudeRef).toBe('E');
    expect(tags.GPSImgDirection).toBe(271.25);
    expect(tags.GPSImgDirectionRef).toBe('T');
    expect(tags.DateTimeOriginal).toBe('2026:11:30 09:15:42');
    expect(tags.OffsetTimeOriginal).toBe('+07:00');
    expect(tags.Make).toBe('Mueang demo');
    // The upload's reader gets the same, the time as an instant with its offset.
    expect(await readExif(tagged)).toEqual({
      lat: expect.closeTo(16.4419451, 6),
      lon: expect.closeTo(102.8359872, 6),
      bearing: 271.25,
      takenAt: '2026-11-30T09:15:42+07:00',
    });
  });

  it('writes the southern and western hemispheres as S and W', async () => {
    const tags = await exifr.gps(withExif(jpeg, { lat: -33.8568, lon: -70.6483 }));
    expect(tags.latitude).toBeCloseTo(-33.8568, 6);
    expect(tags.longitude).toBeCloseTo(-70.6483, 6);
  });

  it('leaves the picture intact and replaces EXIF it had', async () => {
    const once = withExif(jpeg, { lat: 10, lon: 20, bearing: 45 });
    const twice = withExif(once, { lat: 11, lon: 21 });
    expect((await exifr.gps(twice)).latitude).toBeCloseTo(11, 6);
    expect((await exifr.parse(twice, { gps: true, mergeOutput: true })).GPSImgDirection).toBeUndefined();
    expect(twice.toString('latin1').split('Exif\0\0').length).toBe(2);
    const [original, rewritten] = await Promise.all([sharp(jpeg).raw().toBuffer(), sharp(twice).raw().toBuffer()]);
    expect(rewritten.equals(original)).toBe(true);
  });
});
