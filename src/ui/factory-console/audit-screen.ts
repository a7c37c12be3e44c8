import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { AuditRecord } from '../../../adapters/store/factory/audit-log.js';
import { Loaded, useApi } from '../shared/components.js';
import { dateTime, t } from '../shared/i18n.js';
import { api, live } from './console-context.js';

/** Who changed what, newest first, filtered by user, entity and time. */
export function AuditScreen() {
  const [userId, setUserId] = useState('');
  const [entityId, setEntityId] = useState('');
  const [since, setSince] = useState('');
  const query = new URLSearchParams({ limit: '200' });
  if (userId.trim()) query.set('userId', userId.trim());
  if (entityId.trim()) query.set('entityId', entityId.trim());
  if (since) query.set('since', new Date(since).toISOString());
  const audit = useApi<AuditRecord[]>(api, `/api/v1/audit-log?${query}`, [live.catchUp.value]);
  const input = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);
  return html`<div class="stack">
    <section class="card filters">
      <label>${t('console.audit.user')}<input value=${userId} onChange=${input(setUserId)} /></label>
      <label>${t('console.audit.entity')}<input value=${entityId} onChange=${input(setEntityId)} /></label>
      <label>${t('console.audit.since')}<input type="datetime-local" value=${since} onChange=${input(setSince)} /></label>
    </section>
    <section class="card">
      <${Loaded} resource=${audit}>${(rows: AuditRecord[]) =>
        rows.length === 0
          ? html`<p class="muted">${t('hmi.journal.empty')}</p>`
          : html`<table data-testid="audit"><thead><tr><th>${t('hmi.col.time')}</th><th>${t('console.audit.who')}</th><th>${t('console.audit.action')}</th><th>${t('console.audit.entity')}</th><th>${t('console.audit.outcome')}</th><th>${t('console.audit.detail')}</th></tr></thead>
            <tbody>${rows.map((r) => html`<tr key=${r.id}><td>${dateTime(r.at)}</td><td>${r.username ?? r.deviceId ?? '—'}</td><td class="mono">${r.action}</td>
              <td class="mono">${r.entityType}${r.entityId ? ` ${r.entityId}` : ''}</td><td><span class=${`tag ${r.outcome === 'success' ? 'ok' : 'bad'}`}>${t(`console.audit.${r.outcome}`)}</span></td><td>${r.detail ?? ''}</td></tr>`)}</tbody></table>`}<//>
    </section>
  </div>`;
}
