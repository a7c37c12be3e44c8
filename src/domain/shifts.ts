/**
 * The line's shift schedule: each shift runs from its start (local wall-clock time in a time
 * zone) to the next shift's start; the last one runs past midnight into the first. Pure: the
 * caller gives the instant.
 */
export interface ShiftDefinition {
  name: string;
  /** HH:MM, local time. */
  start: string;
}

export const validTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** Minutes since local midnight and seconds/ms within the minute, at `at` in `timeZone`. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function localClock(at: Date, timeZone: string | undefined): number {
  let format = formatters.get(timeZone ?? '');
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone ?? '', format);
  }
  const parts = format.formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return (get('hour') * 3600 + get('minute') * 60 + get('second')) * 1000 + at.getUTCMilliseconds();
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The instant local midnight began for `at` (measured back along the clock: a DST jump today shifts it by that hour). */
export function dayStart(at: Date, timeZone?: string): Date {
  return new Date(at.getTime() - localClock(at, timeZone));
}

/** The shift running at `at` and the instant it began. */
export function currentShift(at: Date, shifts: readonly ShiftDefinition[], timeZone?: string): { name: string; startedAt: Date } {
  const sorted = [...shifts].sort((a, b) => minutesOf(a.start) - minutesOf(b.start));
  const sinceMidnightMs = localClock(at, timeZone);
  const midnight = at.getTime() - sinceMidnightMs;
  let current = sorted.filter((s) => minutesOf(s.start) * 60_000 <= sinceMidnightMs).pop();
  if (current) return { name: current.name, startedAt: new Date(midnight + minutesOf(current.start) * 60_000) };
  // Before the first start of the day: the last shift, which began yesterday.
  current = sorted[sorted.length - 1]!;
  return { name: current.name, startedAt: new Date(midnight - 86_400_000 + minutesOf(current.start) * 60_000) };
}
