export type Lang = 'th' | 'en';

export const LANGS: readonly Lang[] = ['th', 'en'];

/** Thai is the source language: every key exists here first, English must follow. */
const th = {
  'app.subtitle': 'แผนที่ข้อมูลเมือง',
  'app.loading': 'กำลังโหลดแผนที่…',
  'app.error': 'โหลดข้อมูลไม่สำเร็จ',
  'lang.toggle': 'EN',
  'lang.toggleTitle': 'Switch to English',

  'layers.title': 'ชั้นข้อมูล',
  'layers.zones': 'เขตเทศบาล',
  'layers.communities': 'ชุมชน',
  'layers.parcels': 'แปลงที่ดิน',
  'layers.projects': 'โครงการตามแผน',
  'layers.trucks': 'รถเก็บขยะ',
  'layers.sensors': 'เซนเซอร์น้ำท่วม',
  'layers.parcelsZoomHint': 'ซูมเข้าเพื่อดูแปลงที่ดิน',
  'layers.loading': 'กำลังโหลด',

  'filter.fiscalYear': 'ปีงบประมาณ',
  'filter.strategy': 'ยุทธศาสตร์',
  'filter.all': 'ทั้งหมด',

  'stage.plan': 'อยู่ในแผน',
  'stage.approved': 'อนุมัติงบแล้ว',
  'stage.contracted': 'ทำสัญญาแล้ว',
  'stage.disbursed': 'เบิกจ่ายแล้ว',

  'level.normal': 'ปกติ',
  'level.watch': 'เฝ้าระวัง',
  'level.warning': 'เตือนภัย',
  'level.critical': 'วิกฤต',
  'level.offline': 'ขาดการติดต่อ',

  'truck.collecting': 'กำลังเก็บขยะ',
  'truck.driving': 'กำลังวิ่ง',
  'truck.idle': 'จอดพัก',
  'truck.depot': 'อยู่ที่อู่',

  'sensorKind.siren': 'หอเตือนภัย',
  'sensorKind.sump': 'บ่อสูบน้ำ',

  'landUse.residential': 'ที่อยู่อาศัย',
  'landUse.commercial': 'พาณิชยกรรม',
  'landUse.mixed': 'ผสม',
  'landUse.public': 'สาธารณะ',
  'landUse.agricultural': 'เกษตรกรรม',
  'landUse.vacant': 'ที่ว่าง',

  'details.title': 'รายละเอียด',
  'details.close': 'ปิด',
  'details.empty': 'คลิกที่แผนที่เพื่อดูรายละเอียด',
  'details.kind.zone': 'เขต',
  'details.kind.community': 'ชุมชน',
  'details.kind.parcel': 'แปลงที่ดิน',
  'details.kind.project': 'โครงการ',
  'details.kind.truck': 'รถเก็บขยะ',
  'details.kind.sensor': 'เซนเซอร์น้ำท่วม',

  'field.area': 'พื้นที่',
  'field.households': 'ครัวเรือน',
  'field.population': 'ประชากร',
  'field.communities': 'จำนวนชุมชน',
  'field.zone': 'เขต',
  'field.community': 'ชุมชน',
  'field.code': 'รหัส',
  'field.fiscalYear': 'ปีงบประมาณ',
  'field.mission': 'พันธกิจ',
  'field.strategy': 'ยุทธศาสตร์',
  'field.division': 'หน่วยงาน',
  'field.stage': 'สถานะ',
  'field.budget': 'งบประมาณตามแผน',
  'field.approved': 'งบที่อนุมัติ',
  'field.contract': 'วงเงินสัญญา',
  'field.disbursed': 'เบิกจ่ายแล้ว',
  'field.disbursedShare': 'สัดส่วนเบิกจ่าย',
  'field.asOf': 'ข้อมูล ณ วันที่',
  'field.plate': 'ทะเบียน',
  'field.status': 'สถานะ',
  'field.speed': 'ความเร็ว',
  'field.heading': 'ทิศทาง',
  'field.recordedAt': 'เวลาบันทึก',
  'field.kind': 'ประเภท',
  'field.levelState': 'ระดับเตือนภัย',
  'field.waterLevel': 'ระดับน้ำ',
  'field.thresholds': 'เกณฑ์ เฝ้าระวัง / เตือน / วิกฤต',
  'field.rain': 'ปริมาณฝน',
  'field.parcelNo': 'เลขที่แปลง',
  'field.landUse': 'การใช้ที่ดิน',

  'unit.kmh': 'กม./ชม.',
  'unit.mm': 'มม.',
} as const;

