/**
 * The one place that decides who may read and change what. Routes ask it; the data layer turns
 * its answers into SQL (which rows: a zone filter; which attributes: a column list), so REST
 * lists, vector tiles and anything pushed live later show a person the same things.
 *
 * | role           | projects                        | parcels                  | sites (2)                              | audit | users, devices |
 * |----------------|---------------------------------|--------------------------|----------------------------------------|-------|----------------|
 * | public         | read                            | read, public attributes  | read                                   |       |                |
 * | executive      | read                            | read, public attributes  | read                                   |       |                |
 * | planner        | read, create, edit every field  | read, public attributes  | read, edit planned curve               |       |                |
 * | engineer       | read, edit stage and as-of date | read, public attributes  | read, record inspections, close defects|       |                |
 * | chief_engineer | read                            | read, public attributes  | read, review (3), edit curve, close    |       |                |
 * | director       | read                            | read, public attributes  | read, review (3)                       |       |                |
 * | disaster       | read                            | read, public attributes  | read                                   |       |                |
 * | tax            | read                            | read, owners and tax (1) | read                                   |       |                |
 * | auditor        | read                            | read, owners and tax (1) | read                                   | read  |                |
 * | admin          | read, create, edit every field  | read, owners and tax (1) | read, record, edit curve, close        | read  | manage         |
 *
 * (1) In lists and one parcel at a time; vector tiles carry the public attributes to everyone,
 *     and to tax roles the parcel's tax status too (never an owner, a value or an amount).
 * (2) Construction sites and their inspections; photo originals (with EXIF) only to engineer,
 *     chief_engineer, director, auditor and admin. (3) At the review step that names their role
 *     (inspection_review_steps): the chief engineer first, the director for large contracts.
 *
 * A user scoped to zones sees and changes projects and parcels in those zones only.
 * Land and building tax (issue 14): a parcel's bills, payments, status and arrears, and a search
 * by owner, are for tax roles (tax, auditor, admin) in their zones; tax and admin record payments
 * and warnings and import the register. Everyone may use the tax calculator (no personal data)
 * and read the collection figures by zone and community, never a parcel's status.
 * Waste trucks and flood sensors are public; only their own devices write their data.
 * Waste rounds, pickup points and their status (served, late, missed) are for signed-in staff,
 * zone-scoped users in their zones; the city's collection figures by zone are public.
 * Waste operations (a truck's day replayed with its trips and stops): signed-in staff, in their
 * zones (a truck's zone); out of scope answers as not found.
 *
 * Flood alerts: anyone sees the active orange and red ones, without names or notes (the public
 * warning). Signed-in staff see every alert in their zones with its timeline; disaster staff
 * and admins act on them (acknowledge, assign, resolve, close) and see the contacts and the
 * notifications sent to them. Contacts and escalation chains follow the zones too (see
 * canManageFloodChain).
 */

export const ROLES = ['admin', 'executive', 'planner', 'engineer', 'chief_engineer', 'director', 'disaster', 'tax', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  /** null: every zone. */
  zones: number[] | null;
}

/** Whoever makes a request: a signed-in user, or the public. */
export type Viewer = { kind: 'public' } | ({ kind: 'user' } & User);

export const PUBLIC: Viewer = { kind: 'public' };

const roleOf = (viewer: Viewer): Role | 'public' => (viewer.kind === 'user' ? viewer.role : 'public');
const isOneOf = (viewer: Viewer, roles: readonly Role[]) => viewer.kind === 'user' && roles.includes(viewer.role);

/** The zones whose projects and parcels the viewer may see; null means all of them. */
export function zoneScope(viewer: Viewer): number[] | null {
  return viewer.kind === 'user' ? viewer.zones : null;
}

/** What of the parcels a viewer sees: their attributes (parcelAttributes) in their zones (zoneScope). */
export function parcelView(viewer: Viewer) {
  return { attributes: parcelAttributes(viewer), zones: zoneScope(viewer) };
}

