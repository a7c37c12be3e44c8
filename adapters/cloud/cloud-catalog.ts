import { fromPromise } from 'xstate';
import type { WorkOutcome } from '../../src/domain/ports/work-outcome.js';
import { DomainError } from '../../src/domain/domain-error.js';
import type { SettingsStore } from '../store/settings-store.js';
import { CloudError, type CloudClient } from './cloud-client.js';

export type CatalogName = 'lines' | 'codes' | 'company';
export type CatalogRequest = { op: 'fetch'; what: CatalogName };

export interface CatalogResult {
  data: unknown;
  meta: { source: 'cloud' | 'cache'; fetchedAt: string; ageSeconds: number; error?: string };
}

/**
 * Reference data from the cloud (lines, codes, company), kept for offline use: a successful
 * fetch refreshes the cache; when the cloud cannot be reached the cached copy is served with its
 * age, so a line keeps working through a network outage.
 */
export function createCloudCatalogExecutor(client: CloudClient, settings: SettingsStore, deviceToken: () => string | null, now = () => new Date()) {
  return fromPromise<WorkOutcome<CatalogResult>, CatalogRequest>(async ({ input }) => {
    const token = deviceToken();
    if (!token) throw new DomainError('CONFLICT', 'This edge is not provisioned: sign in and activate a device first (POST /api/v1/provision/signin)');
    const key = `cloud.cache.${input.what}`;
    try {
      const data = await (input.what === 'lines' ? client.lines(token) : input.what === 'codes' ? client.codes(token) : client.company(token));
      const fetchedAt = now().toISOString();
      await settings.set(key, data, fetchedAt);
      return { ok: true, result: { data, meta: { source: 'cloud', fetchedAt, ageSeconds: 0 } } };
    } catch (error) {
      if (!(error instanceof CloudError) || !error.transient) {
        throw new DomainError(error instanceof CloudError && error.kind === 'unauthorized' ? 'CONFLICT' : 'UNAVAILABLE', (error as Error).message);
      }
      const cached = await settings.get<unknown>(key);
      if (!cached) throw new DomainError('UNAVAILABLE', `${(error as Error).message}; nothing cached yet`);
      const ageSeconds = Math.max(0, Math.round((now().getTime() - Date.parse(cached.updatedAt)) / 1000));
      return { ok: true, result: { data: cached.value, meta: { source: 'cache', fetchedAt: cached.updatedAt, ageSeconds, error: (error as Error).message } } };
    }
  });
}
