import './notice.css';
import { useMemo } from 'react';
import { api } from '../api/client.ts';
import { useResource } from '../api/useResource.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { LanguageToggle } from '../i18n/LanguageToggle.tsx';
import { fill } from '../i18n/strings.ts';
import { Link, PATHS, usePath } from '../router.tsx';
import { Notice } from './Notice.tsx';

/**
 * Printable assessment notices (ภ.ด.ส.6): one parcel's (`/tax/notices/{id}?year=`), or every
 * parcel's of a block or zone (`/tax/notices?zone=03&block=ก&year=`), one to an A4 page. Printed
 * from the browser (to paper or PDF): the toolbar is not printed, and there is no map.
 */
export function NoticesPage() {
  const { t } = useLanguage();
  const { known } = useAuth();
  const path = usePath();
  const params = new URLSearchParams(window.location.search);
  // None given: the server's billing year (the latest with bills).
  const year = Number(params.get('year')) || undefined;
  const parcelId = Number(path.slice(PATHS.taxNotices.length + 1)) || null;
  const zone = params.get('zone') ?? '';
  const block = params.get('block') ?? '';

  return (
    <div className="assessments">
      <nav className="assessment-toolbar" data-testid="notice-toolbar">
        <Link href={PATHS.tax}>← {t('view.tax')}</Link>
        <span>{parcelId ? t('tax.notice.one') : fill(t('tax.notice.batch'), { code: [zone, block].filter(Boolean).join('-') })}</span>
        <button type="button" className="primary" onClick={() => window.print()} data-testid="notice-print">
          {t('tax.notice.print')}
        </button>
        <LanguageToggle />
      </nav>
      {known && (parcelId ? <OneNotice id={parcelId} year={year} /> : <BlockNotices zone={zone} block={block} year={year} />)}
    </div>
  );
}

function OneNotice({ id, year }: { id: number; year: number | undefined }) {
  const tax = useResource(`parcel-tax:${id}:${year ?? ''}`, (signal) => api.parcelTax(id, year, signal));
  if (tax.error) return <Problem error={tax.error} />;
  return tax.data ? <Notice tax={tax.data} /> : null;
}

/** Every parcel of the block (or zone) with a bill that year, in code order: one request. */
function BlockNotices({ zone, block, year }: { zone: string; block: string; year: number | undefined }) {
  const { t } = useLanguage();
  const notices = useResource(`tax-notices:${zone}:${block}:${year ?? ''}`, (signal) =>
    zone ? api.taxNotices({ zone, block: block || undefined, year }, signal) : Promise.resolve(null),
  );
  const taxes = useMemo(
    () => notices.data && [...notices.data.notices].sort((a, b) => (a.parcel.map_code ?? '').localeCompare(b.parcel.map_code ?? '')),
    [notices.data],
  );

  if (!zone) return <p className="assessment-status">{t('tax.notice.noCode')}</p>;
  if (notices.error) return <Problem error={notices.error} />;
  if (!taxes)
    return (
      <p className="assessment-status" data-testid="notice-progress">
        {t('app.loading')}
      </p>
    );
  return (
    <>
      <p className="assessment-status" data-testid="notice-count" data-count={taxes.length}>
        {fill(t('tax.notice.count'), { count: taxes.length })}
      </p>
      {taxes.map((tax) => (
        <Notice key={tax.parcel.id} tax={tax} />
      ))}
    </>
  );
}

function Problem({ error }: { error: Error }) {
  return (
    <p className="assessment-status form-error" role="alert" data-testid="notice-error">
      {error.message}
    </p>
  );
}
