import type { ParcelTax } from '../api/client.ts';
import { api } from '../api/client.ts';
import { useResource } from '../api/useResource.ts';
import { formatLandArea, formatNumber } from '../i18n/format.ts';
import { localName } from '../i18n/strings.ts';
import { bahtText } from './bahtText.ts';

const MUNICIPALITY = 'เทศบาลนครขอนแก่น';

/** "30 เมษายน 2569": a notice writes dates in full, Buddhist-era, on the Bangkok calendar. */
const thaiDate = (iso: string | null | undefined) =>
  iso
    ? new Intl.DateTimeFormat('th-TH-u-ca-buddhist', { timeZone: 'Asia/Bangkok', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(iso))
    : '—';
const baht = (value: number) => formatNumber(value, 2);

const USE_TH: Record<string, string> = {
  agriculture: 'ประกอบเกษตรกรรม',
  residential: 'อยู่อาศัย',
  other: 'อื่น ๆ',
  vacant: 'ทิ้งไว้ว่างเปล่าหรือไม่ได้ทำประโยชน์ตามควรแก่สภาพ',
};
const KIND_TH: Record<string, string> = { exempt: 'มูลค่าที่ได้รับยกเว้น', reduction: 'ลดภาษีตามพระราชกฤษฎีกา' };

/**
 * One assessment notice in the manner of ภ.ด.ส.6 (แบบแจ้งการประเมินภาษีที่ดินและสิ่งปลูกสร้าง),
 * one A4 page: the municipality, the notice's number and date, the owner, the parcel's code and
 * place, its value, the calculation, the tax in figures and in words, the due date and
 * instalments, and how to pay. Thai only: it is the legal form, whatever language the app is in.
 */
export function Notice({ tax }: { tax: ParcelTax }) {
  const zones = useResource('zones', () => api.zones());
  const communities = useResource('communities', () => api.communities());
  const { parcel, bill } = tax;
  const zone = zones.data?.features.find((z) => z.properties.id === parcel.zone_id)?.properties;
  const community = communities.data?.features.find((c) => c.properties.id === parcel.community_id)?.properties;
  const owner = parcel.owner_name || '—';

  return (
    <article className="assessment" data-testid="notice" data-parcel={parcel.id} data-tax={tax.tax} data-notice={bill?.notice_no ?? ''}>
      <header className="assessment-head">
        <p className="assessment-form">ภ.ด.ส.6</p>
        <h1>แบบแจ้งการประเมินภาษีที่ดินและสิ่งปลูกสร้าง</h1>
        <p>ประจำปีภาษี พ.ศ. {tax.year}</p>
        <div className="assessment-meta">
          <span>
            เลขที่ <b data-testid="notice-no">{bill?.notice_no ?? '—'}</b>
          </span>
          <span>{MUNICIPALITY}</span>
          <span>
            วันที่ <span data-testid="notice-date">{thaiDate(bill?.notice_date)}</span>
          </span>
        </div>
      </header>

      <p>
        เรียน <b data-testid="notice-owner">{owner}</b>
      </p>
      <p>ด้วย{MUNICIPALITY} ได้ประเมินภาษีที่ดินและสิ่งปลูกสร้างตามพระราชบัญญัติภาษีที่ดินและสิ่งปลูกสร้าง พ.ศ. 2562 สำหรับที่ดินและสิ่งปลูกสร้างของท่านดังต่อไปนี้</p>

      <table className="assessment-facts">
        <tbody>
          <tr>
            <th>รหัสแปลงที่ดิน (เขต-บล็อก-ล็อต)</th>
            <td data-testid="notice-code">{parcel.map_code}</td>
          </tr>
          <tr>
            <th>ที่ตั้ง</th>
            <td>
              {community ? `ชุมชน${localName(community, 'th')} ` : ''}
              {zone ? `${localName(zone, 'th')} ` : ''}
              {MUNICIPALITY} จังหวัดขอนแก่น
            </td>
          </tr>
          <tr>
            <th>เนื้อที่</th>
            <td>{formatLandArea(parcel.area_m2, 'th')}</td>
          </tr>
          <tr>
            <th>ลักษณะการใช้ประโยชน์</th>
            <td>{tax.description.uses.map((u) => `${USE_TH[u.use] ?? u.use} ร้อยละ ${formatNumber(u.share * 100, 0)}`).join(', ') || 'ได้รับยกเว้น'}</td>
          </tr>
          <tr>
            <th>มูลค่าที่ดินและสิ่งปลูกสร้างทั้งสิ้น</th>
            <td data-testid="notice-value">{baht(tax.value)} บาท</td>
          </tr>
        </tbody>
      </table>

      <table className="assessment-lines" data-testid="notice-lines">
        <thead>
          <tr>
            <th>การใช้ประโยชน์</th>
            <th>ช่วงมูลค่า (บาท)</th>
            <th>ฐานภาษี (บาท)</th>
            <th>อัตรา (ร้อยละ)</th>
            <th>ภาษี (บาท)</th>
          </tr>
        </thead>
        <tbody>
          {tax.lines.map((line, i) => (
            <tr key={i} data-testid="notice-line" data-amount={line.amount}>
              <td>{[line.use && USE_TH[line.use], line.kind !== 'band' && KIND_TH[line.kind]].filter(Boolean).join(': ')}</td>
              <td>
                {line.kind === 'band' && line.band_from !== null
                  ? line.band_to === null
                    ? `${formatNumber(line.band_from)} ขึ้นไป`
                    : `${formatNumber(line.band_from)} – ${formatNumber(line.band_to)}`
                  : ''}
              </td>
              <td className="num">{baht(line.base)}</td>
              <td className="num">{line.kind === 'band' ? formatNumber(line.rate_pct, 2) : ''}</td>
              <td className="num">{baht(line.amount)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th colSpan={4}>รวมภาษีที่ต้องชำระ</th>
            <td className="num" data-testid="notice-tax">
              {baht(tax.tax)}
            </td>
          </tr>
        </tfoot>
      </table>
      <p className="assessment-words">({bahtText(tax.tax)})</p>

      {bill && (
        <section className="assessment-pay">
          <p>
            ให้ชำระภาษีภายในวันที่ <b data-testid="notice-due">{thaiDate(bill.due_date)}</b>
          </p>
          {bill.dues.length > 1 ? (
            <>
              <p>ท่านได้แจ้งขอผ่อนชำระเป็น {bill.dues.length} งวด ดังนี้</p>
              <ol>
                {bill.dues.map((d) => (
                  <li key={d.instalment}>
                    งวดที่ {d.instalment} ภายในวันที่ {thaiDate(d.due)} จำนวน {baht(d.amount)} บาท
                  </li>
                ))}
              </ol>
            </>
          ) : (
            tax.tax >= 3000 && <p>ภาษีตั้งแต่ 3,000 บาทขึ้นไป ขอผ่อนชำระได้ 3 งวด งวดละเท่า ๆ กัน โดยแจ้งความประสงค์ภายในวันครบกำหนดชำระ</p>
          )}
          <p>
            <b>วิธีชำระ</b> ชำระด้วยตนเองที่กองรายได้ {MUNICIPALITY} ในวันและเวลาราชการ หรือโอนเข้าบัญชีของ{MUNICIPALITY} โดยระบุเลขที่แบบแจ้งนี้
            แล้วนำหลักฐานการโอนมาขอรับใบเสร็จรับเงิน
          </p>
          <p className="assessment-small">
            หากไม่ชำระภายในกำหนด ต้องเสียเบี้ยปรับร้อยละ 10, 20 หรือ 40 ของภาษีค้างชำระ ตามเวลาที่ชำระเทียบกับหนังสือแจ้งเตือน และเงินเพิ่มร้อยละ 1 ต่อเดือน หรือเศษของเดือนของภาษีค้างชำระ
            (มาตรา 68 และ 70) หากเห็นว่าการประเมินไม่ถูกต้อง ยื่นคำร้องขอให้ทบทวนต่อผู้บริหารท้องถิ่นได้ภายใน 30 วัน นับแต่วันที่ได้รับแจ้งการประเมิน (มาตรา 73)
          </p>
        </section>
      )}

      <footer className="assessment-sign">
        <p>(ลงชื่อ) ..................................................... พนักงานประเมิน</p>
        <p>ผู้อำนวยการกองรายได้ {MUNICIPALITY}</p>
      </footer>
    </article>
  );
}
