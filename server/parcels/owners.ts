import { pick, seededRandom } from '../seed/random.ts';

const GIVEN = [
  'สมชาย',
  'สมศรี',
  'วิชัย',
  'สุดา',
  'ประเสริฐ',
  'มาลี',
  'บุญมี',
  'จันทร์เพ็ญ',
  'สมพงษ์',
  'อรุณี',
  'ทองใบ',
  'คำปุน',
  'บัวผัน',
  'สุริยา',
  'พรทิพย์',
  'ธนากร',
  'กนกวรรณ',
  'ณัฐพล',
  'ศิริพร',
  'อนุชา',
  'วันเพ็ญ',
  'สุวิทย์',
  'นงลักษณ์',
  'เกียรติศักดิ์',
  'ปราณี',
  'ชัยวัฒน์',
  'รัตนา',
  'สมบัติ',
  'อำพร',
  'ไพรวัลย์',
];
const FAMILY = [
  'ศรีสุข',
  'แก่นจันทร์',
  'พลราชม',
  'ภูมิพันธ์',
  'ชัยมงคล',
  'บุญเรือง',
  'ทองดี',
  'สุขประเสริฐ',
  'อินทร์แก้ว',
  'วงศ์ใหญ่',
  'ศรีวงษ์',
  'คำภูมี',
  'จันทร์หอม',
  'ประทุมวงศ์',
  'แสนสุข',
  'พิมพ์ทอง',
  'หาญชนะ',
  'โคตรพัฒน์',
  'บุตรดี',
  'มูลสาร',
  'ศรีบุญเรือง',
  'ไชยสิทธิ์',
  'ดวงแก้ว',
  'สิงห์คำ',
  'นามวงศ์',
];

/** A 13-digit Thai national ID whose last digit is the official check digit. */
export function nationalId(first12: string): string {
  if (!/^\d{12}$/.test(first12)) throw new Error('expected 12 digits');
  const sum = [...first12].reduce((total, digit, i) => total + Number(digit) * (13 - i), 0);
  return first12 + String((11 - (sum % 11)) % 10);
}

export function isValidNationalId(id: string): boolean {
  return /^\d{13}$/.test(id) && nationalId(id.slice(0, 12)) === id;
}

/** Fictitious owners: names from common Isan given and family names, valid-looking IDs. */
export function fictitiousOwners(count: number): { id: number; name_th: string; national_id: string }[] {
  const random = seededRandom(40000);
  const seen = new Set<string>();
  const owners = [];
  while (owners.length < count) {
    const digits = String(1 + Math.floor(random() * 8)) + String(Math.floor(random() * 1e11)).padStart(11, '0');
    const id = nationalId(digits);
    if (seen.has(id)) continue;
    seen.add(id);
    owners.push({ id: owners.length + 1, name_th: `${pick(random, GIVEN)} ${pick(random, FAMILY)}`, national_id: id });
  }
  return owners;
}
