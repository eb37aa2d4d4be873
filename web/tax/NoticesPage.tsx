import './notice.css';
import { useEffect, useState } from 'react';
import { api, type ParcelTax } from '../api/client.ts';
import { useResource } from '../api/useResource.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { LanguageToggle } from '../i18n/LanguageToggle.tsx';
import { fill } from '../i18n/strings.ts';
import { Link, PATHS, usePath } from '../router.tsx';
import { Notice } from './Notice.tsx';
import { currentTaxYear } from './years.tsx';

/** How many parcels' bills are asked for at once when a block's notices are printed. */
const PARALLEL = 4;

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
  const year = Number(params.get('year')) || currentTaxYear();
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

function OneNotice({ id, year }: { id: number; year: number }) {
  const tax = useResource(`parcel-tax:${id}:${year}`, (signal) => api.parcelTax(id, year, signal));
  if (tax.error) return <Problem error={tax.error} />;
  return tax.data ? <Notice tax={tax.data} /> : null;
}

/** Every parcel of the block (or zone) found by its code, its bill asked for a few at a time. */
function BlockNotices({ zone, block, year }: { zone: string; block: string; year: number }) {
  const { t } = useLanguage();
  const [taxes, setTaxes] = useState<ParcelTax[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [progress, setProgress] = useState({ done: 0, of: 0 });

  useEffect(() => {
    if (!zone) return;
    const controller = new AbortController();
    const { signal } = controller;
    (async () => {
      const found = await api.taxSearch(block ? { zone, block } : { zone }, signal);
      const ids = found.features.map((f) => f.properties.id);
      const answers: ParcelTax[] = new Array(ids.length);
      let next = 0;
      let done = 0;
      setProgress({ done, of: ids.length });
      const worker = async () => {
        while (next < ids.length) {
          const i = next++;
          answers[i] = await api.parcelTax(ids[i]!, year, signal);
          setProgress({ done: ++done, of: ids.length });
        }
      };
      await Promise.all(Array.from({ length: PARALLEL }, worker));
      // Parcels without a bill that year have no notice to print.
      setTaxes(answers.filter((a) => a.bill !== null).sort((a, b) => (a.parcel.map_code ?? '').localeCompare(b.parcel.map_code ?? '')));
    })().catch((e: unknown) => {
      if (!signal.aborted) setError(e instanceof Error ? e : new Error(String(e)));
    });
    return () => controller.abort();
  }, [zone, block, year]);

  if (!zone) return <p className="assessment-status">{t('tax.notice.noCode')}</p>;
  if (error) return <Problem error={error} />;
  if (!taxes)
    return (
      <p className="assessment-status" data-testid="notice-progress">
        {fill(t('tax.notice.loading'), { done: progress.done, of: progress.of })}
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
