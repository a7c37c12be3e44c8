import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { provisioningView } from '../../../api/edge/provisioning.routes.js';
import { CONNECTION_MODES } from '../../domain/connection-mode.js';
import { ConfirmButton, ErrorNote, Loaded, useAction, useApi } from '../shared/components.js';
import { t } from '../shared/i18n.js';
import { api, live } from './hmi-context.js';

type Provisioning = ReturnType<typeof provisioningView>;
interface CloudDevice {
  id?: string;
  deviceId?: string;
  name?: string;
  deviceName?: string;
}

/** Managers: the provisioning wizard (cloud sign-in → pick a device → activate); admins also switch the connection mode. */
export function SetupScreen() {
  const status = useApi<Provisioning>(api, '/api/v1/provision/status', [live.catchUp.value]);
  const mode = useApi<{ mode: string }>(api, '/api/v1/connection/mode', [live.catchUp.value]);
  const action = useAction();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [devices, setDevices] = useState<CloudDevice[] | null>(null);
  const [picked, setPicked] = useState('');

  const signIn = async (event: Event) => {
    event.preventDefault();
    if (await action.run(() => api.post('/api/v1/provision/signin', { email, password }))) {
      setPassword('');
      status.reload();
      await action.run(async () => setDevices(await api.get<CloudDevice[]>('/api/v1/provision/devices')));
    }
  };
  const activate = async () => {
    if (await action.run(() => api.post('/api/v1/provision/activate', { deviceId: picked }))) {
      setDevices(null);
      status.reload();
    }
  };
  const step = devices ? 2 : 1;
  return html`<div class="stack">
    <section class="card stack" aria-labelledby="prov-h">
      <h2 id="prov-h">${t('setup.provisioning')}</h2>
      <${Loaded} resource=${status}>${(s: Provisioning) => html`<p>${t('setup.status')}: <strong data-testid="prov-status">${t(`provision.${s.status}`)}</strong>
        ${s.deviceName ? html` · ${s.deviceName} (${s.companyName ?? ''})` : null}</p>`}<//>
      <div class="steps" aria-hidden="true">
        <span class=${step === 1 ? 'on' : ''}>1. ${t('setup.step.signin')}</span><span class=${step === 2 ? 'on' : ''}>2. ${t('setup.step.pick')}</span><span>3. ${t('setup.step.activate')}</span>
      </div>
      ${step === 1
        ? html`<form class="stack" onSubmit=${signIn}>
            <label>${t('setup.email')}<input type="email" autocomplete="username" value=${email} onInput=${(e: Event) => setEmail((e.target as HTMLInputElement).value)} required /></label>
            <label>${t('ui.password')}<input type="password" autocomplete="current-password" value=${password} onInput=${(e: Event) => setPassword((e.target as HTMLInputElement).value)} required /></label>
            <div class="row"><button type="submit" class="primary big" disabled=${action.busy}>${t('setup.signin')}</button></div>
          </form>`
        : html`<div class="stack">
            <label>${t('setup.device')}<select value=${picked} onChange=${(e: Event) => setPicked((e.target as HTMLSelectElement).value)}>
              <option value="">—</option>
              ${devices!.map((d) => html`<option value=${d.id ?? d.deviceId}>${d.name ?? d.deviceName ?? d.id} (${d.id ?? d.deviceId})</option>`)}
            </select></label>
            <div class="row">
              <${ConfirmButton} className="primary big" label=${t('setup.activate')} question=${t('setup.activate_confirm', { device: picked })} disabled=${!picked || action.busy} onConfirm=${activate} />
              <button type="button" onClick=${() => setDevices(null)}>${t('ui.back')}</button>
            </div>
          </div>`}
      <${ErrorNote} code=${action.error} />
    </section>
    <section class="card stack" aria-labelledby="mode-h">
      <h2 id="mode-h">${t('hmi.connection.mode')}</h2>
      <${Loaded} resource=${mode}>${(m: { mode: string }) => html`<div class="row">
        ${CONNECTION_MODES.map(
          (candidate) => html`<${ConfirmButton} className=${m.mode === candidate ? 'primary big' : 'big'} label=${t(`mode.${candidate}`)}
            disabled=${!api.can('ADMIN') || m.mode === candidate} question=${t('setup.mode_confirm', { mode: t(`mode.${candidate}`) })}
            onConfirm=${() => void action.run(() => api.put('/api/v1/connection/mode', { mode: candidate })).then(() => mode.reload())} />`,
        )}
      </div>
      ${api.can('ADMIN') ? null : html`<p class="muted">${t('setup.mode_admin_only')}</p>`}`}<//>
    </section>
  </div>`;
}
