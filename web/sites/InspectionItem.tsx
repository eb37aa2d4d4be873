import { useState } from 'react';
import { api, type Role } from '../api/client.ts';
import { useAction } from '../api/useAction.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { roleLabel } from '../auth/access.ts';
import { formatDate, formatDateTime, formatNumber } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { fill } from '../i18n/strings.ts';
import type { SiteDefect, SiteInspection } from './types.ts';

interface Rights {
  /** The viewer may close defects of this site. */
  closeDefects: boolean;
}

/**
 * One visit in a site's history: what was recorded, its defects, the reviewers' decisions, and
 * what this viewer may do with it (decide at its review step, close a defect, edit and resend
 * one returned to them). After any change the site is loaded again (`onChanged`).
 */
export function InspectionItem({
  inspection,
  rights,
  onChanged,
  onResubmit,
}: {
  inspection: SiteInspection;
  rights: Rights;
  onChanged: () => void;
  onResubmit: (inspection: SiteInspection) => void;
}) {
  const { t, lang } = useLanguage();
  const { user, permissions } = useAuth();
  const i = inspection;
  const lastReturn = i.status === 'returned' ? [...i.reviews].reverse().find((r) => r.decision === 'return') : undefined;
  // Zone scope was the server's to apply: this site is in the viewer's zones or it would not be shown.
  const reviewsNow = i.status === 'submitted' && permissions.sites.review && user !== null && i.next_reviewer_role === user.role;
  const mine = user !== null && i.author.id === user.id;

  return (
    <li className={`inspection-item inspection-item--${i.status}`} data-testid="inspection-item" data-inspection-id={i.id} data-status={i.status}>
      <div className="inspection-head">
        <span className="inspection-when">{formatDateTime(i.visited_at, lang)}</span>
        <span className={`status-badge status-badge--${i.status}`}>{t(`inspection.status.${i.status}`)}</span>
      </div>
      <div className="inspection-line">
        <strong className="inspection-pct">{formatNumber(i.progress_pct, 1)}%</strong> · {fill(t('inspection.by'), { name: i.author.display_name })}
        {i.weather && ` · ${t(`inspection.weather.${i.weather}`)}`}
      </div>
      {lastReturn && (
        <p className="inspection-returned" data-testid="inspection-returned-note">
          {fill(t('inspection.returnedNote'), { name: lastReturn.reviewer.display_name, note: lastReturn.note })}
        </p>
      )}
      {i.work_done && (
        <p className="inspection-text">
          <span className="inspection-label">{t('inspection.workDone')}:</span> {i.work_done}
        </p>
      )}
      {i.notes && <p className="inspection-text">{i.notes}</p>}
      {i.defects.length > 0 && (
        <div className="inspection-defects">
          <span className="inspection-label">{t('inspection.defects')}</span>
          <ul>
            {i.defects.map((d) => (
              <DefectRow key={d.id} defect={d} canClose={rights.closeDefects} onChanged={onChanged} />
            ))}
          </ul>
        </div>
      )}
      {i.reviews.length > 0 && (
        <ul className="inspection-reviews">
          {i.reviews.map((r) => (
            <li key={`${r.step}-${r.at}`} className={`review review--${r.decision}`}>
              {fill(t(r.decision === 'approve' ? 'review.approved' : 'review.returned'), { name: r.reviewer.display_name })} · {formatDateTime(r.at, lang)}
              {r.note && <div className="review-note">{r.note}</div>}
            </li>
          ))}
        </ul>
      )}
      {i.status === 'submitted' && i.next_reviewer_role && !reviewsNow && (
        <p className="inspection-awaits">{fill(t('review.awaits'), { role: t(roleLabel(i.next_reviewer_role as Role)) })}</p>
      )}
      {reviewsNow && <ReviewActions inspectionId={i.id} onChanged={onChanged} />}
      {i.status === 'returned' && mine && permissions.sites.record && (
        <button type="button" className="site-button" data-testid="inspection-edit-resend" onClick={() => onResubmit(i)}>
          {t('inspection.editResend')}
        </button>
      )}
    </li>
  );
}

function DefectRow({ defect, canClose, onChanged }: { defect: SiteDefect; canClose: boolean; onChanged: () => void }) {
  const { t, lang } = useLanguage();
  const { busy, error, run } = useAction();
  const close = () => run(() => api.closeDefect(defect.id).then(onChanged));
  return (
    <li className={`defect defect--${defect.status}`} data-testid="defect" data-defect-id={defect.id} data-status={defect.status}>
      <span className={`severity severity--${defect.severity}`}>{t(`inspection.severity.${defect.severity}`)}</span> {defect.description}
      <div className="defect-meta">
        {defect.assignee && `${t('inspection.defectAssignee')}: ${defect.assignee}`}
        {defect.due_on && ` · ${t('inspection.defectDue')} ${formatDate(defect.due_on, lang)}`}
        {defect.status === 'closed' && ` · ${t('inspection.defectClosed')} ${formatDate(defect.closed_at, lang)}`}
      </div>
      {defect.status === 'open' && canClose && (
        <button type="button" className="site-button site-button--small" data-testid="defect-close" disabled={busy} onClick={() => void close()}>
          {t('inspection.defectClose')}
        </button>
      )}
      {error && (
        <p className="sites-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

/** The reviewer's two decisions; returning needs a note, which the inspector reads. */
function ReviewActions({ inspectionId, onChanged }: { inspectionId: string; onChanged: () => void }) {
  const { t } = useLanguage();
  const [note, setNote] = useState('');
  const { busy, error, setError, run } = useAction();

  const decide = (decision: 'approve' | 'return') => {
    if (decision === 'return' && !note.trim()) {
      setError(t('review.noteRequired'));
      return;
    }
    void run(() => api.review(inspectionId, { decision, note: note.trim() }).then(onChanged));
  };

  return (
    <div className="review-actions" data-testid="review-actions">
      <label>
        {t('review.note')}
        <textarea rows={2} value={note} data-testid="review-note" onChange={(e) => setNote(e.target.value)} />
      </label>
      <div className="review-buttons">
        <button type="button" className="site-button" data-testid="review-approve" disabled={busy} onClick={() => decide('approve')}>
          {t('review.approve')}
        </button>
        <button type="button" className="site-button site-button--return" data-testid="review-return" disabled={busy} onClick={() => decide('return')}>
          {t('review.return')}
        </button>
      </div>
      {error && (
        <p className="sites-error" role="alert" data-testid="review-error">
          {error}
        </p>
      )}
    </div>
  );
}
