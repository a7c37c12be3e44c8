import { recordAudit } from '../../adapters/store/factory/audit-log.js';
import type { DisabledFeature } from '../runtime/start-features.js';
import type { FactoryContext } from './extension.js';

/**
 * How the factory reports a feature whose construction threw (src/runtime/start-features.ts left
 * it out; /health shows it as degraded): logged, and audited as a system event
 * (`system.feature_disabled`, actor `{ system: 'factory' }`). An audit that fails is logged too;
 * the factory still starts.
 */
export function reportDisabledFeature(context: Pick<FactoryContext, 'db' | 'logger'>) {
  return async ({ name, error: message, at }: DisabledFeature, error: unknown): Promise<void> => {
    context.logger.error({ err: error, feature: name }, 'feature failed to start: it is disabled, the factory runs without it');
    await recordAudit(context.db, { actor: { system: 'factory' }, action: 'system.feature_disabled', entityType: 'feature', entityId: name, outcome: 'failure', detail: message, at }).catch(
      (auditError: unknown) => context.logger.error({ err: auditError, feature: name }, 'could not audit the disabled feature'),
    );
  };
}
