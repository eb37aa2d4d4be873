import { describe, expect, it } from 'vitest';
import { bahtText } from '../../web/tax/bahtText.ts';

/** The amount in words on an assessment notice, as Thai official documents write it. */
describe('bahtText', () => {
  it.each([
    [0, 'ศูนย์บาทถ้วน'],
    [1, 'หนึ่งบาทถ้วน'],
    // A final one after tens is "เอ็ด"; tens of one and two are "สิบ" and "ยี่สิบ".
    [11, 'สิบเอ็ดบาทถ้วน'],
    [21, 'ยี่สิบเอ็ดบาทถ้วน'],
    [101, 'หนึ่งร้อยเอ็ดบาทถ้วน'],
    [2021, 'สองพันยี่สิบเอ็ดบาทถ้วน'],
    [180_000, 'หนึ่งแสนแปดหมื่นบาทถ้วน'],
    // Millions repeat the words below a million, and a one after the millions is "เอ็ด" too.
    [60_000_000, 'หกสิบล้านบาทถ้วน'],
    [1_000_001, 'หนึ่งล้านเอ็ดบาทถ้วน'],
    [21_000_000, 'ยี่สิบเอ็ดล้านบาทถ้วน'],
    // Satang in words, without "ถ้วน"; baht-less amounts are satang alone.
    [1250.5, 'หนึ่งพันสองร้อยห้าสิบบาทห้าสิบสตางค์'],
    [111_111.11, 'หนึ่งแสนหนึ่งหมื่นหนึ่งพันหนึ่งร้อยสิบเอ็ดบาทสิบเอ็ดสตางค์'],
    [0.25, 'ยี่สิบห้าสตางค์'],
  ])('%d → %s', (amount, words) => {
    expect(bahtText(amount)).toBe(words);
  });
});
