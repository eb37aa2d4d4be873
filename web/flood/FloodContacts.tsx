import './contacts.css';
import { Panel } from '../map/Shell.tsx';
import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, type EscalationChain, type FloodContact, type FloodContacts, type NewFloodContact } from '../api/client.ts';
import { useViewerGeneration } from '../api/useResource.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import { useLanguage } from '../i18n/LanguageProvider.tsx';
import { fill, type MessageKey } from '../i18n/strings.ts';

/** The municipality's four zones (data/: zones 1–4); a zone without its own chain uses the city's. */
const ZONES = [1, 2, 3, 4] as const;
type ChainKey = 'city' | (typeof ZONES)[number];
type Channel = FloodContact['channel'];

const chainKeyOf = (zoneId: number | null): ChainKey => (zoneId === null ? 'city' : (zoneId as ChainKey));
const CHANNEL_LABEL: Record<Channel, string> = { line: 'LINE', webhook: 'webhook' };

/** `U4af4…9c1e`: enough of a LINE id to tell two apart; the whole id is in the title. */
function shortAddress(channel: Channel, address: string): string {
  return channel === 'line' && address.length > 12 ? `${address.slice(0, 5)}…${address.slice(-4)}` : address;
}

/** Field errors of a refused form, keyed by the server's `field` ("address", "steps.0.contact_id"…). */
type FieldErrors = Record<string, string>;

function useErrorText() {
  const { t } = useLanguage();
  /** The server's 400, in the reader's language where the field is one we know. */
  return (error: unknown, channel?: Channel): { field: string; message: string } => {
    if (error instanceof ApiError) {
      const field = error.field ?? 'form';
      const detail = error.detail.startsWith(`${field}: `) ? error.detail.slice(field.length + 2) : error.detail;
      if (error.status === 400 && field === 'address' && channel) return { field, message: t(`flood.contacts.error.address.${channel}`) };
      if (error.status === 400 && (field === 'quiet_from' || field === 'quiet_to')) return { field, message: t('flood.contacts.error.quiet') };
      return { field, message: detail };
    }
    return { field: 'form', message: t('flood.action.failed') };
  };
}

function FieldError({ errors, field }: { errors: FieldErrors; field: string }) {
  const message = errors[field];
  if (!message) return null;
  return (
    <span className="field-error contacts-field-error" role="alert" data-testid={`contact-error-${field}`}>
      {message}
    </span>
  );
}

/** Quiet hours as a person reads them; red alerts go out regardless (server/flood/notify/quietHours.ts). */
function QuietHours({ contact }: { contact: Pick<FloodContact, 'quiet_from' | 'quiet_to'> }) {
  const { t } = useLanguage();
  if (!contact.quiet_from || !contact.quiet_to) return <span className="contacts-soft">{t('flood.contacts.noQuiet')}</span>;
  return <>{fill(t('flood.contacts.quiet'), { from: contact.quiet_from, to: contact.quiet_to })}</>;
}

/**
 * "Who is notified": every escalation chain, the contacts they draw on, and forms to add a
 * contact, change one's quiet hours or pause it, and reorder a chain. For disaster staff and
 * administrators; the server refuses everyone else.
 */
export function FloodContactsPanel({ onClose }: { onClose: () => void }) {
  const { t } = useLanguage();
  const generation = useViewerGeneration();
  const [data, setData] = useState<FloodContacts | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [editing, setEditing] = useState<ChainKey | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      setData(await api.floodContacts());
      setLoadError(null);
    } catch (error) {
      setLoadError(error instanceof Error ? error.message : String(error));
    }
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new viewer (`generation`) sees their own contacts.
  useEffect(() => {
    void reload();
  }, [reload, generation]);

  const zoneName = (key: ChainKey) => (key === 'city' ? t('flood.contacts.city') : fill(t('flood.contacts.zone'), { n: key }));

  return (
    <Panel className="flood-contacts" testId="flood-contacts" aria-label={t('flood.contacts.title')}>
      <header className="flood-contacts-header">
        <div>
          <h2>{t('flood.contacts.title')}</h2>
          <p className="contacts-soft">{t('flood.contacts.hint')}</p>
        </div>
        {status && (
          <span className="contacts-status" role="status" data-testid="contacts-status">
            {status}
          </span>
        )}
        <button type="button" className="close" onClick={onClose} aria-label={t('flood.contacts.close')} title={t('flood.contacts.close')}>
          ×
        </button>
      </header>
      {loadError && <p className="form-error">{loadError}</p>}
      {!data && !loadError && <p className="hint">{t('flood.contacts.loading')}</p>}
      {data && (
        <div className="flood-contacts-body">
          <h3>{t('flood.contacts.chains')}</h3>
          <ChainList data={data} zoneName={zoneName} onEdit={setEditing} editing={editing} />
          {editing !== null && (
            <ChainEditor
              key={editing}
              zone={editing}
              data={data}
              zoneName={zoneName}
              onZone={setEditing}
              onCancel={() => setEditing(null)}
              onSaved={(chains) => {
                setData({ ...data, chains });
                setEditing(null);
                setStatus(t('flood.contacts.chainSaved'));
              }}
            />
          )}
          <h3>{t('flood.contacts.people')}</h3>
          <ContactTable
            contacts={data.contacts}
            onSaved={() => {
              setStatus(t('flood.contacts.saved'));
              void reload();
            }}
          />
          <NewContactForm
            onAdded={(contact) => {
              setStatus(fill(t('flood.contacts.added'), { name: contact?.name ?? '' }));
              void reload();
            }}
          />
        </div>
      )}
    </Panel>
  );
}

