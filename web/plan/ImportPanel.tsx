import { useState, type FormEvent } from 'react';
import { ApiError, api, type ImportFormat, type ImportProblem, type ImportSummary } from '../api/client.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { fill } from '../i18n/strings.ts';

/** The file's bytes as base64, read in the browser (the server takes uploads as JSON). */
function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('cannot read the file'));
    reader.readAsDataURL(file);
  });
}

function formatOf(name: string): ImportFormat | null {
  const lower = name.toLowerCase();
  return lower.endsWith('.csv') ? 'csv' : lower.endsWith('.xlsx') ? 'xlsx' : null;
}

type Outcome = { kind: 'done'; summary: ImportSummary } | { kind: 'refused'; message: string; problems: ImportProblem[] };

/** Planners' import of e-Plan rows: all or nothing, every problem of a refused file listed. */
export function ImportPanel({ onImported }: { onImported: () => void }) {
  const { t } = useLanguage();
  const [open, setOpen] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    const format = formatOf(file.name);
    if (!format) {
      setOutcome({ kind: 'refused', message: t('exec.import.badType'), problems: [] });
      return;
    }
    setBusy(true);
    setOutcome(null);
    try {
      const content = await readBase64(file);
      const summary = await api.importProjects({ format, content, filename: file.name });
      setOutcome({ kind: 'done', summary });
      onImported();
    } catch (error) {
      setOutcome({
        kind: 'refused',
        message: error instanceof ApiError ? error.detail : (error as Error).message,
        problems: error instanceof ApiError ? error.problems : [],
      });
    } finally {
      setBusy(false);
    }
  };

  if (!open) {
    return (
      <button type="button" className="exec-import-open" data-testid="exec-import-open" onClick={() => setOpen(true)}>
        {t('exec.import.open')}
      </button>
    );
  }

  return (
    <form className="exec-import" data-testid="exec-import" onSubmit={submit}>
      <header>
        <h3>{t('exec.import.title')}</h3>
        <button
          type="button"
          className="close"
          aria-label={t('exec.import.close')}
          onClick={() => {
            setOpen(false);
            setOutcome(null);
            setFile(null);
          }}
        >
          ×
        </button>
      </header>
      <label className="exec-import-file">
        <span>{t('exec.import.file')}</span>
        <input
          type="file"
          data-testid="exec-import-file"
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setOutcome(null);
          }}
        />
      </label>
      <p className="hint">{t('exec.import.columns')}</p>
      <p className="hint">{t('exec.import.divisions')}</p>
      <button type="submit" data-testid="exec-import-submit" disabled={!file || busy}>
        {busy ? t('exec.import.sending') : t('exec.import.submit')}
      </button>
      {outcome?.kind === 'done' && (
        <p className="exec-import-done" role="status" data-testid="exec-import-done">
          {fill(t('exec.import.done'), { created: outcome.summary.created, updated: outcome.summary.updated })}
        </p>
      )}
      {outcome?.kind === 'refused' && (
        <div className="exec-import-refused" role="alert" data-testid="exec-import-refused">
          <p className="exec-error">{outcome.message}</p>
          <p>
            <strong>{t('exec.import.refused')}</strong>
          </p>
          {outcome.problems.length > 0 && (
            <table className="exec-import-errors" data-testid="exec-import-errors">
              <thead>
                <tr>
                  <th>{t('exec.import.row')}</th>
                  <th>{t('exec.import.column')}</th>
                  <th>{t('exec.import.problem')}</th>
                </tr>
              </thead>
              <tbody>
                {outcome.problems.map((p, i) => (
                  <tr key={i} data-row={p.row} data-column={p.column}>
                    <td>{p.row}</td>
                    <td>{p.column}</td>
                    <td>{p.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </form>
  );
}
