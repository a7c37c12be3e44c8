import { html } from 'htm/preact';
import type { deviceView } from '../../../api/factory/devices.routes.js';
import type { ReportedStatus } from '../../domain/device-channel.js';
import { Loaded, useApi } from '../shared/components.js';
import { dateTime, num, t } from '../shared/i18n.js';
import { api, fleetTick, live } from './console-context.js';
import { noteReading, rates } from './fleet-rate.js';

/** A device as `GET /api/v1/devices` lists it; `reported` is the edge's status (the channel's zod schema). */
export type DeviceView = Omit<ReturnType<typeof deviceView>, 'reported'> & { reported: ReportedStatus | null };

export const statusTag = (status: string) => html`<span class=${`tag ${status === 'online' ? 'ok' : status === 'stale' ? 'warn' : 'bad'}`} data-status=${status}>${t(`console.status.${status}`)}</span>`;

/** One row per line cabinet: state, line state, rate, backlog, version, last seen. */
export function FleetScreen() {
  const devices = useApi<DeviceView[]>(api, '/api/v1/devices', [fleetTick.value, live.catchUp.value], 10_000);
  for (const d of devices.data ?? []) noteReading(d.id, d.reported?.line?.accepted);
  return html`<section class="card">
    <h2>${t('console.fleet')}</h2>
    <${Loaded} resource=${devices}>${(list: DeviceView[]) =>
      list.length === 0
        ? html`<p class="muted">${t('console.fleet.empty')}</p>`
        : html`<table data-testid="fleet">
          <thead><tr><th>${t('console.device')}</th><th>${t('console.line')}</th><th>${t('console.status')}</th><th>${t('console.line_state')}</th><th>${t('console.rate')}</th><th>${t('console.backlog')}</th><th>${t('console.version')}</th><th>${t('console.last_seen')}</th></tr></thead>
          <tbody>${list.map(
            (d) => html`<tr key=${d.id} data-device=${d.id}>
              <td><a href=${`#/device/${encodeURIComponent(d.id)}`}>${d.name}</a><div class="muted mono">${d.id}</div></td>
              <td>${d.lineId ?? '—'}</td>
              <td>${statusTag(d.status)}</td>
              <td>${d.reported?.line?.state ?? '—'}</td>
              <td>${rates.value[d.id] !== undefined ? `${num(rates.value[d.id])} ${t('console.per_min')}` : '—'}</td>
              <td>${num(d.reported?.syncQueue?.pending)}</td>
              <td>${d.reported?.softwareVersion ?? '—'}</td>
              <td>${dateTime(d.lastHeartbeat)}</td>
            </tr>`,
          )}</tbody></table>`}<//>
  </section>`;
}
