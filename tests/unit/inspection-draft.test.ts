import { describe, expect, it } from 'vitest';
import { type PickedPhoto, uploadQuery } from '../../web/sites/capture.ts';
import { bodyOf, emptyDraft, type InspectionDraft, localInput, validate } from '../../web/sites/inspectionDraft.ts';

const NOW = new Date(2026, 11, 1, 16, 30);
const draft = (change: Partial<InspectionDraft>): InspectionDraft => ({ ...emptyDraft(NOW), progress: '40', ...change });
const defect = { id: '7d9f4a52-3c1e-4b8a-9f0e-2a6b5c4d3e21', description: 'ฝาบ่อพักชำรุด', severity: 'major' as const, assignee: '', dueOn: '' };

describe('the inspection form’s checks, before anything is queued', () => {
  it('passes a visit now with its progress, and sends it as the server’s schema wants it', () => {
    expect(validate(draft({}), NOW)).toEqual({});
    expect(bodyOf(draft({ notes: '  ok ', workDone: ' ', weather: 'rain' }))).toEqual({
      visited_at: NOW.toISOString(),
      progress_pct: 40,
      notes: 'ok',
      weather: 'rain',
    });
  });

  it('names each field that the server would refuse', () => {
    expect(validate(draft({ progress: '' }), NOW)).toEqual({ progress: 'inspection.error.progress' });
    expect(validate(draft({ progress: '100.5' }), NOW)).toEqual({ progress: 'inspection.error.progress' });
    expect(validate(draft({ progress: '-1' }), NOW)).toEqual({ progress: 'inspection.error.progress' });
    expect(validate(draft({ visitedAt: '' }), NOW)).toEqual({ visitedAt: 'inspection.error.visitedAt' });
    expect(validate(draft({ visitedAt: localInput(new Date(NOW.getTime() + 2 * 60_000)) }), NOW)).toEqual({ visitedAt: 'inspection.error.future' });
    expect(validate(draft({ defects: [defect, { ...defect, description: '  ' }] }), NOW)).toEqual({
      'defects.1.description': 'inspection.error.defectDescription',
    });
  });

  it('keeps each defect’s id and leaves out what was not given', () => {
    expect(bodyOf(draft({ defects: [{ ...defect, assignee: ' ผู้รับจ้าง ', dueOn: '2026-12-15' }, defect] })).defects).toEqual([
      { id: defect.id, description: 'ฝาบ่อพักชำรุด', severity: 'major', assignee: 'ผู้รับจ้าง', due_on: '2026-12-15' },
      { id: defect.id, description: 'ฝาบ่อพักชำรุด', severity: 'major' },
    ]);
  });
});

describe('a photo upload’s query', () => {
  const photo = (change: Partial<PickedPhoto>): PickedPhoto => ({
    id: 'p',
    blob: new Blob(),
    contentType: 'image/jpeg',
    name: 'a.jpg',
    converted: false,
    position: null,
    locating: false,
    ...change,
  });
  const device = { lon: 102.8338501234, lat: 16.4462549, bearing: -10, accuracy: 5, takenAt: '2026-12-01T09:30:00.000Z', source: 'device' as const };

  it('carries the phone’s position, as the server reads numbers (no exponent, bearing 0–360)', () => {
    expect(uploadQuery(photo({ position: device }))).toBe('?lon=102.8338501&lat=16.4462549&bearing=350.0&taken_at=2026-12-01T09%3A30%3A00.000Z');
    expect(uploadQuery(photo({ position: { ...device, lon: 1e-7, bearing: null, takenAt: null } }))).toBe('?lon=0.0000001&lat=16.4462549');
  });

  it('says nothing when there is no position, or when the image carries its own GPS for the server to read', () => {
    expect(uploadQuery(photo({}))).toBe('');
    expect(uploadQuery(photo({ position: { ...device, source: 'exif' } }))).toBe('');
    // A HEIC re-encoded to JPEG lost its EXIF: its GPS goes in the query.
    expect(uploadQuery(photo({ converted: true, position: { ...device, source: 'exif', bearing: 12 } }))).toContain('lon=102.8338501');
  });
});
