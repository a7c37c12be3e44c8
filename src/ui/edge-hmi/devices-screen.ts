import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { lineStatus } from '../../../api/edge/line-status.js';
import { ErrorNote, useAction, useApi, type Resource } from '../shared/components.js';
import { errorText, t } from '../shared/i18n.js';
import { api, live } from './hmi-context.js';

/**
 * The line's devices as tiles (scanners, printers, PLCs, UPS, GPIO) with their state and last
 * error; a tap opens the details, and managers get Test / Reconnect where the edge has one. Each
 * family comes from its own endpoint; one that is not configured on this cabinet says so.
 */
interface Tile {
  key: string;
  kind: string;
  name: string;
  health: 'ok' | 'warn' | 'bad' | 'off';
  state: string;
  lastError: string | null;
  details: unknown;
  test: string | null;
}

type Status = ReturnType<typeof lineStatus>;
type Any = Record<string, unknown>;

const healthOf = (state: string, connected?: boolean): Tile['health'] =>
  connected || /^(active\.connected|connected|ready|online|ok|running|idle|printing)/i.test(state) ? 'ok' : /stopped|disabled|not/i.test(state) ? 'off' : /connecting|reconnect|backoff|starting/i.test(state) ? 'warn' : 'bad';

function useTiles(): { tiles: Tile[]; families: Array<{ kind: string; resource: Resource<unknown> }> } {
  const deps = [live.catchUp.value];
  const scanners = useApi<Status>(api, '/api/v1/scanner/status', deps, 3000);
  const printers = useApi<Any[]>(api, '/api/v1/printers', deps, 5000);
  const plcs = useApi<Any[]>(api, '/api/v1/plcs', deps, 5000);
  const ups = useApi<Any>(api, '/api/v1/ups/status', deps, 5000);
  const gpio = useApi<Any>(api, '/api/v1/gpio/status', deps, 5000);
  // GET /plcs lists the configured PLCs; each one's link state is its own /health.
  const [plcHealth, setPlcHealth] = useState<Record<string, Any>>({});
  useEffect(() => {
    const ids = (plcs.data ?? []).map((p) => String(p.id));
    if (ids.length === 0) return;
    let live = true;
    Promise.all(ids.map((id) => api.get<Any>(`/api/v1/plcs/${encodeURIComponent(id)}/health`).then((h) => [id, h] as const, () => [id, null] as const))).then((pairs) => {
      if (live) setPlcHealth(Object.fromEntries(pairs.filter(([, h]) => h !== null)) as Record<string, Any>);
    });
    return () => {
      live = false;
    };
  }, [plcs.data]);
  const tiles: Tile[] = [];
  (scanners.data?.scanners ?? []).forEach((s, index) =>
    tiles.push({ key: `scanner-${s.id}`, kind: 'scanner', name: s.id, health: healthOf(s.state, s.connected), state: s.state, lastError: s.lastError, details: s, test: `/api/v1/scanners/${index}/test` }),
  );
  (printers.data ?? []).forEach((p, index) => {
    const state = String(p.state ?? (p.connected ? 'connected' : 'unknown'));
    tiles.push({ key: `printer-${index}`, kind: 'printer', name: String(p.name ?? p.id ?? index), health: healthOf(state, p.connected === true), state, lastError: (p.lastError as string) ?? null, details: p, test: `/api/v1/printers/${index}/test` });
  });
  (plcs.data ?? []).forEach((p) => {
    const id = String(p.id);
    const health = plcHealth[id];
    const state = String(health?.state ?? 'unknown');
    tiles.push({
      key: `plc-${id}`,
      kind: 'plc',
      name: String(p.name ?? id),
      health: health ? healthOf(state, health.connected === true) : 'warn',
      state: `${String(p.protocol ?? '')} · ${state}`,
      lastError: (health?.lastError as string | null) ?? null,
      details: { ...p, health },
      test: `/api/v1/plcs/${encodeURIComponent(id)}/test`,
    });
  });
  if (ups.data) {
    const state = String(ups.data.state ?? ups.data.status ?? (ups.data.onBattery ? 'on battery' : 'online'));
    tiles.push({ key: 'ups', kind: 'ups', name: 'UPS', health: ups.data.onBattery ? 'bad' : healthOf(state, ups.data.connected === true), state, lastError: (ups.data.lastError as string) ?? null, details: ups.data, test: '/api/v1/ups/test' });
  }
  if (gpio.data) {
    tiles.push({ key: 'gpio', kind: 'gpio', name: String(gpio.data.board ?? 'GPIO'), health: gpio.data.alarm ? 'bad' : 'ok', state: String((gpio.data.line as Any | undefined)?.state ?? ''), lastError: null, details: gpio.data, test: null });
  }
  return {
    tiles,
    families: [
      { kind: 'printer', resource: printers as Resource<unknown> },
      { kind: 'plc', resource: plcs as Resource<unknown> },
      { kind: 'ups', resource: ups as Resource<unknown> },
      { kind: 'gpio', resource: gpio as Resource<unknown> },
    ],
  };
}

