import { html } from 'htm/preact';
import { ErrorNote, Loaded, useAction, useApi } from '../shared/components.js';
import { dateTime, num, t } from '../shared/i18n.js';
import { api, live } from './hmi-context.js';

interface SyncStatus {
  queueSize: number;
  oldestItem: string | null;
  lastSync: string | null;
  syncErrors: number;
  state: string;
  parked: number;
  synced: number;
  lastError: string | null;
}

interface ConnectionStatus {
  mode: string;
  modeReason: string | null;
  connected: boolean;
  lastSync: string | null;
  queueSize: number;
  target: { ready: boolean; reason: string | null; lastError: string | null };
}

/** Where the codes go: the backlog, the last successful sync, parked items, and "sync now". */
export function SyncScreen() {
  const sync = useApi<SyncStatus>(api, '/api/v1/sync/status', [live.catchUp.value], 3000);
  const connection = useApi<ConnectionStatus>(api, '/api/v1/connection/status', [live.catchUp.value], 5000);
  const parked = useApi<unknown[]>(api, '/api/v1/sync/parked', [live.catchUp.value], 10000);
  const action = useAction();
  return html`<div class="stack">
    <section class="card stack" aria-labelledby="sync-h">
      <h2 id="sync-h">${t('hmi.sync')}</h2>
      <${Loaded} resource=${sync}>${(s: SyncStatus) => html`<div class="counters">
        <div class="counter"><div class="value" data-testid="sync-backlog">${num(s.queueSize)}</div><div class="name">${t('hmi.sync.backlog')}</div></div>
        <div class="counter"><div class="value">${s.lastSync ? dateTime(s.lastSync) : '—'}</div><div class="name">${t('hmi.sync.last')}</div></div>
        <div class="counter"><div class="value">${num(s.parked)}</div><div class="name">${t('hmi.sync.parked')}</div></div>
        <div class="counter"><div class="value">${num(s.synced)}</div><div class="name">${t('hmi.sync.synced')}</div></div>
      </div>
      ${s.lastError ? html`<p class="error-note">${t('hmi.last_error')}: ${s.lastError}</p>` : null}`}<//>
      <div class="row"><button type="button" class="primary big" disabled=${action.busy} onClick=${() => void action.run(() => api.post('/api/v1/cloud/sync')).then(() => sync.reload())}>${t('hmi.sync.now')}</button></div>
      <${ErrorNote} code=${action.error} />
    </section>
    <section class="card" aria-labelledby="conn-h">
      <h2 id="conn-h">${t('hmi.connection')}</h2>
      <${Loaded} resource=${connection}>${(c: ConnectionStatus) => html`<p>
        ${t('hmi.connection.mode')}: <strong>${t(`mode.${c.mode}`)}</strong> · ${c.connected ? t('hmi.connection.up') : t('hmi.connection.down')}
        ${c.modeReason ? html`<br /><span class="muted">${c.modeReason}</span>` : null}
        ${c.target.reason ? html`<br /><span class="muted">${c.target.reason}</span>` : null}</p>`}<//>
    </section>
    <section class="card" aria-labelledby="parked-h">
      <h2 id="parked-h">${t('hmi.sync.parked')}</h2>
      <${Loaded} resource=${parked}>${(items: unknown[]) => (items.length === 0 ? html`<p class="muted">${t('hmi.sync.no_parked')}</p>` : html`<pre>${JSON.stringify(items.slice(0, 20), null, 2)}</pre>`)}<//>
    </section>
  </div>`;
}
