import type { Position } from 'geojson';
import { BANGKOK_OFFSET, bangkokWallClock } from '../clock.ts';
import type { Affected } from './queries/area.ts';
import type { Alert } from './queries/alerts.ts';

/**
 * The public warning in the Common Alerting Protocol 1.2 (OASIS), which radio, TV, phone
 * broadcast and aggregators read: one <alert> per active orange or red alert, listed in an
 * Atom feed. Nothing personal goes in: no names, notes or contacts.
 */

const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';

export interface CapSettings {
  /** CAP's sender: an identifier of the issuing authority. */
  sender: string;
  publicUrl: string;
}

/** A published version of an alert: each change of severity is a new CAP message that references the last. */
interface CapRevision {
  revision: number;
  sent: string;
  previousSent: string | null;
}

export interface CapAlert {
  alert: Alert;
  affected: Affected | null;
  revision: CapRevision;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

const element = (name: string, content: string | number) => `<${name}>${escapeXml(String(content))}</${name}>`;

/** CAP wants local time with an offset (no "Z"): Bangkok's +07:00. */
export function capTime(iso: string): string {
  return `${bangkokWallClock(new Date(iso)).toISOString().slice(0, 19)}${BANGKOK_OFFSET}`;
}

const capIdentifier = (sender: string, alertId: number, revision: number) => `${sender}.flood.${alertId}.${revision}`;

const SEVERITY = { critical: 'Severe', warning: 'Moderate', watch: 'Minor' } as const;
const URGENCY = { critical: 'Immediate', warning: 'Expected', watch: 'Future' } as const;
const RESPONSE = { critical: 'Evacuate', warning: 'Prepare', watch: 'Monitor' } as const;
const COLOUR = { critical: 'red', warning: 'orange', watch: 'yellow' } as const;

const TEXT = {
  th: {
    event: { level: 'ระดับน้ำสูง น้ำท่วมขัง', rise: 'ระดับน้ำขึ้นเร็ว', offline: 'เซนเซอร์ขาดการติดต่อ' },
    colour: { critical: 'ระดับแดง (วิกฤต)', warning: 'ระดับส้ม (เตือนภัย)', watch: 'ระดับเหลือง (เฝ้าระวัง)' },
    instruction: {
      critical: 'หลีกเลี่ยงเส้นทางบริเวณนี้ ย้ายรถและสิ่งของขึ้นที่สูง ปฏิบัติตามคำแนะนำของเจ้าหน้าที่ โทร 199 หรือ 1784 เมื่อต้องการความช่วยเหลือ',
      warning: 'เตรียมพร้อมรับน้ำท่วมขัง ยกสิ่งของขึ้นที่สูง ติดตามประกาศของเทศบาล',
      watch: 'ติดตามสถานการณ์',
    },
    municipality: 'เทศบาลนครขอนแก่น',
    households: 'ครัวเรือน',
    communities: 'ชุมชน',
    level: 'ระดับน้ำ',
    metres: 'ม.',
  },
  en: {
    event: { level: 'High water, street flooding', rise: 'Water rising fast', offline: 'Sensor offline' },
    colour: { critical: 'red (critical)', warning: 'orange (warning)', watch: 'yellow (watch)' },
    instruction: {
      critical: "Avoid the area, move vehicles and belongings to higher ground, follow officials' instructions. Call 199 or 1784 for help.",
      warning: 'Prepare for street flooding, move belongings up, follow municipal announcements.',
      watch: 'Monitor the situation.',
    },
    municipality: 'Khon Kaen City Municipality',
    households: 'households',
    communities: 'communities',
    level: 'water level',
    metres: 'm',
  },
} as const;

/**
 * CAP polygons are "lat,lon" pairs, first and last the same: the outer ring of the area's
 * largest part by area, as PostGIS measured it (affectedBy).
 */
function capPolygon(ring: Position[]): string | null {
  if (ring.length < 4) return null;
  return ring.map(([lon, lat]) => `${(lat as number).toFixed(5)},${(lon as number).toFixed(5)}`).join(' ');
}

function info(lang: 'th' | 'en', { alert, affected }: CapAlert, settings: CapSettings, expires: string): string {
  const t = TEXT[lang];
  const name = lang === 'th' ? alert.sensor_name_th : alert.sensor_name_en;
  const level = alert.level_m === null ? '' : ` ${t.level} ${alert.level_m.toFixed(2)} ${t.metres}`;
  const reach = affected ? ` ${affected.totals.communities} ${t.communities}, ~${affected.totals.households} ${t.households}.` : '';
  const polygon = affected ? capPolygon(affected.largest_ring) : null;
  return [
    '<info>',
    element('language', lang === 'th' ? 'th-TH' : 'en-US'),
    element('category', 'Met'),
    element('event', t.event[alert.type]),
    element('responseType', RESPONSE[alert.severity]),
    element('urgency', URGENCY[alert.severity]),
    element('severity', SEVERITY[alert.severity]),
    element('certainty', 'Observed'),
    `<eventCode>${element('valueName', 'colour')}${element('value', COLOUR[alert.severity])}</eventCode>`,
    element('effective', capTime(alert.opened_at)),
    element('expires', expires),
    element('senderName', t.municipality),
    element('headline', `${t.event[alert.type]}: ${name} — ${t.colour[alert.severity]}`),
    element('description', `${name}.${level}.${reach}`),
    element('instruction', t.instruction[alert.severity]),
    element('web', `${settings.publicUrl.replace(/\/$/, '')}/flood/public?alert=${alert.id}`),
    `<parameter>${element('valueName', 'sensor')}${element('value', alert.sensor_code)}</parameter>`,
    ...(alert.level_m === null ? [] : [`<parameter>${element('valueName', 'waterLevel_m')}${element('value', alert.level_m.toFixed(2))}</parameter>`]),
    '<area>',
    element('areaDesc', `${name}, ${lang === 'th' ? 'เขต' : 'zone'} ${alert.zone_id}, ${t.municipality}`),
    ...(polygon ? [element('polygon', polygon)] : []),
    '</area>',
    '</info>',
  ].join('');
}

/** How long a published warning stands if the desk says nothing more: readers drop stale ones. */
const EXPIRES_AFTER_MS = 6 * 3600_000;

export function capAlertXml(cap: CapAlert, settings: CapSettings): string {
  const { alert, revision } = cap;
  const expires = capTime(new Date(new Date(revision.sent).getTime() + EXPIRES_AFTER_MS).toISOString());
  const references = revision.previousSent
    ? element('references', `${settings.sender},${capIdentifier(settings.sender, alert.id, revision.revision - 1)},${capTime(revision.previousSent)}`)
    : '';
  return [
    `<alert xmlns="${CAP_NAMESPACE}">`,
    element('identifier', capIdentifier(settings.sender, alert.id, revision.revision)),
    element('sender', settings.sender),
    element('sent', capTime(revision.sent)),
    element('status', 'Actual'),
    element('msgType', revision.previousSent ? 'Update' : 'Alert'),
    element('scope', 'Public'),
    references,
    info('th', cap, settings, expires),
    info('en', cap, settings, expires),
    '</alert>',
  ].join('');
}

/** An Atom feed of the active warnings, each entry carrying its CAP message. */
export function capFeedXml(alerts: CapAlert[], settings: CapSettings, now: Date): string {
  const base = settings.publicUrl.replace(/\/$/, '');
  const entries = alerts.map((cap) =>
    [
      '<entry>',
      element('id', `${base}/api/flood/cap/${cap.alert.id}`),
      element('title', `${TEXT.th.event[cap.alert.type]}: ${cap.alert.sensor_name_th} — ${TEXT.th.colour[cap.alert.severity]}`),
      element('updated', new Date(cap.revision.sent).toISOString()),
      `<link rel="alternate" type="application/cap+xml" href="${escapeXml(`${base}/api/flood/cap/${cap.alert.id}`)}"/>`,
      `<content type="application/cap+xml">${capAlertXml(cap, settings)}</content>`,
      '</entry>',
    ].join(''),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    element('id', `${base}/api/flood/cap`),
    element('title', 'เทศบาลนครขอนแก่น: ประกาศเตือนภัยน้ำท่วม / Khon Kaen City flood warnings'),
    element('updated', now.toISOString()),
    `<link rel="self" href="${escapeXml(`${base}/api/flood/cap`)}"/>`,
    `<author>${element('name', TEXT.th.municipality)}</author>`,
    ...entries,
    '</feed>',
  ].join('\n');
}
