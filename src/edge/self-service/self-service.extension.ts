import { catalogRoutes } from '../../../api/edge/catalog.routes.js';
import { configRoutes } from '../../../api/edge/config.routes.js';
import type { ConfigOverrideStore } from '../../../adapters/store/config-override-store.js';
import type { RuntimeValues } from '../commands/runtime-config.js';
import type { EdgeContext, EdgeExtension } from '../extension.js';
import { createSelfService, type OverrideCheck, type SelfService } from './self-service.js';
import { selfServiceStatus } from './self-service-status.js';
import type { StartupOverrides } from './stored-overrides.js';

/**
 * Self-service configuration as an edge feature: /api/v1/config, /api/v1/config/reload,
 * /api/v1/self-service/status and the driver catalogs. It comes last in EDGE_EXTENSIONS: it
 * applies changes through the scanner, printer and PLC features (their services).
 */
declare module '../extension.js' {
  interface EdgeServices {
    /**
     * What self-service needs from the composition root (system.ts provides it): the override
     * store, what start-up did with the stored overrides (and the base values they replaced), the
     * runtime base push_config falls back to, and the outbox (its upload size).
     */
    selfServiceInput?: SelfServiceInput;
    /**
     * Policies other features add, which every PUT /api/v1/config and reload must pass — e.g. a
     * host allowlist that PUT /api/v1/scanners enforces must hold for `l2.override.scanners` too,
     * or the override would be a way around it.
     */
    overrideChecks?: OverrideCheck[];
  }
}

export interface SelfServiceInput {
  store: ConfigOverrideStore;
  startup: StartupOverrides;
  runtimeBase: RuntimeValues;
  outbox: { setBatchSize(size: number): void };
}

export type SelfServiceExtension = EdgeExtension & { service: SelfService };

export function selfServiceExtension(context: EdgeContext): SelfServiceExtension {
  const input = context.services.selfServiceInput;
  if (!input) throw new Error('self-service needs services.selfServiceInput from the composition root');
  const features = {
    scanners: context.services.scanners,
    printers: context.services.printers,
    plcs: context.services.plcFeature,
  };
  const service = createSelfService({
    store: input.store,
    checks: () => context.services.overrideChecks ?? [],
    startup: input.startup,
    bus: context.bus,
    logger: context.logger,
    targets: {
      config: context.config,
      base: input.startup.base,
      runtimeBase: input.runtimeBase,
      settings: context.settingsStore,
      outbox: input.outbox,
      actor: context.actor,
      ...features,
    },
  });
  const status = () =>
    selfServiceStatus({ config: context.config, store: input.store, settings: context.settingsStore, startup: input.startup, service, actor: context.actor, ...features });
  let announced = false;
  return {
    name: 'self-service',
    service,
    routes: [configRoutes(context.tokens, service, status), catalogRoutes(context.tokens)],
    started() {
      if (announced) return;
      announced = true;
      service.announceStart();
    },
  };
}
