import { html } from 'htm/preact';
import { num } from '../shared/i18n.js';

/**
 * A small hand-made SVG bar chart (no chart library: two charts do not pay for one). Bars scale to
 * the largest value; each bar carries a <title> with its exact figure for a pointer or a reader.
 */
export function BarChart({ bars, label }: { bars: Array<{ label: string; value: number }>; label: string }) {
  const width = 600;
  const height = 220;
  const pad = { left: 44, bottom: 36, top: 10 };
  const max = Math.max(1, ...bars.map((b) => b.value));
  const slot = (width - pad.left) / Math.max(1, bars.length);
  const barWidth = Math.min(72, Math.max(2, slot * 0.7));
  const plotHeight = height - pad.bottom - pad.top;
  const every = Math.ceil(bars.length / 12);
  return html`<svg viewBox=${`0 0 ${width} ${height}`} role="img" aria-label=${label}>
    <line class="axis" x1=${pad.left} y1=${height - pad.bottom} x2=${width} y2=${height - pad.bottom} />
    <text x=${pad.left - 6} y=${pad.top + 10} text-anchor="end">${num(max)}</text>
    <text x=${pad.left - 6} y=${height - pad.bottom} text-anchor="end">0</text>
    ${bars.map((bar, i) => {
      const h = (bar.value / max) * plotHeight;
      const x = pad.left + i * slot + (slot - barWidth) / 2;
      return html`<g key=${i}>
        <rect class="bar" x=${x} y=${height - pad.bottom - h} width=${barWidth} height=${h}><title>${bar.label}: ${num(bar.value)}</title></rect>
        ${i % every === 0 ? html`<text x=${x + barWidth / 2} y=${height - pad.bottom + 16} text-anchor="middle">${bar.label.slice(0, 12)}</text>` : null}
      </g>`;
    })}
  </svg>`;
}