function ChainList({
  data,
  zoneName,
  onEdit,
  editing,
}: {
  data: FloodContacts;
  zoneName: (key: ChainKey) => string;
  onEdit: (key: ChainKey) => void;
  editing: ChainKey | null;
}) {
  const { t } = useLanguage();
  const byId = new Map(data.contacts.map((c) => [c.id, c]));
  // Staff scoped to zones manage only those zones' chains (the server lists no other chain).
  const scope = useAuth().permissions.zones;
  const own = new Set(data.chains.map((c) => chainKeyOf(c.zone_id)));
  // The city's chain first even when it is empty: it is what every other zone falls back on.
  const chains: EscalationChain[] = own.has('city') || scope !== null ? data.chains : [{ zone_id: null, steps: [] }, ...data.chains];
  const borrowing = ZONES.filter((z) => !own.has(z) && (scope === null || scope.includes(z)));
  const editButton = (key: ChainKey, label: ReactNode) => (
    <button type="button" className="link-button" data-testid={`chain-edit-${key}`} aria-pressed={editing === key} onClick={() => onEdit(key)}>
      {label}
    </button>
  );
  return (
    <div className="chain-list">
      {chains.map((chain) => {
        const key = chainKeyOf(chain.zone_id);
        return (
          <section key={key} className="chain-card" data-testid="chain" data-zone={key}>
            <h4>
              <span>{zoneName(key)}</span>
              {editButton(key, t('flood.contacts.edit'))}
            </h4>
            {chain.steps.length === 0 && <p className="contacts-soft">{t('flood.contacts.noSteps')}</p>}
            <ol className="chain-steps">
              {chain.steps.map((step) => {
                const contact = byId.get(step.contact_id);
                return (
                  <li key={step.step} data-testid="chain-step" data-contact-id={step.contact_id}>
                    <span className="chain-step-no">{step.step + 1}.</span>
                    <span>
                      <b>{step.contact_name}</b>
                      {contact && <span className="contacts-soft"> ({contact.position})</span>}
                      <span className="chain-step-meta">
                        {contact ? CHANNEL_LABEL[contact.channel] : ''}
                        {' · '}
                        {fill(t('flood.contacts.ackWithin'), { min: Math.round(step.ack_within_s / 60) })}
                      </span>
                    </span>
                  </li>
                );
              })}
            </ol>
          </section>
        );
      })}
      {borrowing.length > 0 && (
        <p className="chain-borrowing contacts-soft" data-testid="chain-borrowing">
          {t('flood.contacts.usesCity')}{' '}
          {borrowing.map((z) => (
            <span key={z}>{editButton(z, zoneName(z))} </span>
          ))}
        </p>
      )}
    </div>
  );
}

interface DraftStep {
  key: number;
  contact_id: number | '';
  minutes: string;
}
let draftKeys = 0;

