import { html } from 'htm/preact';
import { useAction, ErrorNote } from '../shared/components.js';
import { t } from '../shared/i18n.js';
import { alarms } from './hmi-context.js';
import { entryText } from './journal-text.js';

/** The red strip under the top bar while an alarm waits for a person; Acknowledge right there. */
export function AlarmBanner() {
  const open = alarms.open.value;
  const action = useAction();
  if (open.length === 0) return null;
  const newest = open[0]!;
  return html`<div class="banner alarm" role="alert" data-testid="alarm-banner">
    <span>⚠ ${t('hmi.alarm.count', { count: open.length })}: ${entryText(newest)}</span>
    <span class="spacer"></span>
    <${ErrorNote} code=${action.error} />
    <button type="button" class="big" onClick=${() => void action.run(() => alarms.ack(newest.id))}>${t('hmi.alarm.ack')}</button>
    ${open.length > 1 ? html`<button type="button" onClick=${() => void action.run(() => alarms.ackAll())}>${t('hmi.alarm.ack_all')}</button>` : null}
  </div>`;
}
