const DIGITS = ['', 'หนึ่ง', 'สอง', 'สาม', 'สี่', 'ห้า', 'หก', 'เจ็ด', 'แปด', 'เก้า'];
const PLACES = ['', 'สิบ', 'ร้อย', 'พัน', 'หมื่น', 'แสน'];

/** Below a million, in words; `more`: there are higher digits, so a final one is "เอ็ด". */
function belowMillion(n: number, more: boolean): string {
  const digits = String(n).split('').reverse().map(Number);
  let text = '';
  digits.forEach((d, place) => {
    if (d === 0) return;
    let word: string;
    if (place === 1 && d === 1) word = 'สิบ';
    else if (place === 1 && d === 2) word = 'ยี่สิบ';
    else if (place === 0 && d === 1 && (more || n > 9)) word = 'เอ็ด';
    else word = DIGITS[d]! + PLACES[place]!;
    text = word + text;
  });
  return text;
}

function integerText(n: number, more = false): string {
  if (n >= 1_000_000) return `${integerText(Math.floor(n / 1_000_000), more)}ล้าน${belowMillion(n % 1_000_000, true)}`;
  return belowMillion(n, more);
}

/**
 * An amount in words, as Thai official documents write it beside the figures (บาทตัวอักษร):
 * 1,250.50 → "หนึ่งพันสองร้อยห้าสิบบาทห้าสิบสตางค์", 21 → "ยี่สิบเอ็ดบาทถ้วน".
 */
export function bahtText(amount: number): string {
  const satangTotal = Math.round(amount * 100);
  const baht = Math.floor(satangTotal / 100);
  const satang = satangTotal % 100;
  const bahtWords = baht === 0 ? (satang === 0 ? 'ศูนย์บาท' : '') : `${integerText(baht)}บาท`;
  return satang === 0 ? `${bahtWords}ถ้วน` : `${bahtWords}${belowMillion(satang, false)}สตางค์`;
}