function ChainEditor({
  zone,
  data,
  zoneName,
  onZone,
  onCancel,
  onSaved,
}: {
  zone: ChainKey;
  data: FloodContacts;
  zoneName: (key: ChainKey) => string;
  onZone: (key: ChainKey) => void;
  onCancel: () => void;
  onSaved: (chains: EscalationChain[]) => void;
}) {
  const { t } = useLanguage();
  const errorText = useErrorText();
  const scope = useAuth().permissions.zones;
  const current = data.chains.find((c) => chainKeyOf(c.zone_id) === zone);
  const [steps, setSteps] = useState<DraftStep[]>(() =>
    (current?.steps ?? []).map((s) => ({ key: ++draftKeys, contact_id: s.contact_id, minutes: String(Math.round(s.ack_within_s / 60)) })),
  );
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  const move = (i: number, by: number) =>
    setSteps((all) => {
      const next = [...all];
      const [moved] = next.splice(i, 1);
      next.splice(i + by, 0, moved!);
      return next;
    });
  const change = (i: number, patch: Partial<DraftStep>) => setSteps((all) => all.map((s, j) => (j === i ? { ...s, ...patch } : s)));

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const missing = steps.findIndex((s) => s.contact_id === '');
    if (missing >= 0) {
      setErrors({ [`steps.${missing}.contact_id`]: t('flood.contacts.chooseContact') });
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const chains = await api.saveEscalationChain(
        zone,
        steps.map((s) => ({
          contact_id: Number(s.contact_id),
          ack_within_s: Math.round(Number(s.minutes) * 60),
        })),
      );
      onSaved(chains);
    } catch (error) {
      const { field, message } = errorText(error);
      // "steps.2.ack_within_s" and "steps.2.contact_id" both belong to the third row.
      const row = /^steps\.(\d+)\./.exec(field);
      setErrors({ [row ? `steps.${row[1]}` : 'chain']: message });
    } finally {
      setBusy(false);
    }
  };

  const choosable = data.contacts.filter((c) => c.active);
  return (
    <form className="chain-editor" data-testid="chain-editor" data-zone={zone} onSubmit={save}>
      <div className="chain-editor-head">
        <b>{t('flood.contacts.editChain')}</b>
        <label>
          {t('flood.contacts.chainFor')}{' '}
          <select
            data-testid="chain-zone"
            value={String(zone)}
            onChange={(e) => onZone(e.target.value === 'city' ? 'city' : (Number(e.target.value) as ChainKey))}
          >
            {(scope === null ? (['city', ...ZONES] as ChainKey[]) : ZONES.filter((z) => scope.includes(z))).map((k) => (
              <option key={k} value={String(k)}>
                {zoneName(k)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {steps.length === 0 && zone !== 'city' && <p className="contacts-soft">{t('flood.contacts.zoneEmpty')}</p>}
      <ol className="chain-editor-steps">
        {steps.map((step, i) => {
          const chosen = data.contacts.find((c) => c.id === step.contact_id);
          return (
            <li key={step.key} data-testid="chain-editor-step">
              <span className="chain-step-no">{i + 1}.</span>
              <select
                data-testid="step-contact"
                aria-label={t('flood.contacts.name')}
                value={String(step.contact_id)}
                onChange={(e) => change(i, { contact_id: e.target.value === '' ? '' : Number(e.target.value) })}
              >
                <option value="">{t('flood.contacts.chooseContact')}</option>
                {chosen && !chosen.active && (
                  <option value={chosen.id}>
                    {chosen.name} {t('flood.contacts.inactiveContact')}
                  </option>
                )}
                {choosable.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name} · {CHANNEL_LABEL[c.channel]}
                  </option>
                ))}
              </select>
              <label className="chain-minutes">
                <input
                  type="number"
                  min={1}
                  max={1440}
                  required
                  data-testid="step-minutes"
                  value={step.minutes}
                  onChange={(e) => change(i, { minutes: e.target.value })}
                />
                {t('flood.contacts.minutes')}
              </label>
              <span className="chain-step-buttons">
                <button
                  type="button"
                  className="icon-button"
                  data-testid="step-up"
                  disabled={i === 0}
                  onClick={() => move(i, -1)}
                  title={t('flood.contacts.up')}
                  aria-label={t('flood.contacts.up')}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="icon-button"
                  data-testid="step-down"
                  disabled={i === steps.length - 1}
                  onClick={() => move(i, 1)}
                  title={t('flood.contacts.down')}
                  aria-label={t('flood.contacts.down')}
                >
                  ↓
                </button>
                <button
                  type="button"
                  className="icon-button"
                  data-testid="step-remove"
                  onClick={() => setSteps((all) => all.filter((_, j) => j !== i))}
                  title={t('flood.contacts.remove')}
                  aria-label={t('flood.contacts.remove')}
                >
                  ×
                </button>
              </span>
              <FieldError errors={errors} field={`steps.${i}`} />
              <FieldError errors={errors} field={`steps.${i}.contact_id`} />
            </li>
          );
        })}
      </ol>
      <FieldError errors={errors} field="chain" />
      <div className="chain-editor-actions">
        <button
          type="button"
          className="button"
          data-testid="step-add"
          disabled={steps.length >= 10}
          onClick={() => setSteps((all) => [...all, { key: ++draftKeys, contact_id: '', minutes: '10' }])}
        >
          {t('flood.contacts.addStep')}
        </button>
        <span className="spacer" />
        <button type="button" className="button" onClick={onCancel}>
          {t('flood.contacts.cancel')}
        </button>
        <button type="submit" className="button button-primary" data-testid="chain-save" disabled={busy}>
          {t('flood.contacts.saveChain')}
        </button>
      </div>
    </form>
  );
}

