import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Batch, Bottle } from '../../domain/aggregation.js';
import { ApiFailure } from '../shared/api-client.js';
import { ErrorNote } from '../shared/components.js';
import { dateTime, t } from '../shared/i18n.js';
import { api } from './hmi-context.js';

interface Found {
  code: string;
  valid: boolean;
  bottle: Bottle | null;
  batch: Batch | null;
  history: Array<{ at: string; what: string }>;
}

/**
 * "Find a code": type, paste or scan a code into the field (a hand scanner types and presses
 * Enter). The edge says whether it holds the code; if so, the bottle's status, its batch and its
 * history. Uses `GET /api/v1/bottles/by-code` where the edge has it, else validate + bottle; then its batch.
 */
export function FindScreen() {
  const [code, setCode] = useState('');
  const [found, setFound] = useState<Found | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const search = async (event: Event) => {
    event.preventDefault();
    const wanted = code.trim();
    if (!wanted) return;
    setBusy(true);
    setError(null);
    setFound(null);
    try {
      setFound(await lookUp(wanted));
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure.code : 'UNKNOWN');
    } finally {
      setBusy(false);
    }
  };

  return html`<div class="stack find">
    <form class="card stack" onSubmit=${search} role="search">
      <label>${t('hmi.find.label')}<input ref=${input} name="code" data-testid="find-input" value=${code} autocomplete="off" spellcheck=${false}
        onInput=${(e: Event) => setCode((e.target as HTMLInputElement).value)} /></label>
      <div class="row"><button class="primary big" type="submit" disabled=${busy}>${t('hmi.find.go')}</button>
      <button type="button" class="big" onClick=${() => { setCode(''); setFound(null); input.current?.focus(); }}>${t('ui.clear')}</button></div>
    </form>
    <${ErrorNote} code=${error} />
    ${found ? html`<${FoundCard} found=${found} />` : null}
  </div>`;
}

function FoundCard({ found }: { found: Found }) {
  if (!found.bottle) {
    return html`<section class="card" data-testid="find-result" data-found="false">
      <h2>${t('hmi.find.not_stored')}</h2>
      <p>${found.valid ? t('hmi.find.valid_not_scanned') : t('hmi.find.invalid')}</p>
    </section>`;
  }
  const b = found.bottle;
  return html`<section class="card stack" data-testid="find-result" data-found="true">
    <h2>${t('hmi.find.stored')}</h2>
    <table><tbody>
      <tr><th>${t('hmi.find.status')}</th><td data-testid="find-status">${t(`bottle.status.${b.status}`)}</td></tr>
      <tr><th>GTIN</th><td class="mono">${b.gtin}</td></tr>
      <tr><th>${t('hmi.find.serial')}</th><td class="mono">${b.exciseDutyNumber}</td></tr>
      <tr><th>${t('hmi.find.batch')}</th><td class="mono">${found.batch?.identifier ?? '—'}</td></tr>
      <tr><th>${t('hmi.find.created')}</th><td>${dateTime(b.createdAt)}</td></tr>
    </tbody></table>
    ${found.history.length > 0
      ? html`<h3>${t('hmi.find.history')}</h3><ul>${found.history.map((h) => html`<li>${dateTime(h.at)} — ${h.what}</li>`)}</ul>`
      : null}
  </section>`;
}

async function lookUp(code: string): Promise<Found> {
  let bottle: Bottle | null = null;
  try {
    bottle = await api.get<Bottle>(`/api/v1/bottles/by-code?code=${encodeURIComponent(code)}`);
  } catch (failure) {
    if (!(failure instanceof ApiFailure)) throw failure;
    // 400: not a marking code at all. 404: no bottle holds it — or an edge without `by-code`,
    // so ask the validator, which both kinds of edge have.
    if (failure.code === 'VALIDATION_ERROR') return { code, valid: false, bottle: null, batch: null, history: [] };
    if (failure.status !== 404) throw failure;
    const check = await api.post<{ valid: boolean; duplicate: boolean; bottleId?: string }>('/api/v1/scanner/validate', { code });
    if (!check.duplicate || !check.bottleId) return { code, valid: check.valid, bottle: null, batch: null, history: [] };
    bottle = await api.get<Bottle>(`/api/v1/bottles/${check.bottleId}`);
  }
  const batch = bottle.batchId ? (await api.get<{ batch: Batch }>(`/api/v1/batches/${bottle.batchId}`)).batch : null;
  const history = [{ at: bottle.createdAt, what: t('hmi.find.h.scanned') }];
  if (batch) history.push({ at: bottle.updatedAt, what: t('hmi.find.h.in_batch', { batch: batch.identifier }) });
  return { code, valid: true, bottle, batch, history };
}
