import { z } from 'zod';

/**
 * Maintenance windows (hawkBit's): a cron expression for when a window opens, in the site's time
 * zone, and how long it stays open. Firmware may download any time; it installs (and restarts the
 * edge) only inside a window. Cron: five fields — minute hour day-of-month month day-of-week — each
 * `*`, a number, a range `a-b`, a list `a,b`, or a step `*\/n` / `a-b/n`; day-of-week 0–6 (0 = Sunday,
 * 7 also Sunday). As in cron, when both day fields are restricted, either may match.
 */
export interface MaintenanceWindow {
  cron: string;
  durationMinutes: number;
  /** IANA time zone (the site's); default UTC. */
  timeZone?: string;
}

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

export interface ParsedCron {
  sets: Array<Set<number>>;
  /** Whether day of month / day of week were `*` (cron's either-day rule). */
  anyDayOfMonth: boolean;
  anyDayOfWeek: boolean;
}

/** Parses a 5-field cron expression; throws an Error naming the bad field. */
export function parseCron(expression: string): ParsedCron {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`a cron expression has 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`);
  const sets = parts.map((part, i) => parseField(part, FIELDS[i]!));
  if (sets[4]!.has(7)) sets[4]!.add(0);
  return { sets, anyDayOfMonth: parts[2] === '*', anyDayOfWeek: parts[4] === '*' };
}

function parseField(text: string, field: (typeof FIELDS)[number]): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
    if (!match) throw new Error(`cron ${field.name}: "${item}" is not a number, range, list or step`);
    const from = match[1] === '*' ? field.min : Number(match[2]);
    const to = match[1] === '*' ? field.max : match[3] !== undefined ? Number(match[3]) : match[4] !== undefined ? field.max : from;
    const step = match[4] !== undefined ? Number(match[4]) : 1;
    if (from < field.min || to > field.max || from > to || step < 1) throw new Error(`cron ${field.name}: "${item}" is outside ${field.min}-${field.max}`);
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/** The wall-clock fields of `at` in `timeZone`. */
const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterFor = (timeZone: string) => {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', minute: 'numeric', hour: 'numeric', day: 'numeric', month: 'numeric', weekday: 'short' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

function wallClock(at: Date, timeZone: string): { minute: number; hour: number; day: number; month: number; weekday: number } {
  const parts = Object.fromEntries(formatterFor(timeZone).formatToParts(at).map((p) => [p.type, p.value]));
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday!);
  return { minute: Number(parts.minute), hour: Number(parts.hour), day: Number(parts.day), month: Number(parts.month), weekday };
}

/** Whether the cron fires at the minute `at` falls in (in `timeZone`). */
export function cronMatches(cron: ParsedCron, at: Date, timeZone: string): boolean {
  const t = wallClock(at, timeZone);
  const [minute, hour, dom, month, dow] = cron.sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (!minute.has(t.minute) || !hour.has(t.hour) || !month.has(t.month)) return false;
  const domOk = dom.has(t.day);
  const dowOk = dow.has(t.weekday);
  if (cron.anyDayOfMonth || cron.anyDayOfWeek) return domOk && dowOk;
  return domOk || dowOk;
}

const MINUTE = 60_000;

/** Whether a window is open at `now`: the cron fired within the last `durationMinutes` (this minute included). */
export function windowOpen(window: MaintenanceWindow, now: Date): boolean {
  const cron = parseCron(window.cron);
  const zone = window.timeZone ?? 'UTC';
  const start = Math.floor(now.getTime() / MINUTE) * MINUTE;
  for (let i = 0; i < window.durationMinutes; i++) if (cronMatches(cron, new Date(start - i * MINUTE), zone)) return true;
  return false;
}

/** When the window next opens after `now` (searching up to `horizonDays`), or null. */
export function nextOpening(window: MaintenanceWindow, now: Date, horizonDays = 31): Date | null {
  const cron = parseCron(window.cron);
  const zone = window.timeZone ?? 'UTC';
  const start = Math.floor(now.getTime() / MINUTE) * MINUTE + MINUTE;
  for (let i = 0; i < horizonDays * 24 * 60; i++) {
    const at = new Date(start + i * MINUTE);
    if (cronMatches(cron, at, zone)) return at;
  }
  return null;
}

const validTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** The wire form (deployment body, update_firmware params): checked here so both ends refuse the same. */
export const maintenanceWindowSchema = z
  .object({
    cron: z.string().min(9).max(100).refine((text) => {
      try {
        parseCron(text);
        return true;
      } catch {
        return false;
      }
    }, 'a 5-field cron expression (minute hour day-of-month month day-of-week)'),
    durationMinutes: z.number().int().min(1).max(24 * 60),
    timeZone: z.string().min(1).max(64).refine(validTimeZone, 'an IANA time zone, e.g. Europe/Moscow').optional(),
  })
  .strict();
