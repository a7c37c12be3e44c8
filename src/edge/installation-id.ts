import { randomUUID } from 'node:crypto';
import type { SettingsStore } from '../../adapters/store/settings-store.js';

const KEY = 'installation.id';

/**
 * This cabinet's identity towards the cloud, created once. Activation is tied to it: the same
 * installation may re-activate its device (after a crash or a re-install of the software on the
 * same data), another one may not.
 */
export async function installationId(settings: SettingsStore): Promise<string> {
  const existing = await settings.get<string>(KEY);
  if (existing) return existing.value;
  const id = randomUUID();
  await settings.set(KEY, id);
  return id;
}
