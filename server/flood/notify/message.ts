import type { Alert } from '../queries/alerts.ts';

const COLOUR = { watch: '🟡 เหลือง (เฝ้าระวัง)', warning: '🟠 ส้ม (เตือนภัย)', critical: '🔴 แดง (วิกฤต)' } as const;
const WHAT = { level: 'ระดับน้ำ', rise: 'น้ำขึ้นเร็ว', offline: 'เซนเซอร์ขาดการติดต่อ' } as const;
const WHY = {
  opened: 'เหตุใหม่',
  raised: 'ระดับสูงขึ้น',
  reopened: 'เกิดซ้ำ',
  escalated: 'ยังไม่มีผู้รับทราบ ส่งต่อถึงท่าน',
} as const;

// th-TH formats in the Buddhist Era by default: 21 พ.ย. 2569 18:05.
const bangkok = new Intl.DateTimeFormat('th-TH', { timeZone: 'Asia/Bangkok', dateStyle: 'medium', timeStyle: 'short' });

export type NotificationReason = keyof typeof WHY;

/** The link a contact opens to see and acknowledge the alert on the desk. */
export const alertLink = (publicUrl: string, alertId: number) => `${publicUrl.replace(/\/$/, '')}/flood?alert=${alertId}`;

/** The Thai text every channel sends: what, where, how high, when, and why you are told. */
export function alertText(alert: Alert, reason: NotificationReason, publicUrl: string): string {
  const level = alert.level_m === null ? '' : ` ${alert.level_m.toFixed(2)} ม.`;
  const when = alert.reading_at ?? alert.opened_at;
  return [
    `${COLOUR[alert.severity]} — ${WHAT[alert.type]}${level}`,
    `${alert.sensor_name_th} (${alert.sensor_code}) เขต ${alert.zone_id}`,
    `เวลา ${bangkok.format(new Date(when))} น. · ${WHY[reason]}`,
    `รับทราบ/ดูแผนที่: ${alertLink(publicUrl, alert.id)}`,
  ].join('\n');
}