function TileButton({ tile }: { tile: Tile }) {
  return html`<a class="button tile" href=${`#/devices/${tile.key}`} data-testid=${`tile-${tile.key}`}>
    <span class="tile-name"><span class=${`dot ${tile.health}`} aria-hidden="true"></span>${t(`hmi.kind.${tile.kind}`)} ${tile.name}</span>
    <span class="muted">${t(`hmi.health.${tile.health}`)}</span>
    ${tile.lastError ? html`<span class="tile-error">${tile.lastError}</span>` : null}
  </a>`;
}

/** The compact row of tiles on the line screen. */
export function DeviceSummary() {
  const { tiles } = useTiles();
  if (tiles.length === 0) return html`<p class="muted">${t('ui.loading')}</p>`;
  return html`<div class="tiles">${tiles.map((tile) => html`<${TileButton} key=${tile.key} tile=${tile} />`)}</div>`;
}

export function DevicesScreen({ selected }: { selected: string | null }) {
  const { tiles, families } = useTiles();
  const tile = tiles.find((candidate) => candidate.key === selected) ?? null;
  const action = useAction();
  const [result, setResult] = useState<unknown>(null);
  const test = async (path: string) => {
    setResult(null);
    await action.run(async () => setResult(await api.post(path, {})));
  };
  return html`<div class="stack">
    <section class="card"><h2>${t('hmi.devices')}</h2>
      <div class="tiles">${tiles.map((one) => html`<${TileButton} key=${one.key} tile=${one} />`)}</div>
      <ul class="muted">
        ${families.filter((f) => f.resource.error).map((f) => html`<li>${t(`hmi.kind.${f.kind}`)}: ${f.resource.error!.notAvailable ? t('ui.not_available') : errorText(f.resource.error!.code)}</li>`)}
      </ul>
    </section>
    ${tile
      ? html`<section class="card stack" aria-labelledby="tile-h" data-testid="device-details">
          <h2 id="tile-h">${t(`hmi.kind.${tile.kind}`)} ${tile.name}</h2>
          <p>${t('hmi.state')}: <strong>${tile.state}</strong></p>
          ${tile.lastError ? html`<p class="error-note">${t('hmi.last_error')}: ${tile.lastError}</p>` : null}
          ${tile.test && api.can('MANAGER') ? html`<div class="row"><button type="button" class="primary big" disabled=${action.busy} onClick=${() => test(tile.test!)}>${t('hmi.test')}</button></div>` : null}
          <${ErrorNote} code=${action.error} />
          ${result ? html`<pre>${JSON.stringify(result, null, 2)}</pre>` : null}
          <details><summary>${t('hmi.details')}</summary><pre>${JSON.stringify(tile.details, null, 2)}</pre></details>
        </section>`
      : null}
  </div>`;
}