export function inScope(viewer: Viewer, zoneId: number | null): boolean {
  const zones = zoneScope(viewer);
  return zones === null || (zoneId !== null && zones.includes(zoneId));
}

/** The tax-map code (zone-block-lot) is printed on the public tax map: public like the parcel number. */
const PUBLIC_PARCEL_ATTRIBUTES = ['id', 'parcel_no', 'map_code', 'land_use', 'area_m2', 'zone_id', 'community_id'] as const;
/** Owner names, national IDs, values and tax due are personal data under the PDPA. */
export const PERSONAL_PARCEL_ATTRIBUTES = ['owner_name', 'national_id', 'assessed_value', 'tax_due'] as const;
type PersonalParcelAttribute = (typeof PERSONAL_PARCEL_ATTRIBUTES)[number];
/**
 * Whether a parcel's tax is paid: the tax roles' map colours parcels by it, so their tiles carry
 * it; the public and executives see collection figures by zone and community only.
 */
const TAX_PARCEL_ATTRIBUTES = ['tax_status'] as const;
export type ParcelAttribute = (typeof PUBLIC_PARCEL_ATTRIBUTES)[number] | (typeof TAX_PARCEL_ATTRIBUTES)[number] | PersonalParcelAttribute;
/** What a vector tile may carry: never personal data, which a browser or proxy could keep in bulk. */
export type ParcelTileAttribute = Exclude<ParcelAttribute, PersonalParcelAttribute>;

const isPersonal = (attribute: ParcelAttribute): attribute is PersonalParcelAttribute => (PERSONAL_PARCEL_ATTRIBUTES as readonly string[]).includes(attribute);

/** The parcel attributes the viewer may see, one parcel at a time or in lists. */
function parcelAttributes(viewer: Viewer): readonly ParcelAttribute[] {
  return canReadSomeTax(viewer) ? [...PUBLIC_PARCEL_ATTRIBUTES, ...TAX_PARCEL_ATTRIBUTES, ...PERSONAL_PARCEL_ATTRIBUTES] : PUBLIC_PARCEL_ATTRIBUTES;
}

/** The tax roles: a parcel's tax (bills, payments, status, arrears) and its owners, in their zones. */
export const canReadSomeTax = (viewer: Viewer) => isOneOf(viewer, ['tax', 'auditor', 'admin']);
export const canReadTax = (viewer: Viewer, zoneId: number | null) => canReadSomeTax(viewer) && inScope(viewer, zoneId);
/** Record payments and warning notices, assess a year, import the register: the Revenue Division's staff and admins. */
export const canWriteSomeTax = (viewer: Viewer) => isOneOf(viewer, ['tax', 'admin']);
export const canWriteTax = (viewer: Viewer, zoneId: number | null) => canWriteSomeTax(viewer) && inScope(viewer, zoneId);
/** The calculator works on a description, no one's data: everyone may estimate a tax. */
export const canEstimateTax = (_viewer: Viewer) => true;
/** Collection figures by zone and community: everyone (never a parcel's status). */
export const canSeeTaxCollection = (_viewer: Viewer) => true;

/**
 * The parcel attributes the viewer's vector tiles carry: what the map draws and picks by, of
 * what they may see. Personal data comes one parcel at a time (GET /api/parcels/:id), recorded
 * in the audit trail, never in a tile.
 */
export function parcelTileAttributes(viewer: Viewer): readonly ParcelTileAttribute[] {
  return parcelAttributes(viewer).filter((attribute): attribute is ParcelTileAttribute => !isPersonal(attribute));
}

/** Whether the viewer sees personal data of parcels: reading one is then recorded in the audit trail. */
export const seesPersonalParcelData = (viewer: Viewer) => parcelAttributes(viewer).some(isPersonal);

