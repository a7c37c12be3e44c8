import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { ErrorNote, Loaded, useAction, useApi } from '../shared/components.js';
import { dateTime, locale, t } from '../shared/i18n.js';
import type { JournalEntryView } from './contract-types.js';
import { alarms, api, live } from './hmi-context.js';
import { entryText } from './journal-text.js';

const SEVERITIES = ['', 'info', 'warning', 'alarm', 'critical'] as const;

/** The HMI journal: newest first, filters by severity and "waiting for acknowledgement", ack per row, a note, export. */
export function JournalScreen() {
  const [severity, setSeverity] = useState('');
  const [onlyOpen, setOnlyOpen] = useState(false);
  const query = new URLSearchParams({ limit: '100', lang: locale.value });
  if (severity) query.set('severity', severity);
  if (onlyOpen) query.set('ack', 'false');
  const list = useApi<{ events: JournalEntryView[] }>(api, `/api/v1/events?${query}`, [alarms.journalTick.value, live.catchUp.value]);
  const action = useAction();
  const [note, setNote] = useState('');
  const addNote = async (event: Event) => {
    event.preventDefault();
    if (!note.trim()) return;
    if (await action.run(() => api.post('/api/v1/events', { text: note.trim() }))) {
      setNote('');
      list.reload();
    }
  };
  const exportQuery = new URLSearchParams(query);
  exportQuery.delete('limit');
  return html`<div class="stack">
    <section class="card">
      <div class="filters">
        <label>${t('hmi.journal.severity')}<select value=${severity} onChange=${(e: Event) => setSeverity((e.target as HTMLSelectElement).value)}>
          ${SEVERITIES.map((s) => html`<option value=${s}>${s ? t(`severity.${s}`) : t('ui.all')}</option>`)}
        </select></label>
        <label class="row"><input type="checkbox" style=${{ width: '32px' }} checked=${onlyOpen} onChange=${(e: Event) => setOnlyOpen((e.target as HTMLInputElement).checked)} />${t('hmi.journal.only_open')}</label>
        <button type="button" onClick=${() => void action.run(() => alarms.ackAll()).then(() => list.reload())} disabled=${alarms.open.value.length === 0}>${t('hmi.alarm.ack_all')}</button>
        <button type="button" onClick=${() => void exportCsv(`/api/v1/events/export?format=csv&${exportQuery}`)}>${t('hmi.journal.export')}</button>
      </div>
    </section>
    <form class="card row" onSubmit=${addNote}>
      <label style=${{ flex: '1' }}>${t('hmi.journal.note')}<input value=${note} maxlength="2000" onInput=${(e: Event) => setNote((e.target as HTMLInputElement).value)} /></label>
      <button type="submit" class="primary">${t('hmi.journal.add_note')}</button>
    </form>
    <${ErrorNote} code=${action.error} />
    <section class="card">
      <${Loaded} resource=${list}>${(data: { events: JournalEntryView[] }) =>
        data.events.length === 0
          ? html`<p class="muted">${t('hmi.journal.empty')}</p>`
          : html`<table class="journal"><thead><tr><th>${t('hmi.col.time')}</th><th>${t('hmi.journal.severity')}</th><th>${t('hmi.journal.message')}</th><th>${t('hmi.journal.ack')}</th></tr></thead>
            <tbody>${data.events.map(
              (e) => html`<tr key=${e.id} class=${e.severity} data-testid="journal-row">
                <td>${dateTime(e.timestamp)}</td>
                <td><span class=${`tag ${e.severity === 'alarm' || e.severity === 'critical' ? 'bad' : e.severity === 'warning' ? 'warn' : 'ok'}`}>${t(`severity.${e.severity}`)}</span></td>
                <td>${entryText(e)}${e.user ? html` <span class="muted">(${e.user})</span>` : null}</td>
                <td>${e.requiresAck
                  ? e.acknowledged
                    ? html`<span class="muted">✔ ${e.ackedBy ?? ''}</span>`
                    : html`<button type="button" class="primary" onClick=${() => void action.run(() => alarms.ack(e.id)).then(() => list.reload())}>${t('hmi.alarm.ack')}</button>`
                  : ''}</td>
              </tr>`,
            )}</tbody></table>`}<//>
    </section>
  </div>`;
}

/** The export needs the bearer token, so it is fetched and handed to the browser as a file. */
async function exportCsv(path: string): Promise<void> {
  const response = await fetch(path, { headers: { authorization: `Bearer ${api.session.value?.token ?? ''}` } });
  if (!response.ok) return;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = `journal-${new Date().toISOString().slice(0, 10)}.csv`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
