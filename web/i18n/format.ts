import type { Lang } from './strings.ts';

/** Thai civil years are Buddhist Era: BE = CE + 543. */
const BE_OFFSET = 543;

/** All times are shown in the city's own clock, whatever the viewer's machine says. */
const CITY_TIME_ZONE = 'Asia/Bangkok';

export function toBuddhistYear(ceYear: number): number {
  return ceYear + BE_OFFSET;
}

function toCommonEraYear(beYear: number): number {
  return beYear - BE_OFFSET;
}

/** Calendar parts of an instant as read on a Bangkok wall clock. */
function bangkokParts(date: Date): { year: number; month: number; day: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: CITY_TIME_ZONE,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

/**
 * Thai government fiscal year (BE) containing a date. The budget year starts on 1 October,
 * so October–December already belong to the next year's budget: 2017-10-01 is FY2561.
 */
export function fiscalYearOf(date: Date): number {
  const { year, month } = bangkokParts(date);
  return toBuddhistYear(month >= 10 ? year + 1 : year);
}

/** First and last day (ISO, CE) of a fiscal year given in BE: FY2561 → 2017-10-01 … 2018-09-30. */
export function fiscalYearRange(fyBE: number): { start: string; end: string } {
  const endCE = toCommonEraYear(fyBE);
  return { start: `${endCE - 1}-10-01`, end: `${endCE}-09-30` };
}

const THAI_MONTHS_SHORT = ['ม.ค.', 'ก.พ.', 'มี.ค.', 'เม.ย.', 'พ.ค.', 'มิ.ย.', 'ก.ค.', 'ส.ค.', 'ก.ย.', 'ต.ค.', 'พ.ย.', 'ธ.ค.'];
const ENGLISH_MONTHS_SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * "ปีงบประมาณ 2561 (ต.ค. 2560 – ก.ย. 2561)" / "FY 2561 (Oct 2017 – Sep 2018)".
 * The English form keeps the BE number because that is how the plan documents name the year;
 * the month range in CE tells a foreign reader which period it is.
 */
export function formatFiscalYear(fyBE: number, lang: Lang): string {
  const endCE = toCommonEraYear(fyBE);
  if (lang === 'th') {
    return `ปีงบประมาณ ${fyBE} (${THAI_MONTHS_SHORT[9]} ${fyBE - 1} – ${THAI_MONTHS_SHORT[8]} ${fyBE})`;
  }
  return `FY ${fyBE} (${ENGLISH_MONTHS_SHORT[9]} ${endCE - 1} – ${ENGLISH_MONTHS_SHORT[8]} ${endCE})`;
}

/** Short label for selectors and legends: "ปีงบ 2561" / "FY 2561". */
export function formatFiscalYearShort(fyBE: number, lang: Lang): string {
  return lang === 'th' ? `ปีงบ ${fyBE}` : `FY ${fyBE}`;
}

// Thai digits are legal but rare on screens; Arabic digits with Thai-style grouping read best for both.
const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimalFormats = new Map<number, Intl.NumberFormat>();

export function formatNumber(value: number | null | undefined, fractionDigits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (fractionDigits === 0) return integerFormat.format(value);
  let format = decimalFormats.get(fractionDigits);
  if (!format) {
    format = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: fractionDigits,
      maximumFractionDigits: fractionDigits,
    });
    decimalFormats.set(fractionDigits, format);
  }
  return format.format(value);
}

/** "1,234,567 บาท" in Thai, "฿1,234,567" in English; satang only when there are any. */
export function formatBaht(value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const digits = Number.isInteger(value) ? 0 : 2;
  const amount = formatNumber(value, digits);
  return lang === 'th' ? `${amount} บาท` : `฿${amount}`;
}

export function formatPercent(part: number | null | undefined, whole: number | null | undefined): string {
  if (!part || !whole) return '—';
  return `${formatNumber((part / whole) * 100, 1)}%`;
}

function parseInstant(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Thai readers expect BE years in dates too; the explicit calendar makes that independent of ICU defaults. */
function locale(lang: Lang): string {
  return lang === 'th' ? 'th-TH-u-ca-buddhist' : 'en-GB';
}

/** An instant on the Bangkok clock, to the minute or to the second, with `locale`'s calendar. */
function bangkokClock(date: Date, locale: string, seconds: boolean): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone: CITY_TIME_ZONE,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds ? { second: '2-digit' as const } : {}),
    hourCycle: 'h23',
  }).format(date);
}

/** Date and time on the Bangkok clock: "21 พ.ย. 2568 15:38 น." / "21 Nov 2025, 15:38". */
export function formatDateTime(iso: string | null | undefined, lang: Lang): string {
  const date = parseInstant(iso);
  if (!date) return '—';
  const text = bangkokClock(date, locale(lang), false);
  return lang === 'th' ? `${text} น.` : text;
}