const PROJECT_FIELDS = [
  'name_th',
  'name_en',
  'strategy_id',
  'division_id',
  'fiscal_year',
  'stage',
  'budget',
  'approved_amount',
  'contract_amount',
  'disbursed_amount',
  'as_of',
  'geometry',
] as const;
export type ProjectField = (typeof PROJECT_FIELDS)[number];

/** The project fields the viewer may change (within their zones); empty: none. */
export function projectWritableFields(viewer: Viewer): readonly ProjectField[] {
  if (isOneOf(viewer, ['planner', 'admin'])) return PROJECT_FIELDS;
  if (isOneOf(viewer, ['engineer'])) return ['stage', 'as_of'];
  return [];
}

export type AlertView = 'full' | 'public';

/**
 * How much of an alert the viewer sees, or null for none: staff see their zones' alerts in
 * full; everyone sees active orange and red level or rate-of-rise alerts as the public does.
 */
export function alertView(viewer: Viewer, alert: { zone_id: number; severity: string; status: string; type: string }): AlertView | null {
  const zones = alertZones(viewer);
  if (zones === null || zones.includes(alert.zone_id)) return 'full';
  const listed = (value: string, list: readonly string[]) => list.includes(value);
  return listed(alert.severity, PUBLIC_ALERTS.severities) && listed(alert.status, PUBLIC_ALERTS.statuses) && listed(alert.type, PUBLIC_ALERTS.types)
    ? 'public'
    : null;
}

/** The alerts everyone sees, as the public warning: active orange and red level or rate-of-rise alerts. */
export const PUBLIC_ALERTS = {
  severities: ['warning', 'critical'],
  statuses: ['open', 'acknowledged'],
  types: ['level', 'rise'],
} as const;

/**
 * The zones whose alerts the viewer sees in full (null: every zone; the public: none). With
 * PUBLIC_ALERTS it is all alertView decides, so lists filter by it in SQL, before their limit.
 */
export const alertZones = (viewer: Viewer): number[] | null => (viewer.kind === 'user' ? zoneScope(viewer) : []);

/** Acknowledge, assign, resolve and close flood alerts (in the viewer's zones: canHandleAlerts). */
export const canHandleSomeAlerts = (viewer: Viewer) => isOneOf(viewer, ['disaster', 'admin']);
export const canHandleAlerts = (viewer: Viewer, zoneId: number) => canHandleSomeAlerts(viewer) && inScope(viewer, zoneId);
/** Where the city's waste trucks are is public ("where is my truck"): the live stream asks here. */
export const canSeeTrucks = (_viewer: Viewer) => true;
export const canSeeFloodContacts = (viewer: Viewer) => isOneOf(viewer, ['disaster', 'admin']);

/**
 * A zone's escalation chain (null: the city's, which every zone without its own uses) is read
 * and changed by disaster staff and admins of that zone; the city's chain reaches every zone,
 * so it needs someone scoped to none.
 */
export const canManageFloodChain = (viewer: Viewer, zoneId: number | null) =>
  canSeeFloodContacts(viewer) && (zoneId === null ? zoneScope(viewer) === null : inScope(viewer, zoneId));

/**
 * A contact may be read and changed by whoever may manage every chain that uses it (a contact
 * in no chain yet: any disaster staff), so editing a contact never changes who another zone tells.
 */
export const canManageFloodContact = (viewer: Viewer, chainZones: readonly (number | null)[]) =>
  canSeeFloodContacts(viewer) && chainZones.every((zoneId) => canManageFloodChain(viewer, zoneId));

/**
 * Photos of a site inspection are added by the inspection's author, or an admin, within the
 * site's zone (whether the inspection still takes photos is the inspection's state, not a right).
 */
export const canUploadPhoto = (viewer: Viewer, inspection: { zone_id: number | null; author_id: number }) =>
  viewer.kind === 'user' && (viewer.role === 'admin' || viewer.id === inspection.author_id) && inScope(viewer, inspection.zone_id);

