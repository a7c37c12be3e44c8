import { html } from 'htm/preact';
import type { dashboardOverview } from '../../../api/factory/dashboard.routes.js';
import { Loaded, useApi } from '../shared/components.js';
import { num, t, time } from '../shared/i18n.js';
import { BarChart } from './bar-chart.js';
import { api, fleetTick, live, metrics } from './console-context.js';
import type { DeviceView } from './fleet-screen.js';

type Overview = Awaited<ReturnType<typeof dashboardOverview>>;

/** GET /api/v1/dashboard/production: bottles per device (line) and local hour of a day. */
interface Production {
  date: string;
  timeZone: string;
  lines: Array<{ deviceId: string; productionLineId?: string; name?: string; total: number; hours: number[] }>;
}

/** The control room: today's figures, production per line (since start, and today per hour), and the site's rate over the last hour. */
export function OverviewScreen() {
  const overview = useApi<Overview>(api, '/api/v1/dashboard/overview', [live.catchUp.value], 10_000);
  const devices = useApi<DeviceView[]>(api, '/api/v1/devices', [fleetTick.value, live.catchUp.value], 15_000);
  const perLine = (devices.data ?? []).map((d) => ({ label: d.lineId ?? d.name, value: d.reported?.line?.accepted ?? 0 }));
  const production = useApi<Production>(api, '/api/v1/dashboard/production', [live.catchUp.value], 60_000);
  const perMinute = bucketsPerMinute();
  return html`<div class="stack">
    <${Loaded} resource=${overview}>${(o: Overview) => html`<div class="kpis">
      <div class="card kpi"><div class="value" data-testid="kpi-online">${num(o.devicesOnline)}</div><div class="muted">${t('console.kpi.online')}</div></div>
      <div class="card kpi"><div class="value">${num(o.devicesOffline)}</div><div class="muted">${t('console.kpi.offline')}</div></div>
      <div class="card kpi"><div class="value">${num(o.bottlesToday)}</div><div class="muted">${t('console.kpi.bottles')}</div></div>
      <div class="card kpi"><div class="value">${num(o.batchesToday)}</div><div class="muted">${t('console.kpi.batches')}</div></div>
      <div class="card kpi"><div class="value">${num(o.syncQueueTotal)}</div><div class="muted">${t('console.kpi.queue')}</div></div>
    </div>`}<//>
    <div class="two-col">
      <section class="card chart"><h2>${t('console.chart.per_line')}</h2>
        ${perLine.length ? html`<${BarChart} bars=${perLine} label=${t('console.chart.per_line')} />` : html`<p class="muted">${t('console.fleet.empty')}</p>`}</section>
      <section class="card chart"><h2>${t('console.chart.rate')}</h2>
        ${perMinute.length ? html`<${BarChart} bars=${perMinute} label=${t('console.chart.rate')} />` : html`<p class="muted">${t('console.chart.collecting')}</p>`}</section>
    </div>
    <${Loaded} resource=${production}>${(p: Production) => html`<section class="card stack" data-testid="production-hours" aria-labelledby="per-hour-h">
      <h2 id="per-hour-h">${t('console.chart.per_hour', { date: p.date, zone: p.timeZone })}</h2>
      ${p.lines.length === 0
        ? html`<p class="muted">${t('console.chart.per_hour.empty')}</p>`
        : html`<div class="two-col">${p.lines.map((line) => {
            const title = t('console.chart.line_total', { line: line.productionLineId ?? line.name ?? line.deviceId, total: num(line.total) });
            return html`<figure class="chart" key=${line.deviceId} data-line=${line.deviceId} data-total=${line.total}>
              <figcaption>${title}</figcaption>
              <${BarChart} bars=${line.hours.map((value, hour) => ({ label: String(hour).padStart(2, '0'), value }))} label=${title} />
            </figure>`;
          })}</div>`}
    </section>`}<//>
  </div>`;
}

/** The site's bottles per minute, one bar per minute of the last hour the page has seen. */
function bucketsPerMinute(): Array<{ label: string; value: number }> {
  const byMinute = new Map<number, number>();
  for (const sample of metrics.value) byMinute.set(Math.floor(sample.at / 60_000), sample.bottlesPerMinute);
  return [...byMinute.entries()].sort((a, b) => a[0] - b[0]).map(([minute, value]) => ({ label: time(minute * 60_000).slice(0, 5), value }));
}
