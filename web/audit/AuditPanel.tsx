import './audit.css';
import { Fragment, useCallback, useEffect, useRef, useState } from 'react';
import { api, type AuditQuery, type AuditRecord } from '../api/client.ts';
import { useViewerGeneration } from '../api/useResource.ts';
import { formatTimestamp } from '../i18n/format.ts';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import type { MessageKey } from '../i18n/strings.ts';
import { Panel } from '../map/Shell.tsx';

const PAGE = 50;
const ACTOR_DEBOUNCE_MS = 400;

/** What the server records today (recordAudit in the server routes); anything else shows as sent. */
const ACTIONS = {
  login: 'audit.do.login',
  login_failed: 'audit.do.login_failed',
  logout: 'audit.do.logout',
  lock: 'audit.do.lock',
  create: 'audit.do.create',
  update: 'audit.do.update',
  revoke: 'audit.do.revoke',
  ingest: 'audit.do.ingest',
  view: 'audit.do.view',
} as const satisfies Record<string, MessageKey>;

const ENTITIES = {
  project: 'audit.on.project',
  user: 'audit.on.user',
  session: 'audit.on.session',
  device: 'audit.on.device',
  truck_positions: 'audit.on.truck_positions',
  sensor_readings: 'audit.on.sensor_readings',
  parcel: 'audit.on.parcel',
} as const satisfies Record<string, MessageKey>;

const ACTOR_KINDS = { user: 'audit.kind.user', device: 'audit.kind.device', system: 'audit.kind.system' } as const satisfies Record<
  AuditRecord['actor_kind'],
  MessageKey
>;

function label<K extends string>(table: Record<K, MessageKey>, value: string, t: (key: MessageKey) => string): string {
  return value in table ? t(table[value as K]) : value;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

function short(value: unknown): string {
  const text = value === undefined ? '—' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** The top-level keys whose values differ between before and after: what an update changed. */
function changedKeys(before: unknown, after: unknown): { key: string; from: unknown; to: unknown }[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(before) || !isObject(after)) return [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])).map((key) => ({ key, from: before[key], to: after[key] }));
}

interface Filter {
  entity: string;
  action: string;
  actor: string;
}

/**
 * The audit trail, newest first, for auditors and administrators: who did what to which record,
 * when (Bangkok time, BE year) and from where. Each entry opens to its before/after values.
 * Read-only, like the trail itself.
 */
/** A filter over a fixed set of values, with "all" first. */
function FilterChoice({
  testId,
  label: text,
  value,
  choices,
  onChange,
}: {
  testId: string;
  label: string;
  value: string;
  choices: Record<string, MessageKey>;
  onChange: (value: string) => void;
}) {
  const { t } = useLanguage();
  return (
    <label>
      <span>{text}</span>
      <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('audit.all')}</option>
        {Object.entries(choices).map(([choice, key]) => (
          <option key={choice} value={choice}>
            {t(key)}
          </option>
        ))}
      </select>
    </label>
  );
}

