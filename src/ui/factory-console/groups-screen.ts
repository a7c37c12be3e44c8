import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { DeviceGroupRecord } from '../../../adapters/store/factory/group-store.js';
import type { BulkProgress } from '../../factory/groups/bulk-progress.js';
import { ErrorNote, Loaded, useAction, useApi } from '../shared/components.js';
import { num, t } from '../shared/i18n.js';
import { CommandForm } from './command-form.js';
import { api, commandTick, lastBulkProgress, live } from './console-context.js';
import type { DeviceView } from './fleet-screen.js';

/** Device groups: create, add members, send a command to all of them and watch it progress live. */
export function GroupsScreen() {
  const groups = useApi<DeviceGroupRecord[]>(api, '/api/v1/device-groups', [live.catchUp.value, commandTick.value]);
  const devices = useApi<DeviceView[]>(api, '/api/v1/devices', [live.catchUp.value]);
  const [selected, setSelected] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [member, setMember] = useState('');
  const action = useAction();
  const create = async (event: Event) => {
    event.preventDefault();
    if (await action.run(() => api.post('/api/v1/device-groups', { name: name.trim() }))) {
      setName('');
      groups.reload();
    }
  };
  const addMember = async () => {
    if (selected && member && (await action.run(() => api.post(`/api/v1/device-groups/${selected}/members`, { deviceIds: [member] })))) groups.reload();
  };
  const progress = lastBulkProgress.value as BulkProgress | null;
  return html`<div class="stack">
    <section class="card">
      <h2>${t('console.groups')}</h2>
      <${Loaded} resource=${groups}>${(list: DeviceGroupRecord[]) =>
        list.length === 0
          ? html`<p class="muted">${t('console.groups.empty')}</p>`
          : html`<table><thead><tr><th>${t('console.group')}</th><th>${t('console.members')}</th><th></th></tr></thead>
            <tbody>${list.map((g) => html`<tr key=${g.id}><td>${g.name}<div class="muted mono">${g.id}</div></td><td>${num(g.memberCount)}</td>
              <td><button type="button" class=${selected === g.id ? 'primary' : ''} onClick=${() => setSelected(g.id)}>${t('console.groups.open')}</button></td></tr>`)}</tbody></table>`}<//>
      ${api.can('MANAGER')
        ? html`<form class="row" onSubmit=${create}><label style=${{ flex: '1' }}>${t('console.groups.new')}<input value=${name} onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} required /></label>
            <button type="submit" class="primary">${t('console.groups.create')}</button></form>`
        : null}
      <${ErrorNote} code=${action.error} />
    </section>
    ${selected
      ? html`<section class="card stack">
          <h2>${t('console.group')}: ${groups.data?.find((g) => g.id === selected)?.name ?? selected}</h2>
          ${api.can('MANAGER')
            ? html`<div class="row"><label style=${{ flex: '1' }}>${t('console.groups.add_member')}<select value=${member} onChange=${(e: Event) => setMember((e.target as HTMLSelectElement).value)}>
                <option value="">—</option>${(devices.data ?? []).map((d) => html`<option value=${d.id}>${d.name} (${d.id})</option>`)}</select></label>
                <button type="button" onClick=${addMember}>${t('console.groups.add')}</button></div>
                <h3>${t('console.groups.bulk')}</h3>
                <${CommandForm} path=${`/api/v1/device-groups/${selected}/commands`} target=${selected} onSent=${() => groups.reload()} />`
            : null}
          ${progress && progress.groupId === selected
            ? html`<div data-testid="bulk-progress"><p>${t('console.groups.progress', { done: num(progress.done), total: num(progress.total), ok: num(progress.succeeded), failed: num(progress.failed + progress.timedOut + progress.expired) })}</p>
                <div class="progress" role="progressbar" aria-label=${t('console.groups.bulk')} aria-valuenow=${progress.total ? Math.round((100 * progress.done) / progress.total) : 0} aria-valuemin="0" aria-valuemax="100"><div style=${{ width: `${progress.total ? (100 * progress.done) / progress.total : 0}%` }}></div></div></div>`
            : null}
        </section>`
      : null}
  </div>`;
}