export const canCreateProjects = (viewer: Viewer) => isOneOf(viewer, ['planner', 'admin']);
export const canReadAudit = (viewer: Viewer) => isOneOf(viewer, ['auditor', 'admin']);
export const canManageAccess = (viewer: Viewer) => isOneOf(viewer, ['admin']);

/** Record inspections of construction sites (in the site's zone: canRecordInspection); only their author changes one. */
export const canRecordSomeInspections = (viewer: Viewer) => isOneOf(viewer, ['engineer', 'admin']);
export const canRecordInspection = (viewer: Viewer, zoneId: number | null) => canRecordSomeInspections(viewer) && inScope(viewer, zoneId);

/** The roles that review inspections at some step (inspection_review_steps names which, step by step). */
export const REVIEWER_ROLES: readonly Role[] = ['chief_engineer', 'director'];
/** Decide at a review step: the viewer holds the step's role, in the site's zone. */
export const canReviewStep = (viewer: Viewer, stepRole: string, zoneId: number | null) =>
  viewer.kind === 'user' && viewer.role === stepRole && REVIEWER_ROLES.includes(viewer.role) && inScope(viewer, zoneId);

/** Change a site's planned progress curve. */
export const canEditSomeSitePlans = (viewer: Viewer) => isOneOf(viewer, ['planner', 'chief_engineer', 'admin']);
export const canEditSitePlan = (viewer: Viewer, zoneId: number | null) => canEditSomeSitePlans(viewer) && inScope(viewer, zoneId);

/** Close a defect found at an inspection, once it is fixed. */
export const canCloseSomeDefects = (viewer: Viewer) => isOneOf(viewer, ['engineer', 'chief_engineer', 'admin']);
export const canCloseDefect = (viewer: Viewer, zoneId: number | null) => canCloseSomeDefects(viewer) && inScope(viewer, zoneId);

/** A photo's original bytes carry EXIF (where and when, the device): evidence for these roles only. */
const canReadSomePhotoOriginals = (viewer: Viewer) => isOneOf(viewer, ['engineer', 'chief_engineer', 'director', 'auditor', 'admin']);
export const canReadPhotoOriginal = (viewer: Viewer, zoneId: number | null) => canReadSomePhotoOriginals(viewer) && inScope(viewer, zoneId);

/** Waste collection as it is run (trucks' tracks, trips and stops): any signed-in staff. */
export const canReadWasteOperations = (viewer: Viewer) => viewer.kind === 'user';
/** A truck's replayed day, in the truck's zone. */
export const canReadTruckTrack = (viewer: Viewer, zoneId: number) => canReadWasteOperations(viewer) && inScope(viewer, zoneId);

/** What the web app may offer this viewer: it hides what the server would refuse anyway. */
export function permissions(viewer: Viewer) {
  return {
    role: roleOf(viewer),
    zones: zoneScope(viewer),
    projects: { create: canCreateProjects(viewer), edit: projectWritableFields(viewer) },
    parcels: { attributes: parcelAttributes(viewer) },
    tax: { read: canReadSomeTax(viewer), write: canWriteSomeTax(viewer) },
    audit: { read: canReadAudit(viewer) },
    alerts: { handle: canHandleSomeAlerts(viewer), full: viewer.kind === 'user' },
    access: { manage: canManageAccess(viewer) },
    sites: {
      record: canRecordSomeInspections(viewer),
      review: isOneOf(viewer, REVIEWER_ROLES),
      edit_plan: canEditSomeSitePlans(viewer),
      close_defects: canCloseSomeDefects(viewer),
      photo_originals: canReadSomePhotoOriginals(viewer),
    },
  };
}

/** Waste collection rounds, their pickup points and plans: any signed-in staff (the queries keep to their zones). */
export const canSeeWasteRounds = (viewer: Viewer) => viewer.kind === 'user';
/** The city's collection figures: by zone to everyone (the public's and executives' view); by round to staff. */
export const canSeeWasteSummary = (viewer: Viewer, by: 'zone' | 'round') => by === 'zone' || canSeeWasteRounds(viewer);