/** Calendar date only: "30 ก.ย. 2561" / "30 Sep 2018". */
export function formatDate(iso: string | null | undefined, lang: Lang): string {
  // A bare ISO date is UTC midnight, which is 07:00 in Bangkok: still the same calendar day.
  const date = parseInstant(iso);
  if (!date) return '—';
  return new Intl.DateTimeFormat(locale(lang), {
    timeZone: CITY_TIME_ZONE,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(date);
}

/**
 * A calendar date with the Buddhist-era year in both languages, as tax documents date everything
 * (a due date read against the notice): "30 เม.ย. 2569" / "30 Apr 2569 BE".
 */
export function formatBuddhistDate(iso: string | null | undefined, lang: Lang): string {
  const date = parseInstant(iso);
  if (!date) return '—';
  return new Intl.DateTimeFormat(lang === 'th' ? 'th-TH-u-ca-buddhist' : 'en-GB-u-ca-buddhist', {
    timeZone: CITY_TIME_ZONE,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(date);
}

/** "5 นาทีที่แล้ว" / "5 minutes ago": live data is only useful if you can tell how stale it is. */
export function formatAgo(iso: string | null | undefined, lang: Lang, now: Date = new Date()): string {
  const date = parseInstant(iso);
  if (!date) return '';
  // Only past instants are asked about; one a little ahead is a reading newer than a `now`
  // that ticks every few seconds, or a device clock slightly fast: it is "now".
  const seconds = Math.min(0, Math.round((date.getTime() - now.getTime()) / 1000));
  const format = new Intl.RelativeTimeFormat(lang === 'th' ? 'th-TH' : 'en-GB', { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return format.format(seconds, 'second');
  if (abs < 3600) return format.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return format.format(Math.round(seconds / 3600), 'hour');
  return format.format(Math.round(seconds / 86400), 'day');
}

/**
 * Land in Thailand is talked about in rai–ngan–square wa (1 rai = 4 ngan = 400 wa² = 1,600 m²),
 * so a parcel's m² alone means little to a Thai reader.
 */
export function toRaiNganWa(areaM2: number): { rai: number; ngan: number; wa: number } {
  const totalWa = areaM2 / 4;
  const rai = Math.floor(totalWa / 400);
  const ngan = Math.floor((totalWa - rai * 400) / 100);
  const wa = Math.round((totalWa - rai * 400 - ngan * 100) * 10) / 10;
  return { rai, ngan, wa };
}

export function formatLandArea(areaM2: number | null | undefined, lang: Lang): string {
  if (areaM2 === null || areaM2 === undefined || !Number.isFinite(areaM2)) return '—';
  const { rai, ngan, wa } = toRaiNganWa(areaM2);
  const m2 = formatNumber(areaM2, 0);
  return lang === 'th'
    ? `${m2} ตร.ม. (${rai} ไร่ ${ngan} งาน ${formatNumber(wa, 1)} ตร.ว.)`
    : `${m2} m² (${rai} rai ${ngan} ngan ${formatNumber(wa, 1)} sq. wa)`;
}

export function formatKm2(value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined) return '—';
  return `${formatNumber(value, 2)} ${lang === 'th' ? 'ตร.กม.' : 'km²'}`;
}

export function formatMetres(value: number | null | undefined, lang: Lang, fractionDigits = 2): string {
  if (value === null || value === undefined) return '—';
  return `${formatNumber(value, fractionDigits)} ${lang === 'th' ? 'ม.' : 'm'}`;
}

const COMPASS_TH = ['เหนือ', 'ตะวันออกเฉียงเหนือ', 'ตะวันออก', 'ตะวันออกเฉียงใต้', 'ใต้', 'ตะวันตกเฉียงใต้', 'ตะวันตก', 'ตะวันตกเฉียงเหนือ'];
const COMPASS_EN = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'];

/** Degrees alone are hard to picture; add the compass point. */
export function formatHeading(deg: number | null | undefined, lang: Lang): string {
  if (deg === null || deg === undefined || !Number.isFinite(deg)) return '—';
  const normalized = ((deg % 360) + 360) % 360;
  const index = Math.round(normalized / 45) % 8;
  const point = (lang === 'th' ? COMPASS_TH : COMPASS_EN)[index];
  return lang === 'th' ? `${Math.round(normalized)}° (ทิศ${point})` : `${Math.round(normalized)}° (${point})`;
}

/**
 * An instant to the second, on the Bangkok clock with the Buddhist-era year in both languages
 * (an audit record is read against Thai documents): "21 พ.ย. 2568 15:38:07" /
 * "21 Nov 2568 BE, 15:38:07".
 */
export function formatTimestamp(iso: string | null | undefined, lang: Lang): string {
  const date = parseInstant(iso);
  if (!date) return '—';
  return bangkokClock(date, lang === 'th' ? 'th-TH-u-ca-buddhist' : 'en-GB-u-ca-buddhist', true);
}

/** A Thai national ID the way it is printed on the card: 1-2345-67890-12-3. */
export function formatNationalId(id: string | null | undefined): string {
  if (!id) return '—';
  const digits = id.replace(/\D/g, '');
  if (digits.length !== 13) return id;
  return `${digits[0]}-${digits.slice(1, 5)}-${digits.slice(5, 10)}-${digits.slice(10, 12)}-${digits[12]}`;
}

/** Thailand keeps one offset all year (no daylight saving), so Bangkok days and hours are fixed UTC spans. */
export const BANGKOK_OFFSET_MS = 7 * 3600_000;

/** Clock time on the Bangkok wall clock: "15:38" (both languages; Thai adds "น." where a sentence needs it). */
export function formatClock(iso: string | number, lang: Lang): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(locale(lang), { timeZone: CITY_TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);
}

/** Day and month on the Bangkok calendar: "21 พ.ย." / "21 Nov". */
export function formatDayMonth(iso: string | number, lang: Lang): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(locale(lang), { timeZone: CITY_TIME_ZONE, day: 'numeric', month: 'short' }).format(date);
}
