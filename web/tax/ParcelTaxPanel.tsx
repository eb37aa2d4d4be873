import { useState, type FormEvent, type ReactNode } from 'react';
import { api, type ParcelTax, type TaxPayment } from '../api/client.ts';
import { useAction } from '../api/useAction.ts';
import { useResource } from '../api/useResource.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { bangkokToday } from '../waste/dates.ts';
import { formatBaht, formatBuddhistDate, formatLandArea, formatNationalId, formatNumber } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { fill, type MessageKey } from '../i18n/strings.ts';
import { TAX_STATUS_COLORS } from '../map/palette.ts';
import { Panel } from '../map/Shell.tsx';
import { Link, PATHS } from '../router.tsx';
import { CalculationTable } from './Calculation.tsx';

/**
 * One parcel's tax for a year (`GET /api/parcels/:id/tax`, audited as a read of personal data):
 * the register's facts, the calculation line by line, the bill with its instalments and
 * payments, what is owed today with the penalty and surcharge, and for tax and admin staff the
 * form that records a payment.
 */
export function ParcelTaxPanel({ id, year, onClose, onPaid }: { id: number; year: number; onClose: () => void; onPaid: () => void }) {
  const { t, lang } = useLanguage();
  const [version, setVersion] = useState(0);
  const tax = useResource(`parcel-tax:${id}:${year}:${version}`, (signal) => api.parcelTax(id, year, signal));
  const data = tax.data;
  return (
    <Panel className="tax-parcel" testId="tax-parcel" sheetTitle={data ? (data.parcel.map_code ?? t('tax.parcel')) : t('tax.parcel')} data-parcel={id}>
      <header className="tax-parcel-header">
        <h2>
          {t('tax.parcel')} {data?.parcel.map_code}
        </h2>
        <button type="button" className="close" onClick={onClose} aria-label={t('details.close')} data-testid="tax-parcel-close">
          ×
        </button>
      </header>
      {tax.error && (
        <p className="form-error" role="alert">
          {tax.error.message}
        </p>
      )}
      {data && (
        <>
          <Register tax={data} />
          <section className="tax-section">
            <h3>{fill(t('tax.calculation'), { year: data.year })}</h3>
            <p className="tax-value">
              {t('tax.value')}: <b data-testid="tax-value">{formatBaht(data.value, lang)}</b>
            </p>
            <CalculationTable lines={data.lines} tax={data.tax} testId="tax-calculation" />
          </section>
          <Bill
            tax={data}
            onPaid={() => {
              setVersion((v) => v + 1);
              onPaid();
            }}
          />
          <Link className="tax-notice-link" href={`${PATHS.taxNotices}/${id}?year=${data.year}`} target="_blank" data-testid="tax-notice-link">
            {t('tax.notice.open')}
          </Link>
        </>
      )}
    </Panel>
  );
}

