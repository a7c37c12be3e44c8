import { signal } from '@preact/signals';

/**
 * Each line's production rate, from what its edge reports (`reported.line.accepted`, a running
 * total): accepted codes per minute between the last two different readings, kept per device.
 */
const readings = new Map<string, Array<{ at: number; accepted: number }>>();
export const rates = signal<Record<string, number>>({});

export function noteReading(deviceId: string, accepted: number | undefined, at = Date.now()): void {
  if (accepted === undefined) return;
  const list = readings.get(deviceId) ?? [];
  const last = list[list.length - 1];
  if (last && last.accepted === accepted && at - last.at < 60_000) return;
  list.push({ at, accepted });
  while (list.length > 2 && at - list[0]!.at > 120_000) list.shift();
  readings.set(deviceId, list);
  const first = list[0]!;
  if (list.length >= 2 && at > first.at && accepted >= first.accepted) {
    rates.value = { ...rates.value, [deviceId]: Math.round(((accepted - first.accepted) * 60_000) / (at - first.at)) };
  }
}