function ContactTable({ contacts, onSaved }: { contacts: FloodContact[]; onSaved: () => void }) {
  const { t } = useLanguage();
  const [editing, setEditing] = useState<number | null>(null);
  return (
    <table className="contacts-table" data-testid="contacts-table">
      <thead>
        <tr>
          <th>{t('flood.contacts.col.name')}</th>
          <th>{t('flood.contacts.col.channel')}</th>
          <th>{t('flood.contacts.col.address')}</th>
          <th>{t('flood.contacts.col.quiet')}</th>
          <th>{t('flood.contacts.col.active')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {contacts.map((c) =>
          editing === c.id ? (
            <ContactEditRow
              key={c.id}
              contact={c}
              onDone={(saved) => {
                setEditing(null);
                if (saved) onSaved();
              }}
            />
          ) : (
            <tr key={c.id} data-testid="contact-row" data-contact-id={c.id} className={c.active ? '' : 'contact-inactive'}>
              <td>
                <b>{c.name}</b>
                <span className="contacts-soft contacts-position">{c.position}</span>
              </td>
              <td>{CHANNEL_LABEL[c.channel]}</td>
              <td>
                <code className="contacts-address" title={c.address}>
                  {shortAddress(c.channel, c.address)}
                </code>
              </td>
              <td className="contacts-quiet" data-testid="contact-quiet">
                <QuietHours contact={c} />
              </td>
              <td data-testid="contact-active">{c.active ? t('flood.contacts.active') : t('flood.contacts.inactive')}</td>
              <td>
                <button type="button" className="link-button" data-testid="contact-edit" onClick={() => setEditing(c.id)}>
                  {t('flood.contacts.edit')}
                </button>
              </td>
            </tr>
          ),
        )}
      </tbody>
    </table>
  );
}

/** Quiet hours and the active flag, changed in place. */
function ContactEditRow({ contact, onDone }: { contact: FloodContact; onDone: (saved: boolean) => void }) {
  const { t } = useLanguage();
  const errorText = useErrorText();
  const [from, setFrom] = useState(contact.quiet_from ?? '');
  const [to, setTo] = useState(contact.quiet_to ?? '');
  const [active, setActive] = useState(contact.active);
  const [errors, setErrors] = useState<FieldErrors>({});

  const save = async () => {
    setErrors({});
    try {
      await api.updateFloodContact(contact.id, { quiet_from: from.trim() || null, quiet_to: to.trim() || null, active });
      onDone(true);
    } catch (error) {
      const { field, message } = errorText(error, contact.channel);
      setErrors({ [field === 'quiet_from' || field === 'quiet_to' ? 'quiet' : 'form']: message });
    }
  };

  return (
    <tr data-testid="contact-edit-row" data-contact-id={contact.id} className="contact-editing">
      <td>
        <b>{contact.name}</b>
        <span className="contacts-soft contacts-position">{contact.position}</span>
      </td>
      <td>{CHANNEL_LABEL[contact.channel]}</td>
      <td>
        <code className="contacts-address" title={contact.address}>
          {shortAddress(contact.channel, contact.address)}
        </code>
      </td>
      <td>
        <span className="quiet-inputs">
          <input
            data-testid="edit-quiet-from"
            aria-label={t('flood.contacts.quietFrom')}
            placeholder="--:--"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
          />
          –
          <input data-testid="edit-quiet-to" aria-label={t('flood.contacts.quietTo')} placeholder="--:--" value={to} onChange={(e) => setTo(e.target.value)} />
        </span>
        <FieldError errors={errors} field="quiet" />
      </td>
      <td>
        <label className="contacts-check">
          <input type="checkbox" data-testid="edit-active" checked={active} onChange={(e) => setActive(e.target.checked)} />
          {t('flood.contacts.active')}
        </label>
      </td>
      <td className="contacts-row-actions">
        <button type="button" className="button button-primary" data-testid="contact-save" onClick={() => void save()}>
          {t('flood.contacts.save')}
        </button>
        <button type="button" className="button" onClick={() => onDone(false)}>
          {t('flood.contacts.cancel')}
        </button>
        <FieldError errors={errors} field="form" />
      </td>
    </tr>
  );
}

const EMPTY_CONTACT = { name: '', position: '', channel: 'line' as Channel, address: '', quiet_from: '', quiet_to: '', username: '' };

function NewContactForm({ onAdded }: { onAdded: (contact: FloodContact | undefined) => void }) {
  const { t } = useLanguage();
  const errorText = useErrorText();
  const [form, setForm] = useState(EMPTY_CONTACT);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<typeof EMPTY_CONTACT>) => setForm((f) => ({ ...f, ...patch }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    const body: NewFloodContact = {
      name: form.name,
      position: form.position,
      channel: form.channel,
      address: form.address.trim(),
      quiet_from: form.quiet_from.trim() || null,
      quiet_to: form.quiet_to.trim() || null,
      username: form.username.trim() || null,
    };
    try {
      const contact = await api.createFloodContact(body);
      setForm(EMPTY_CONTACT);
      onAdded(contact);
    } catch (error) {
      const { field, message } = errorText(error, form.channel);
      setErrors({ [field === 'quiet_from' ? 'quiet_to' : field]: message });
    } finally {
      setBusy(false);
    }
  };

  const known = new Set(['name', 'position', 'channel', 'address', 'quiet_to', 'username']);
  const field = (name: keyof typeof EMPTY_CONTACT, label: MessageKey, input: ReactNode, wide = false) => (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is `input`, passed in.
    <label className={wide ? 'contacts-field wide' : 'contacts-field'}>
      <span>{t(label)}</span>
      {input}
      <FieldError errors={errors} field={name} />
    </label>
  );
  const text = (name: keyof typeof EMPTY_CONTACT, extra: { placeholder?: string; required?: boolean } = {}) => (
    <input
      data-testid={`contact-${name}`}
      value={form[name]}
      aria-invalid={errors[name] ? true : undefined}
      onChange={(e) => set({ [name]: e.target.value })}
      {...extra}
    />
  );

  return (
    <form className="contact-form" data-testid="contact-form" onSubmit={submit}>
      <h4>{t('flood.contacts.add')}</h4>
      <div className="contact-form-grid">
        {field('name', 'flood.contacts.name', text('name', { required: true }))}
        {field('position', 'flood.contacts.position', text('position', { required: true }), true)}
        {field(
          'channel',
          'flood.contacts.channel',
          <select data-testid="contact-channel" value={form.channel} onChange={(e) => set({ channel: e.target.value as Channel })}>
            <option value="line">LINE</option>
            <option value="webhook">webhook</option>
          </select>,
        )}
        {field('address', 'flood.contacts.address', text('address', { required: true, placeholder: t(`flood.contacts.addressHint.${form.channel}`) }), true)}
        <label className="contacts-field">
          <span>{t('flood.contacts.col.quiet')}</span>
          <span className="quiet-inputs">
            <input
              data-testid="contact-quiet_from"
              aria-label={t('flood.contacts.quietFrom')}
              placeholder="--:--"
              value={form.quiet_from}
              aria-invalid={errors.quiet_to ? true : undefined}
              onChange={(e) => set({ quiet_from: e.target.value })}
            />
            –
            <input
              data-testid="contact-quiet_to"
              aria-label={t('flood.contacts.quietTo')}
              placeholder="--:--"
              value={form.quiet_to}
              aria-invalid={errors.quiet_to ? true : undefined}
              onChange={(e) => set({ quiet_to: e.target.value })}
            />
          </span>
          <FieldError errors={errors} field="quiet_to" />
        </label>
        {field('username', 'flood.contacts.username', text('username'))}
      </div>
      <div className="contact-form-actions">
        <span className="contacts-soft">{t('flood.contacts.quietHint')}</span>
        {Object.keys(errors)
          .filter((k) => !known.has(k))
          .map((k) => (
            <FieldError key={k} errors={errors} field={k} />
          ))}
        <span className="spacer" />
        <button type="submit" className="button button-primary" data-testid="contact-add" disabled={busy}>
          {t('flood.contacts.add')}
        </button>
      </div>
    </form>
  );
}
