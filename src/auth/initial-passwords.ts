import fs from 'node:fs';
import path from 'node:path';

export const INITIAL_PASSWORDS_FILE = 'initial-passwords.txt';

/**
 * Writes the one-time passwords created at this start to `<dataDir>/initial-passwords.txt`
 * (mode 0600, appended: an earlier start's lines stay until someone deletes the file). Each must be
 * changed at first login, so the file stops mattering once they are. Returns the file's path.
 */
export function writeInitialPasswords(dataDir: string, generated: Array<{ username: string; password: string }>, at = new Date()): string {
  const file = path.join(dataDir, INITIAL_PASSWORDS_FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  const lines = [`# ${at.toISOString()}: one-time passwords; each must be changed at first login (POST /api/v1/auth/password)`];
  for (const { username, password } of generated) lines.push(`${username} ${password}`);
  fs.writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600, flag: 'a' });
  fs.chmodSync(file, 0o600); // also when it existed with a wider mode
  return file;
}
