import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { DeviceGroupRecord } from '../../../adapters/store/factory/group-store.js';
import type { FirmwareDeployment, FirmwareRelease } from '../../../adapters/store/factory/firmware-store.js';
import type { DeploymentCounts } from '../../../machines/factory/deployment.machine.js';
import { ApiFailure } from '../shared/api-client.js';
import { ConfirmButton, ErrorNote, Loaded, useAction, useApi } from '../shared/components.js';
import { dateTime, num, t } from '../shared/i18n.js';
import { api, deploymentTick, live } from './console-context.js';

type DeploymentRow = FirmwareDeployment & { counts: Partial<DeploymentCounts> };

/** Firmware releases (ADMIN uploads) and deployments: start one to a group, follow its progress live, abort it. */
export function FirmwareScreen() {
  const releases = useApi<FirmwareRelease[]>(api, '/api/v1/firmware/releases', [live.catchUp.value]);
  const deployments = useApi<DeploymentRow[]>(api, '/api/v1/firmware/deployments?limit=20', [deploymentTick.value, live.catchUp.value], 5000);
  const groups = useApi<DeviceGroupRecord[]>(api, api.can('ADMIN') ? '/api/v1/device-groups' : null, [live.catchUp.value]);
  const action = useAction();
  const [releaseId, setReleaseId] = useState('');
  const [groupId, setGroupId] = useState('');
  const [version, setVersion] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const upload = async (event: Event) => {
    event.preventDefault();
    if (!file) return;
    const ok = await action.run(async () => {
      const response = await fetch(`/api/v1/firmware/releases?version=${encodeURIComponent(version)}&filename=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.session.value?.token ?? ''}`, 'content-type': 'application/octet-stream' },
        body: file,
      });
      if (!response.ok) throw new ApiFailure(response.status, ((await response.json().catch(() => null)) as { error?: { code?: string } } | null)?.error?.code ?? `HTTP_${response.status}`);
    });
    if (ok) {
      setVersion('');
      setFile(null);
      releases.reload();
    }
  };
  const deploy = async () => {
    if (await action.run(() => api.post('/api/v1/firmware/deployments', { releaseId, groupId }))) deployments.reload();
  };
  const abort = async (id: string) => {
    // Reloaded either way: a 409 means it ended meanwhile (by its threshold), which the list should show.
    await action.run(() => api.post(`/api/v1/firmware/deployments/${id}/abort`, {}));
    deployments.reload();
  };
  return html`<div class="stack">
    <${ErrorNote} code=${action.error === 'NOT_FOUND' ? 'NOT_AVAILABLE' : action.error} />
    <section class="card stack" aria-labelledby="dep-h">
      <h2 id="dep-h">${t('console.deployments')}</h2>
      ${api.can('ADMIN')
        ? html`<div class="filters">
            <label>${t('console.release')}<select value=${releaseId} onChange=${(e: Event) => setReleaseId((e.target as HTMLSelectElement).value)}><option value="">—</option>
              ${(releases.data ?? []).map((r) => html`<option value=${r.id}>${r.version} (${r.filename})</option>`)}</select></label>
            <label>${t('console.group')}<select value=${groupId} onChange=${(e: Event) => setGroupId((e.target as HTMLSelectElement).value)}><option value="">—</option>
              ${(groups.data ?? []).map((g) => html`<option value=${g.id}>${g.name} (${num(g.memberCount)})</option>`)}</select></label>
            <${ConfirmButton} className="danger" label=${t('console.deploy')} disabled=${!releaseId || !groupId || action.busy} question=${t('console.deploy_confirm')} onConfirm=${deploy} />
          </div>`
        : null}
      <${Loaded} resource=${deployments}>${(list: DeploymentRow[]) =>
        list.length === 0
          ? html`<p class="muted">${t('console.deployments.empty')}</p>`
          : html`<table data-testid="deployments"><thead><tr><th>${t('console.release')}</th><th>${t('console.status')}</th><th>${t('console.progress')}</th><th>${t('console.command.created')}</th><th></th></tr></thead>
            <tbody>${list.map((d) => {
              const c = d.counts;
              const total = c.total ?? 0;
              const finished = (c.installed ?? 0) + (c.failed ?? 0) + (c.timed_out ?? 0) + (c.rolled_back ?? 0) + (c.skipped ?? 0);
              const percent = total ? Math.round((100 * finished) / total) : 0;
              return html`<tr key=${d.id} data-deployment=${d.id} data-finished=${finished} data-status=${d.status}>
                <td>${releases.data?.find((r) => r.id === d.releaseId)?.version ?? d.releaseId}</td>
                <td>${d.status}${d.reason ? html`<div class="muted">${d.reason}</div>` : null}${d.abortedBy ? html`<div class="muted" data-testid="aborted-by">${t('console.aborted_by', { user: d.abortedBy })}</div>` : null}</td>
                <td style=${{ minWidth: '220px' }}><div class="progress" role="progressbar" aria-label=${t('console.progress')} aria-valuenow=${percent} aria-valuemin="0" aria-valuemax="100"><div style=${{ width: `${percent}%` }}></div></div>
                  <span class="muted">${t('console.deploy_counts', { installed: num(c.installed ?? 0), failed: num((c.failed ?? 0) + (c.timed_out ?? 0) + (c.rolled_back ?? 0)), total: num(total) })}</span></td>
                <td>${dateTime(d.createdAt)}</td>
                <td>${api.can('ADMIN') && !d.finishedAt ? html`<${ConfirmButton} className="danger" label=${t('console.abort')} question=${t('console.abort_confirm')} onConfirm=${() => abort(d.id)} />` : null}</td>
              </tr>`;
            })}</tbody></table>`}<//>
    </section>
    <section class="card stack" aria-labelledby="rel-h">
      <h2 id="rel-h">${t('console.releases')}</h2>
      <${Loaded} resource=${releases}>${(list: FirmwareRelease[]) =>
        list.length === 0
          ? html`<p class="muted">${t('console.releases.empty')}</p>`
          : html`<table><thead><tr><th>${t('console.version')}</th><th>${t('console.file')}</th><th>${t('console.size')}</th><th>SHA-256</th><th>${t('console.command.created')}</th></tr></thead>
            <tbody>${list.map((r) => html`<tr key=${r.id}><td>${r.version}</td><td>${r.filename}</td><td>${num(r.size)}</td><td class="mono">${r.sha256.slice(0, 16)}…</td><td>${dateTime(r.createdAt)}</td></tr>`)}</tbody></table>`}<//>
      ${api.can('ADMIN')
        ? html`<form class="filters" onSubmit=${upload}>
            <label>${t('console.version')}<input value=${version} onInput=${(e: Event) => setVersion((e.target as HTMLInputElement).value)} required /></label>
            <label>${t('console.file')}<input type="file" onChange=${(e: Event) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} required /></label>
            <button type="submit" class="primary" disabled=${action.busy || !file}>${t('console.upload')}</button>
          </form>`
        : null}
    </section>
  </div>`;
}
