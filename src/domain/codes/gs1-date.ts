/**
 * GS1 dates (AIs 11, 13, 15, 16, 17: YYMMDD), GS1 General Specifications §7.12:
 * - the century is the one that puts the year within -49…+50 years of today (the sliding window);
 * - DD = 00 is allowed and means the last day of the month (only year and month are known);
 * - otherwise the date must exist: no 31 April, no 29 February outside a leap year.
 *
 * Leap years are checked as YY % 4 === 0 without asking the clock for the century: every year the
 * window can produce until 2050 (1951…2100 at most) agrees with that rule except 2100, which only
 * enters the window in 2050; a domain function stays pure (no clock) at that price.
 */
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function twoDigits(s: string, p: number): number {
  const a = s.charCodeAt(p) - 48;
  const b = s.charCodeAt(p + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

/** Whether the 6 characters of s at p are a real GS1 date (YYMMDD, DD 00 = end of month). */
export function isValidGs1Date(s: string, p = 0): boolean {
  const yy = twoDigits(s, p);
  const mm = twoDigits(s, p + 2);
  const dd = twoDigits(s, p + 4);
  if (yy < 0 || mm < 1 || mm > 12 || dd < 0) return false;
  if (dd === 0) return true;
  const days = mm === 2 && yy % 4 === 0 ? 29 : DAYS_IN_MONTH[mm - 1]!;
  return dd <= days;
}
