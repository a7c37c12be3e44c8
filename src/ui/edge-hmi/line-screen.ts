import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { Batch } from '../../domain/aggregation.js';
import type { lineStatus } from '../../../api/edge/line-status.js';
import { ConfirmButton, ErrorNote, Loaded, useAction, useApi } from '../shared/components.js';
import { locale, num, t, time } from '../shared/i18n.js';
import { reasonCodeWords, reasonOf, reasonWords } from '../shared/scan-reason.js';
import type { LineCounters, LineStatusView } from './contract-types.js';
import { DeviceSummary } from './devices-screen.js';
import { api, batchTick, feed, lineTick, live } from './hmi-context.js';
import type { ScanRow } from './scan-feed.js';

type ScannerStatus = ReturnType<typeof lineStatus>;

/** Level-1 screen: the last unit's verdict, the line's state with Pause/Resume, counters, the open box, devices and the feed. */
export function LineScreen() {
  // The stored recent scans on entry and after a reconnection (what happened while the page was away).
  useEffect(() => {
    api.get<ScanRow[]>('/api/v1/scanner/recent?limit=50').then((rows) => feed.reset(rows), () => {});
  }, [live.catchUp.value]);
  return html`<div class="hmi-grid">
    <${LastUnit} />
    <${LinePanel} />
    <${BoxPanel} />
    <section class="card" aria-labelledby="devices-h"><h2 id="devices-h">${t('hmi.devices')}</h2><${DeviceSummary} /></section>
    <${Feed} />
  </div>`;
}

function LastUnit() {
  const last = feed.rows.value[0];
  if (!last) return html`<section class="signal" aria-live="polite"><span class="word">${t('hmi.waiting')}</span></section>`;
  const reason = reasonOf(last.outcome, last.reasonCode, last.reasonParams);
  const accepted = reason === null;
  return html`<section class=${`signal ${accepted ? 'accepted' : 'rejected'}`} aria-live="polite" data-testid="last-unit" data-outcome=${last.outcome}>
    <span class="word">${accepted ? '✔ ' + t('hmi.accepted') : '✖ ' + t('hmi.rejected')}</span>
    ${reason ? html`<span class="reason" data-testid="last-reason">${reasonWords(reason, locale.value)}</span>` : null}
    <span class="code mono">${shortCode(last.code)} · ${time(last.timestamp)}</span>
  </section>`;
}

export function shortCode(code: string): string {
  const printable = code.replace(/\x1d/g, '<GS>').replace(/[\x00-\x1f]/g, '?');
  return printable.length > 34 ? `…${printable.slice(-32)}` : printable;
}

const PAUSE_REASONS = ['hmi.pause.changeover', 'hmi.pause.jam', 'hmi.pause.cleaning', 'hmi.pause.break', 'hmi.pause.quality'];

function LinePanel() {
  const status = useApi<LineStatusView>(api, '/api/v1/line/status', [lineTick.value, live.catchUp.value], 2000);
  // Before the line endpoint exists (or on an older edge): state and totals from the scanner status.
  const legacy = useApi<ScannerStatus>(api, status.error?.notAvailable ? '/api/v1/scanner/status' : null, [lineTick.value, live.catchUp.value], 2000);
  const [period, setPeriod] = useState<'shift' | 'today'>('shift');
  const [asking, setAsking] = useState(false);
  const action = useAction();
  const pause = async (reasonKey: string) => {
    setAsking(false);
    if (await action.run(() => api.post('/api/v1/line/pause', { reason: t(reasonKey) }))) status.reload();
  };
  const resume = async () => {
    if (await action.run(() => api.post('/api/v1/line/resume', { reason: t('hmi.resume.reason') }))) status.reload();
  };

  const data = status.data;
  const state = data?.state ?? legacy.data?.line.state ?? 'unknown';
  const reason = data ? data.reason : (legacy.data?.line.pauseReason ?? null);
  const counters: LineCounters | null = data
    ? data[period].counters
    : legacy.data
      ? { accepted: legacy.data.line.accepted, rejected: { total: legacy.data.line.invalid + legacy.data.line.refused, byReason: {} }, duplicates: legacy.data.line.duplicates, noReads: legacy.data.line.noReads }
      : null;
  const stateClass = state.split('.')[0]!;
  return html`<section class="card stack" aria-labelledby="line-h">
    <div class="row spread">
      <h2 id="line-h">${t('hmi.line')}</h2>
      ${data ? html`<div class="lang" role="group" aria-label=${t('hmi.period')}>
        <button type="button" class=${period === 'shift' ? 'on' : ''} aria-pressed=${period === 'shift'} onClick=${() => setPeriod('shift')}>${t('hmi.shift')} ${data.shift.name}</button>
        <button type="button" class=${period === 'today' ? 'on' : ''} aria-pressed=${period === 'today'} onClick=${() => setPeriod('today')}>${t('hmi.today')}</button>
      </div>` : null}
    </div>
    <div class="row spread">
      <div>
        <div class=${`line-state ${stateClass}`} data-testid="line-state" data-state=${stateClass}>${t(`hmi.line_state.${stateClass}`)}</div>
        ${data ? html`<div class="muted">${t('hmi.since', { time: time(data.since) })}${data.by ? ' · ' + data.by : ''}</div>` : null}
        ${reason ? html`<div data-testid="line-reason">${t('hmi.reason')}: ${reason}</div>` : null}
      </div>
      ${status.error?.notAvailable
        ? html`<span class="muted not-available">${t('hmi.pause.not_available')}</span>`
        : stateClass === 'running'
          ? html`<button type="button" class="danger big" data-testid="pause" onClick=${() => setAsking(true)} disabled=${action.busy}>${t('hmi.pause')}</button>`
          : stateClass === 'paused'
            ? html`<button type="button" class="go big" data-testid="resume" onClick=${resume} disabled=${action.busy}>▶ ${t('hmi.resume')}</button>`
            : null}
    </div>
    <${ErrorNote} code=${action.error} />
    ${asking
      ? html`<div class="modal-backdrop"><div class="modal card stack" role="dialog" aria-modal="true" aria-label=${t('hmi.pause.why')}>
          <p class="question">${t('hmi.pause.why')}</p>
          <div class="grid">${PAUSE_REASONS.map((key) => html`<button type="button" class="big" onClick=${() => pause(key)}>${t(key)}</button>`)}</div>
          <button type="button" onClick=${() => setAsking(false)}>${t('ui.cancel')}</button>
        </div></div>`
      : null}
    ${counters ? html`<${Counters} counters=${counters} rate=${data?.ratePerMinute.accepted ?? null} />` : html`<p class="muted">${t('ui.loading')}</p>`}
  </section>`;
}

