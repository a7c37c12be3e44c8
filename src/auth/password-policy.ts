import { COMMON_PASSWORDS } from './common-passwords.js';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

/**
 * Why `password` is not acceptable for `username`, or null when it is: at least 10 characters,
 * not the username (in any case, nor the username with digits around it), and not a common
 * password (the list above, also with digits or punctuation appended, as people do to pass a length rule).
 */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Password must have at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Password must have at most ${MAX_PASSWORD_LENGTH} characters`;
  const lower = password.toLowerCase();
  const stem = lower.replace(/[\d\p{P}\p{S}\s]+$/u, '').replace(/^[\d\p{P}\p{S}\s]+/u, '');
  const user = username.toLowerCase();
  if (lower.includes(user) && user.length >= 3) return 'Password must not contain the username';
  if (COMMON_PASSWORDS.has(lower) || (stem.length > 0 && COMMON_PASSWORDS.has(stem)) || /^(.)\1+$/u.test(lower)) {
    return 'Password is too common';
  }
  return null;
}
