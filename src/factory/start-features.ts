import { recordAudit } from '../../adapters/store/factory/audit-log.js';
import type { DisabledFeature, ExtensionFactory, FactoryContext, FactoryExtension } from './extension.js';

/** A feature's name before it exists: its factory's, without the `Extension` suffix (`groupsExtension` → `groups`). */
export function factoryFeatureName(create: ExtensionFactory): string {
  return create.name.replace(/Extension$/, '') || 'anonymous';
}

/**
 * Builds the factory's features in list order, as the edge does (src/edge/start-features.ts). One
 * whose construction throws is left out — disabled, logged, audited as a system event
 * (`system.feature_disabled`, actor `{ system: 'factory' }`) and kept for /health (degraded) — and
 * the factory starts without it. Features after it still start; one that needed its service copes
 * with the service's absence (every service is optional).
 */
export async function startFactoryFeatures(
  factories: readonly ExtensionFactory[],
  context: FactoryContext,
  now: () => Date = () => new Date(),
): Promise<{ extensions: FactoryExtension[]; disabled: DisabledFeature[] }> {
  const extensions: FactoryExtension[] = [];
  const disabled: DisabledFeature[] = [];
  for (const create of factories) {
    const name = factoryFeatureName(create);
    try {
      extensions.push(await create(context));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const at = now().toISOString();
      disabled.push({ name, error: message, at });
      context.logger.error({ err: error, feature: name }, 'feature failed to start: it is disabled, the factory runs without it');
      await recordAudit(context.db, { actor: { system: 'factory' }, action: 'system.feature_disabled', entityType: 'feature', entityId: name, outcome: 'failure', detail: message, at }).catch(
        (auditError: unknown) => context.logger.error({ err: auditError, feature: name }, 'could not audit the disabled feature'),
      );
    }
  }
  return { extensions, disabled };
}