export function AuditPanel({ onClose }: { onClose: () => void }) {
  const { t, lang } = useLanguage();
  const generation = useViewerGeneration();
  const [filter, setFilter] = useState<Filter>({ entity: '', action: '', actor: '' });
  const [actorText, setActorText] = useState('');
  const [entries, setEntries] = useState<AuditRecord[]>([]);
  const [status, setStatus] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState<string | null>(null);
  const [atEnd, setAtEnd] = useState(false);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const [reloads, setReloads] = useState(0);
  const olderController = useRef<AbortController | null>(null);

  // Typing a name filters after a pause, not on every key.
  useEffect(() => {
    const actor = actorText.trim();
    const timer = window.setTimeout(() => setFilter((f) => (f.actor === actor ? f : { ...f, actor })), ACTOR_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [actorText]);

  const query = useCallback((f: Filter): AuditQuery => ({ entity: f.entity, action: f.action, actor: f.actor, limit: PAGE }), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new viewer (`generation`) or a retry (`reloads`) loads the first page again.
  useEffect(() => {
    const controller = new AbortController();
    olderController.current?.abort();
    setStatus('loading');
    setError(null);
    api.audit(query(filter), controller.signal).then(
      (page) => {
        setEntries(page);
        setAtEnd(page.length < PAGE);
        setExpanded(new Set());
        setStatus('ready');
      },
      (caught: unknown) => {
        if (controller.signal.aborted) return;
        setError(caught instanceof Error ? caught.message : String(caught));
        setStatus('error');
      },
    );
    return () => controller.abort();
  }, [filter, generation, reloads, query]);

  const loadOlder = () => {
    const last = entries.at(-1);
    if (!last || status === 'loading') return;
    const controller = new AbortController();
    olderController.current = controller;
    setStatus('loading');
    api.audit({ ...query(filter), before_id: last.id }, controller.signal).then(
      (page) => {
        setEntries((previous) => [...previous, ...page]);
        setAtEnd(page.length < PAGE);
        setStatus('ready');
      },
      (caught: unknown) => {
        if (controller.signal.aborted) return;
        setError(caught instanceof Error ? caught.message : String(caught));
        setStatus('error');
      },
    );
  };

  const toggle = (id: number) =>
    setExpanded((previous) => {
      const next = new Set(previous);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <Panel className="audit-panel" testId="audit-panel" aria-label={t('audit.title')}>
      <header className="audit-header">
        <h2>{t('audit.title')}</h2>
        <div className="audit-filters">
          <FilterChoice
            testId="audit-filter-entity"
            label={t('audit.entity')}
            value={filter.entity}
            choices={ENTITIES}
            onChange={(entity) => setFilter((f) => ({ ...f, entity }))}
          />
          <FilterChoice
            testId="audit-filter-action"
            label={t('audit.action')}
            value={filter.action}
            choices={ACTIONS}
            onChange={(action) => setFilter((f) => ({ ...f, action }))}
          />
          <label>
            <span>{t('audit.actor')}</span>
            <input
              type="search"
              data-testid="audit-filter-actor"
              placeholder={t('audit.actorPlaceholder')}
              autoComplete="off"
              spellCheck={false}
              value={actorText}
              onChange={(e) => setActorText(e.target.value)}
            />
          </label>
        </div>
        <button type="button" className="button" onClick={() => setReloads((n) => n + 1)} disabled={status === 'loading'}>
          {t('audit.refresh')}
        </button>
        <button type="button" className="close" onClick={onClose} aria-label={t('audit.close')} title={t('audit.close')}>
          ×
        </button>
      </header>
      <div className="audit-scroll">
        <table className="audit-table" data-testid="audit-table" aria-busy={status === 'loading'}>
          <thead>
            <tr>
              <th scope="col" className="audit-toggle-col">
                <span className="visually-hidden">{t('audit.expand')}</span>
              </th>
              <th scope="col">{t('audit.time')}</th>
              <th scope="col">{t('audit.actor')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.entity')}</th>
              <th scope="col">{t('audit.entityId')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => {
              const open = expanded.has(entry.id);
              const detailId = `audit-detail-${entry.id}`;
              const changes = changedKeys(entry.before, entry.after);
              return (
                <Fragment key={entry.id}>
                  <tr
                    className={open ? 'open' : undefined}
                    data-testid="audit-row"
                    data-action={entry.action}
                    data-actor={entry.actor_name}
                    data-entity={entry.entity}
                  >
                    <td className="audit-toggle-col">
                      <button
                        type="button"
                        className="disclosure"
                        aria-expanded={open}
                        aria-controls={detailId}
                        aria-label={t('audit.expand')}
                        onClick={() => toggle(entry.id)}
                      >
                        {open ? '▾' : '▸'}
                      </button>
                    </td>
                    <td className="audit-time">{formatTimestamp(entry.at, lang)}</td>
                    <td>
                      {entry.actor_name}
                      <span className="audit-kind"> {label(ACTOR_KINDS, entry.actor_kind, t)}</span>
                    </td>
                    <td className={`audit-action audit-action-${entry.action}`}>{label(ACTIONS, entry.action, t)}</td>
                    <td>{label(ENTITIES, entry.entity, t)}</td>
                    <td className="audit-id">{entry.entity_id ?? '—'}</td>
                  </tr>
                  {open && (
                    <tr className="audit-detail" id={detailId}>
                      <td />
                      <td colSpan={5}>
                        <p className="audit-meta">
                          #{entry.id} · {t('audit.ip')}: {entry.ip ?? '—'}
                          {entry.actor_id !== null && ` · ${label(ACTOR_KINDS, entry.actor_kind, t)} id ${entry.actor_id}`}
                        </p>
                        {changes.length > 0 && (
                          <ul className="audit-changes">
                            {changes
                              .filter((c) => c.key !== 'geometry')
                              .map((c) => (
                                <li key={c.key}>
                                  <code>{c.key}</code>: {short(c.from)} → {short(c.to)}
                                </li>
                              ))}
                            {changes.some((c) => c.key === 'geometry') && (
                              <li>
                                <code>geometry</code>
                              </li>
                            )}
                          </ul>
                        )}
                        {entry.before === null && entry.after === null ? (
                          <p className="audit-meta">{t('audit.noChange')}</p>
                        ) : (
                          <div className="audit-json">
                            <div>
                              <h4>{t('audit.before')}</h4>
                              <pre>{entry.before === null ? '—' : json(entry.before)}</pre>
                            </div>
                            <div>
                              <h4>{t('audit.after')}</h4>
                              <pre>{entry.after === null ? '—' : json(entry.after)}</pre>
                            </div>
                          </div>
                        )}
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
        <div className="audit-footer">
          {status === 'loading' && <span>{t('audit.loading')}</span>}
          {status === 'error' && (
            <span className="form-error" role="alert">
              {t('audit.error')}: {error}
            </span>
          )}
          {status === 'ready' && entries.length === 0 && <span>{t('audit.empty')}</span>}
          {status === 'ready' && entries.length > 0 && atEnd && <span>{t('audit.end')}</span>}
          {entries.length > 0 && !atEnd && (
            <button type="button" className="button" data-testid="audit-older" onClick={loadOlder} disabled={status === 'loading'}>
              {t('audit.older')}
            </button>
          )}
        </div>
      </div>
    </Panel>
  );
}