function Counters({ counters, rate }: { counters: LineCounters; rate: number | null }) {
  const reasons = Object.entries(counters.rejected.byReason).sort((a, b) => b[1] - a[1]).slice(0, 4);
  return html`<div class="counters" data-testid="counters">
      <div class="counter"><div class="value" data-testid="count-accepted">${num(counters.accepted)}</div><div class="name">${t('hmi.count.accepted')}</div></div>
      <div class="counter"><div class="value">${num(counters.rejected.total)}</div><div class="name">${t('hmi.count.rejected')}</div></div>
      <div class="counter"><div class="value">${num(counters.duplicates)}</div><div class="name">${t('hmi.count.duplicates')}</div></div>
      <div class="counter"><div class="value">${num(counters.noReads)}</div><div class="name">${t('hmi.count.noreads')}</div></div>
      ${rate !== null ? html`<div class="counter"><div class="value">${num(rate)}</div><div class="name">${t('hmi.count.rate')}</div></div>` : null}
    </div>
    ${reasons.length > 0
      ? html`<p class="muted">${t('hmi.rejected_by')}: ${reasons.map(([why, n]) => {
          // Counted by reason code (scans stored before codes existed count under their English text).
          return `${reasonCodeWords(why, locale.value)} ${num(n)}`;
        }).join(' · ')}</p>`
      : null}`;
}

function BoxPanel() {
  const batches = useApi<{ batches: Batch[] }>(api, '/api/v1/batches?limit=5', [batchTick.value, live.catchUp.value], 5000);
  const action = useAction();
  return html`<section class="card stack" aria-labelledby="box-h">
    <h2 id="box-h">${t('hmi.box')}</h2>
    <${Loaded} resource=${batches}>${(data: { batches: Batch[] }) => {
      const open = data.batches.find((b) => b.status === 'in_progress');
      if (!open) return html`<p class="muted">${t('hmi.box.none')}</p>`;
      const size = open.batchSize ?? 0;
      const percent = size > 0 ? Math.min(100, Math.round((open.bottleCount / size) * 100)) : 0;
      return html`<div class="row spread">
          <div><div class="mono" data-testid="box-id">${open.identifier}</div><div class="counter"><span class="value">${num(open.bottleCount)}${size ? ` / ${num(size)}` : ''}</span></div></div>
          <${ConfirmButton} className="big" label=${t('hmi.box.close')} question=${t('hmi.box.close_confirm', { box: open.identifier })}
            disabled=${action.busy} onConfirm=${() => void action.run(() => api.post(`/api/v1/batches/${open.id}/close`)).then((done) => done && batches.reload())} />
        </div>
        ${size ? html`<div class="progress" role="progressbar" aria-label=${t('hmi.box')} aria-valuenow=${percent} aria-valuemin="0" aria-valuemax="100"><div style=${{ width: `${percent}%` }}></div></div>` : null}
        <${ErrorNote} code=${action.error === 'NOT_FOUND' ? 'NOT_AVAILABLE' : action.error} />`;
    }}<//>
  </section>`;
}

function Feed() {
  const rows = feed.rows.value;
  return html`<section class="card" style=${{ gridColumn: '1 / -1' }} aria-labelledby="feed-h">
    <div class="row spread"><h2 id="feed-h">${t('hmi.feed')}</h2><span class="muted">${t('hmi.feed.received', { count: num(feed.received.value) })}</span></div>
    <div class="feed" tabindex="0" role="region" aria-labelledby="feed-h">
      <table>
        <thead><tr><th>${t('hmi.col.time')}</th><th>${t('hmi.col.code')}</th><th>${t('hmi.col.decision')}</th><th>${t('hmi.col.reason')}</th></tr></thead>
        <tbody data-testid="feed">
          ${rows.map((row) => {
            const reason = reasonOf(row.outcome, row.reasonCode, row.reasonParams);
            return html`<tr key=${row.seq} class=${reason ? 'rejected' : 'accepted'} data-code=${row.code} data-outcome=${row.outcome}>
              <td>${time(row.timestamp)}</td>
              <td class="mono">${shortCode(row.code)}</td>
              <td class="decision">${reason ? '✖ ' + t('hmi.rejected') : '✔ ' + t('hmi.accepted')}</td>
              <td>${reason ? reasonWords(reason, locale.value) : ''}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>
  </section>`;
}
