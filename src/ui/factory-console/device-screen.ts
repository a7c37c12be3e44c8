import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { DeviceConfigView } from '../../factory/device-config/config-view.js';
import type { CommandRecord } from '../../domain/ports/command-port.js';
import { ErrorNote, Loaded, useAction, useApi } from '../shared/components.js';
import { dateTime, t } from '../shared/i18n.js';
import { CommandForm } from './command-form.js';
import { api, commandTick, fleetTick, live } from './console-context.js';
import { statusTag, type DeviceView } from './fleet-screen.js';

/** One cabinet: its status, desired vs reported config, command history (live), logs on demand, and a command to send. */
export function DeviceScreen({ id }: { id: string }) {
  const base = `/api/v1/devices/${encodeURIComponent(id)}`;
  const device = useApi<DeviceView>(api, base, [fleetTick.value, live.catchUp.value]);
  const config = useApi<DeviceConfigView>(api, `${base}/config`, [live.catchUp.value]);
  const [sent, setSent] = useState(0);
  const commands = useApi<{ items: CommandRecord[]; total: number }>(api, `${base}/commands?limit=20`, [sent, commandTick.value, fleetTick.value, live.catchUp.value], 2000);
  const [logs, setLogs] = useState<string[] | null>(null);
  const logAction = useAction();
  const pullLogs = () => logAction.run(async () => setLogs((await api.get<{ lines: string[] }>(`${base}/logs?lines=200`)).lines));
  return html`<div class="stack">
    <p><a href="#/fleet">← ${t('console.fleet')}</a></p>
    <${Loaded} resource=${device}>${(d: DeviceView) => html`<section class="card stack">
      <div class="row spread"><h2>${d.name} <span class="muted mono">${d.id}</span></h2><span data-testid="device-status">${statusTag(d.status)}</span></div>
      <p>${t('console.line')}: ${d.lineId ?? '—'} · ${t('console.line_state')}: ${d.reported?.line?.state ?? '—'} · ${t('console.version')}: ${d.reported?.softwareVersion ?? '—'}
        · ${t('console.last_seen')}: ${dateTime(d.lastHeartbeat)} · ${t('hmi.connection.mode')}: ${d.connectionMode ? t(`mode.${d.connectionMode}`) : '—'}</p>
    </section>`}<//>
    <section class="card stack" aria-labelledby="cmd-h">
      <h2 id="cmd-h">${t('console.command.title')}</h2>
      ${api.can('MANAGER') ? html`<${CommandForm} path=${`${base}/commands`} target=${id} onSent=${() => setSent((n) => n + 1)} />` : html`<p class="muted">${t('console.command.manager_only')}</p>`}
      <${Loaded} resource=${commands}>${(page: { items: CommandRecord[] }) => html`<table data-testid="command-history">
        <thead><tr><th>${t('console.command.type')}</th><th>${t('console.status')}</th><th>${t('console.command.created')}</th><th>${t('console.command.result')}</th></tr></thead>
        <tbody>${page.items.map(
          (c) => html`<tr key=${c.id} data-command=${c.type} data-status=${c.status}>
            <td>${t(`console.cmd.${c.type}`)}</td>
            <td><span class=${`tag ${c.status === 'SUCCEEDED' ? 'ok' : ['FAILED', 'TIMED_OUT', 'EXPIRED'].includes(c.status) ? 'bad' : 'warn'}`}>${t(`console.cmdstatus.${c.status}`)}</span>${c.stage ? html` <span class="muted">${c.stage}</span>` : null}</td>
            <td>${dateTime(c.createdAt)}<div class="muted">${c.createdBy ?? ''}</div></td>
            <td>${c.error ? html`<span class="error-note">${c.error.code}</span>` : c.result !== null && c.result !== undefined ? html`<details><summary>${t('hmi.details')}</summary><pre>${JSON.stringify(c.result, null, 2)}</pre></details>` : ''}</td>
          </tr>`,
        )}</tbody></table>`}<//>
    </section>
    <div class="two-col">
      <section class="card" aria-labelledby="cfg-h">
        <h2 id="cfg-h">${t('console.config')}</h2>
        <${Loaded} resource=${config}>${(c: DeviceConfigView) => html`
          <p>${t('console.config.version')}: ${c.version} / ${c.reportedVersion ?? '—'} · ${c.inSync ? html`<span class="tag ok">${t('console.config.in_sync')}</span>` : html`<span class="tag warn">${t('console.config.differs')}</span>`}</p>
          ${c.differences.length
            ? html`<table><thead><tr><th>${t('console.config.setting')}</th><th>${t('console.config.desired')}</th><th>${t('console.config.reported')}</th></tr></thead>
              <tbody>${c.differences.map((d) => html`<tr><td class="mono">${d.path}</td><td class="mono">${JSON.stringify(d.desired)}</td><td class="mono">${JSON.stringify(d.reported)}</td></tr>`)}</tbody></table>`
            : null}
          <div class="two-col"><div><h3>${t('console.config.desired')}</h3><pre>${JSON.stringify(c.desired, null, 2)}</pre></div><div><h3>${t('console.config.reported')}</h3><pre>${JSON.stringify(c.reported, null, 2)}</pre></div></div>`}<//>
      </section>
      <section class="card stack" aria-labelledby="logs-h">
        <h2 id="logs-h">${t('console.logs')}</h2>
        ${api.can('MANAGER') ? html`<div class="row"><button type="button" class="primary" disabled=${logAction.busy} onClick=${pullLogs}>${t('console.logs.pull')}</button></div>` : null}
        <${ErrorNote} code=${logAction.error} />
        ${logs ? html`<pre data-testid="logs">${logs.join('\n')}</pre>` : null}
      </section>
    </div>
  </div>`;
}
