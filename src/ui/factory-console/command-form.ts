import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { COMMAND_ROLE, COMMAND_TYPES, type CommandType } from '../../domain/command-types.js';
import { ConfirmButton, ErrorNote, useAction } from '../shared/components.js';
import { t } from '../shared/i18n.js';
import { api } from './console-context.js';

/** Commands that stop a line, lose data, or run code: sent only after a second "yes". */
export const DANGEROUS: ReadonlySet<CommandType> = new Set(['reboot_os', 'shutdown_os', 'clear_queue', 'exec_shell', 'disable_device', 'update_firmware']);

/** Commands that need parameters this form cannot build are sent elsewhere (firmware → deployments, config → the config panel, orders → the API). */
const FORM_TYPES = COMMAND_TYPES.filter((type) => type !== 'update_firmware' && type !== 'push_config' && type !== 'set_order');

/**
 * Send a command to one device (`path` = its commands URL) or to a group. Only the types the user's
 * role may send are offered; dangerous ones ask again. `wait: false`: the page follows the
 * result in the history instead of holding a request open.
 */
export function CommandForm({ path, onSent, target }: { path: string; onSent: () => void; target: string }) {
  const allowed = FORM_TYPES.filter((type) => api.can(COMMAND_ROLE[type]));
  const [type, setType] = useState<CommandType>(allowed[0] ?? 'force_sync');
  const [reason, setReason] = useState('');
  const action = useAction();
  const send = async () => {
    const params = type === 'disable_device' && reason.trim() ? { reason: reason.trim() } : type === 'pull_logs' ? { lines: 200 } : {};
    if (await action.run(() => api.post(path, { type, params, wait: false }))) onSent();
  };
  const label = t('console.command.send');
  return html`<div class="stack">
    <div class="filters">
      <label>${t('console.command.type')}<select data-testid="command-type" value=${type} onChange=${(e: Event) => setType((e.target as HTMLSelectElement).value as CommandType)}>
        ${allowed.map((one) => html`<option value=${one}>${t(`console.cmd.${one}`)}${DANGEROUS.has(one) ? ' ⚠' : ''}</option>`)}
      </select></label>
      ${type === 'disable_device' ? html`<label>${t('hmi.reason')}<input value=${reason} onInput=${(e: Event) => setReason((e.target as HTMLInputElement).value)} /></label>` : null}
      ${DANGEROUS.has(type)
        ? html`<${ConfirmButton} className="danger" label=${label} question=${t('console.command.confirm', { command: t(`console.cmd.${type}`), target })} disabled=${action.busy} onConfirm=${send} />`
        : html`<button type="button" class="primary" data-testid="command-send" disabled=${action.busy} onClick=${send}>${label}</button>`}
    </div>
    <${ErrorNote} code=${action.error} />
  </div>`;
}
