import { PERSONAL_PARCEL_ATTRIBUTES, type Permissions, type ProjectField, type Role } from '../api/client.ts';
import type { Lang, MessageKey } from '../i18n/strings.ts';

/** What the public may do, until the server has said who this is (and if it cannot be reached). */
export const PUBLIC_PERMISSIONS: Permissions = {
  role: 'public',
  zones: null,
  projects: { create: false, edit: [] },
  parcels: { attributes: ['id', 'parcel_no', 'map_code', 'land_use', 'area_m2', 'zone_id', 'community_id'] },
  tax: { read: false, write: false },
  audit: { read: false },
  alerts: { handle: false, full: false },
  access: { manage: false },
  sites: { record: false, review: false, edit_plan: false, close_defects: false, photo_originals: false },
};

export const roleLabel = (role: Role): MessageKey => `role.${role}`;

/** "เขต 1" / "Zone 1", "เขต 1, 3" / "Zones 1, 3"; null (every zone) says nothing. */
export function zoneScopeLabel(zones: readonly number[] | null, lang: Lang): string | null {
  if (zones === null) return null;
  const list = zones.join(', ');
  if (lang === 'th') return `เขต ${list}`;
  return `${zones.length === 1 ? 'Zone' : 'Zones'} ${list}`;
}

/**
 * Whether the city map and the plan evaluation show construction sites: the site workspace is
 * staff work (its tab shows once someone is signed in), so the public's pages never ask for them.
 */
export const showsSites = (permissions: Permissions): boolean => permissions.role !== 'public';

/** Whether the viewer sees parcels' owners and tax: then the details panel fetches them for a parcel. */
export function seesParcelPersonalData(permissions: Permissions): boolean {
  return PERSONAL_PARCEL_ATTRIBUTES.some((attribute) => (permissions.parcels.attributes as readonly string[]).includes(attribute));
}

/**
 * Whether to offer editing a project at all. The server decides again on every request; the
 * page only avoids offering what it would refuse.
 */
export function canEditProject(permissions: Permissions, zoneId: number | null): boolean {
  if (permissions.projects.edit.length === 0) return false;
  const zones = permissions.zones;
  return zones === null || (zoneId !== null && zones.includes(zoneId));
}

/** The fields the project form knows how to edit, in form order. */
const FORM_FIELDS = [
  'name_th',
  'name_en',
  'stage',
  'budget',
  'approved_amount',
  'contract_amount',
  'disbursed_amount',
  'as_of',
] as const satisfies readonly ProjectField[];
export type FormField = (typeof FORM_FIELDS)[number];

/** The form's fields this viewer may change; nothing else is offered. */
export function editableFormFields(permissions: Permissions): FormField[] {
  const allowed = new Set<string>(permissions.projects.edit);
  return FORM_FIELDS.filter((field) => allowed.has(field));
}