export type MessageKey = keyof typeof th;

const en: Record<MessageKey, string> = {
  'app.subtitle': 'City data map, Khon Kaen',
  'app.loading': 'Loading the map…',
  'app.error': 'Could not load data',
  'lang.toggle': 'ไทย',
  'lang.toggleTitle': 'เปลี่ยนเป็นภาษาไทย',

  'layers.title': 'Layers',
  'layers.zones': 'Zones',
  'layers.communities': 'Communities',
  'layers.parcels': 'Land parcels',
  'layers.projects': 'Plan projects',
  'layers.trucks': 'Waste trucks',
  'layers.sensors': 'Flood sensors',
  'layers.parcelsZoomHint': 'Zoom in to see parcels',
  'layers.loading': 'loading',

  'filter.fiscalYear': 'Fiscal year',
  'filter.strategy': 'Strategy',
  'filter.all': 'All',

  'stage.plan': 'In plan',
  'stage.approved': 'Budget approved',
  'stage.contracted': 'Contract signed',
  'stage.disbursed': 'Disbursed',

  'level.normal': 'Normal',
  'level.watch': 'Watch',
  'level.warning': 'Warning',
  'level.critical': 'Critical',
  'level.offline': 'Offline',

  'truck.collecting': 'Collecting',
  'truck.driving': 'Driving',
  'truck.idle': 'Idle',
  'truck.depot': 'At depot',

  'sensorKind.siren': 'Siren tower',
  'sensorKind.sump': 'Pumping sump',

  'landUse.residential': 'Residential',
  'landUse.commercial': 'Commercial',
  'landUse.mixed': 'Mixed use',
  'landUse.public': 'Public',
  'landUse.agricultural': 'Agricultural',
  'landUse.vacant': 'Vacant',

  'details.title': 'Details',
  'details.close': 'Close',
  'details.empty': 'Click the map to see details',
  'details.kind.zone': 'Zone',
  'details.kind.community': 'Community',
  'details.kind.parcel': 'Land parcel',
  'details.kind.project': 'Project',
  'details.kind.truck': 'Waste truck',
  'details.kind.sensor': 'Flood sensor',

  'field.area': 'Area',
  'field.households': 'Households',
  'field.population': 'Population',
  'field.communities': 'Communities',
  'field.zone': 'Zone',
  'field.community': 'Community',
  'field.code': 'Code',
  'field.fiscalYear': 'Fiscal year',
  'field.mission': 'Mission',
  'field.strategy': 'Strategy',
  'field.division': 'Division',
  'field.stage': 'Stage',
  'field.budget': 'Planned budget',
  'field.approved': 'Approved amount',
  'field.contract': 'Contract amount',
  'field.disbursed': 'Disbursed',
  'field.disbursedShare': 'Disbursed share',
  'field.asOf': 'As of',
  'field.plate': 'Plate',
  'field.status': 'Status',
  'field.speed': 'Speed',
  'field.heading': 'Heading',
  'field.recordedAt': 'Recorded',
  'field.kind': 'Type',
  'field.levelState': 'Alert level',
  'field.waterLevel': 'Water level',
  'field.thresholds': 'Watch / warning / critical at',
  'field.rain': 'Rainfall',
  'field.parcelNo': 'Parcel no.',
  'field.landUse': 'Land use',

  'unit.kmh': 'km/h',
  'unit.mm': 'mm',
};

export const MESSAGES: Record<Lang, Record<MessageKey, string>> = { th, en };

/** Pick the Thai or English member of a `name_th` / `name_en` pair, falling back to whichever exists. */
export function localName(
  item: { name_th?: string | null; name_en?: string | null } | null | undefined,
  lang: Lang,
): string {
  if (!item) return '—';
  const primary = lang === 'th' ? item.name_th : item.name_en;
  const fallback = lang === 'th' ? item.name_en : item.name_th;
  return primary || fallback || '—';
}