function Row({ label, children, field }: { label: MessageKey; children: ReactNode; field?: string }) {
  const { t } = useLanguage();
  return (
    <div className="details-row" data-field={field}>
      <dt>{t(label)}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/**
 * A parcel's co-owners: the register gives their names and their national IDs each as one
 * comma-separated list, in the same order.
 */
function owners(parcel: ParcelTax['parcel']): { name: string; nationalId: string | null }[] {
  if (!parcel.owner_name) return [{ name: '—', nationalId: null }];
  const ids = parcel.national_id?.split(', ') ?? [];
  return parcel.owner_name.split(', ').map((name, i) => ({ name, nationalId: ids[i] ?? null }));
}

/** What the register says of the parcel: code, owners, area and appraisal, uses, buildings, exemption. */
function Register({ tax }: { tax: ParcelTax }) {
  const { t, lang } = useLanguage();
  const { parcel, description } = tax;
  return (
    <section className="tax-section" data-testid="tax-register">
      <h3>{t('tax.register')}</h3>
      <dl>
        <Row label="tax.code" field="map_code">
          {parcel.map_code}
        </Row>
        <Row label="field.owner" field="owners">
          {owners(parcel).map((owner) => (
            <span key={owner.nationalId ?? owner.name} className="tax-owner">
              {owner.name} <span className="tax-meta">{formatNationalId(owner.nationalId)}</span>
            </span>
          ))}
        </Row>
        <Row label="field.area">{formatLandArea(parcel.area_m2, lang)}</Row>
        <Row label="tax.landValue">{formatBaht(description.land_value, lang)}</Row>
        {description.exemption && <Row label="tax.exemption">{t(`tax.exemption.${description.exemption}`)}</Row>}
        {description.uses.length > 0 && (
          <Row label="tax.uses" field="uses">
            {description.uses.map((u) => (
              <span key={u.use} className="tax-use">
                {t(`tax.use.${u.use}`)} {formatNumber(u.share * 100, 0)}%
              </span>
            ))}
          </Row>
        )}
        {description.residence && <Row label="tax.residence">{t(`tax.residence.${description.residence}`)}</Row>}
        {description.vacant_years > 0 && <Row label="tax.vacantYears">{formatNumber(description.vacant_years)}</Row>}
      </dl>
      {description.buildings.length > 0 && (
        <table className="tax-table" data-testid="tax-buildings">
          <thead>
            <tr>
              <th>{t('tax.building')}</th>
              <th className="num">{t('tax.buildingValue')}</th>
            </tr>
          </thead>
          <tbody>
            {description.buildings.map((b, i) => (
              <tr key={i}>
                <td>{t(`tax.use.${b.use}`)}</td>
                <td className="num">{formatNumber(b.value, 2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The bill: notice, status, due dates, payments, what is owed today; and the payment form. */
type Recorded = Awaited<ReturnType<typeof api.recordTaxPayment>>['payment'];

function Bill({ tax, onPaid }: { tax: ParcelTax; onPaid: () => void }) {
  const { t, lang } = useLanguage();
  const { permissions } = useAuth();
  // Kept here, not in the form: a payment that settles the bill takes the form away.
  const [recorded, setRecorded] = useState<Recorded | null>(null);
  const bill = tax.bill;
  if (!bill) return <p className="hint">{t('tax.bill.none')}</p>;
  const status = bill.status as keyof typeof TAX_STATUS_COLORS;
  return (
    <section className="tax-section" data-testid="tax-bill" data-status={bill.status} data-owed={bill.owed}>
      <h3>{t('tax.bill')}</h3>
      <dl>
        <Row label="tax.notice.no">{bill.notice_no}</Row>
        <Row label="tax.notice.date">{formatBuddhistDate(bill.notice_date, lang)}</Row>
        <Row label="field.status" field="status">
          <span className="swatch swatch-square" style={{ background: TAX_STATUS_COLORS[status] }} aria-hidden="true" />
          <span data-testid="tax-bill-status">{t(`tax.status.${status}`)}</span>
        </Row>
        <Row label="tax.paid">{formatBaht(bill.paid, lang)}</Row>
        <Row label="tax.owed">{formatBaht(bill.owed, lang)}</Row>
        {bill.warning_date && (
          <Row label="tax.warning">
            {formatBuddhistDate(bill.warning_date, lang)} → {formatBuddhistDate(bill.warning_deadline, lang)}
          </Row>
        )}
      </dl>
      <table className="tax-table" data-testid="tax-dues">
        <thead>
          <tr>
            <th>{t('tax.instalment')}</th>
            <th>{t('tax.due')}</th>
            <th className="num">{t('tax.line.amount')}</th>
          </tr>
        </thead>
        <tbody>
          {bill.dues.map((d) => (
            <tr key={d.instalment}>
              <td>{bill.dues.length > 1 ? d.instalment : t('tax.instalment.single')}</td>
              <td>{formatBuddhistDate(d.due, lang)}</td>
              <td className="num">{formatNumber(d.amount, 2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {bill.payments.length > 0 && <Payments payments={bill.payments} />}
      {bill.owed > 0 && (
        <div className="tax-owed-today" data-testid="tax-owed-today" data-total={bill.owed_today.total}>
          <b>{t('tax.owedToday')}</b>
          <span>
            {t('tax.tax')} {formatBaht(bill.owed_today.tax, lang)} + {t('tax.penalty')} {formatBaht(bill.owed_today.penalty, lang)} + {t('tax.surcharge')}{' '}
            {formatBaht(bill.owed_today.surcharge, lang)} = <b>{formatBaht(bill.owed_today.total, lang)}</b>
          </span>
        </div>
      )}
      {permissions.tax.write && bill.owed > 0 && (
        <PaymentForm
          key={bill.owed}
          billId={bill.id}
          owed={bill.owed}
          dues={bill.dues}
          onPaid={(payment) => {
            setRecorded(payment);
            onPaid();
          }}
        />
      )}
      {recorded && (
        <p className="tax-recorded" data-testid="tax-pay-recorded" data-penalty={recorded.penalty} data-surcharge={recorded.surcharge}>
          {fill(t('tax.pay.recorded'), {
            receipt: recorded.receipt_no,
            penalty: formatBaht(recorded.penalty, lang),
            surcharge: formatBaht(recorded.surcharge, lang),
          })}
        </p>
      )}
    </section>
  );
}

function Payments({ payments }: { payments: readonly TaxPayment[] }) {
  const { t, lang } = useLanguage();
  return (
    <table className="tax-table" data-testid="tax-payments">
      <thead>
        <tr>
          <th>{t('tax.paidOn')}</th>
          <th>{t('tax.receipt')}</th>
          <th className="num">{t('tax.tax')}</th>
          <th className="num">{t('tax.penalty')}</th>
          <th className="num">{t('tax.surcharge')}</th>
        </tr>
      </thead>
      <tbody>
        {payments.map((p) => (
          <tr key={p.receipt_no} data-testid="tax-payment" data-receipt={p.receipt_no}>
            <td>{formatBuddhistDate(p.paid_on, lang)}</td>
            <td>{p.receipt_no}</td>
            <td className="num">{formatNumber(p.tax_part, 2)}</td>
            <td className="num">{formatNumber(p.penalty, 2)}</td>
            <td className="num">{formatNumber(p.surcharge, 2)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Records a payment as its receipt says; the server works out the penalty and surcharge for its date. */
function PaymentForm({
  billId,
  owed,
  dues,
  onPaid,
}: {
  billId: number;
  owed: number;
  dues: NonNullable<ParcelTax['bill']>['dues'];
  onPaid: (payment: Recorded) => void;
}) {
  const { t } = useLanguage();
  const today = bangkokToday();
  const [paidOn, setPaidOn] = useState(today);
  const [amount, setAmount] = useState(String(owed));
  const [receipt, setReceipt] = useState('');
  const [instalment, setInstalment] = useState('');
  const action = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const answer = await api.recordTaxPayment(billId, {
        paid_on: paidOn,
        tax_part: Number(amount),
        receipt_no: receipt.trim(),
        instalment: instalment ? Number(instalment) : undefined,
      });
      setReceipt('');
      onPaid(answer.payment);
    });
  };

  return (
    <form className="tax-payment-form" onSubmit={submit} data-testid="tax-payment-form">
      <h4>{t('tax.pay.title')}</h4>
      <label>
        <span>{t('tax.paidOn')}</span>
        <input type="date" data-testid="tax-pay-date" value={paidOn} max={today} required onChange={(e) => setPaidOn(e.target.value)} />
      </label>
      <label>
        <span>{t('tax.pay.amount')}</span>
        <input
          type="number"
          inputMode="decimal"
          step="0.01"
          min="0.01"
          max={owed}
          required
          data-testid="tax-pay-amount"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
        />
      </label>
      <label>
        <span>{t('tax.receipt')}</span>
        <input data-testid="tax-pay-receipt" value={receipt} required onChange={(e) => setReceipt(e.target.value)} />
      </label>
      {dues.length > 1 && (
        <label>
          <span>{t('tax.instalment')}</span>
          <select data-testid="tax-pay-instalment" value={instalment} onChange={(e) => setInstalment(e.target.value)}>
            <option value="">—</option>
            {dues.map((d) => (
              <option key={d.instalment} value={d.instalment}>
                {d.instalment}
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="submit" className="primary" disabled={action.busy} data-testid="tax-pay-submit">
        {t('tax.pay.record')}
      </button>
      {action.error && (
        <p className="form-error" role="alert" data-testid="tax-pay-error">
          {action.error}
        </p>
      )}
    </form>
  );
}
