import type { SettingsStore } from '../../../adapters/store/settings-store.js';

/**
 * Whether the factory has disabled this device (disable_device / enable_device). Persisted, so a
 * disabled cabinet stays disabled across a restart or a power cut until the factory enables it.
 */
export const DEVICE_DISABLED_KEY = 'device.disabled';

export interface DeviceDisabled {
  reason: string;
  since: string;
  commandId: string | null;
}

export async function loadDeviceDisabled(settings: SettingsStore): Promise<DeviceDisabled | null> {
  return (await settings.get<DeviceDisabled | null>(DEVICE_DISABLED_KEY))?.value ?? null;
}

export async function saveDeviceDisabled(settings: SettingsStore, disabled: DeviceDisabled | null): Promise<void> {
  if (disabled) await settings.set(DEVICE_DISABLED_KEY, disabled);
  else await settings.delete(DEVICE_DISABLED_KEY);
}
