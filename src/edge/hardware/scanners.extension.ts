import { scannersRoutes } from '../../../api/edge/scanners.routes.js';
import type { EdgeContext, EdgeExtension } from '../extension.js';
import { createScannersFeature, loadScannersOverride, type ScannersFeature } from './scanners-feature.js';

/**
 * Scanners as an edge feature: the stored override (a PUT /api/v1/scanners of an earlier run)
 * replaces the file's list before the actor tree starts, and the /api/v1/scanners routes. The
 * scanner actors themselves stay children built by system.ts from `config.scanners` (one per
 * scanner, any transport: src/edge/hardware/scanner-children.ts).
 */
declare module '../extension.js' {
  interface EdgeServices {
    /** The scanner list (self-service applies scanner overrides through it). */
    scanners?: ScannersFeature;
  }
}

export type ScannersExtension = EdgeExtension & { feature: ScannersFeature };

export async function scannersExtension(context: EdgeContext): Promise<ScannersExtension> {
  const override = await loadScannersOverride(context);
  if (override) {
    context.config.scanners = override;
    context.logger.info({ scanners: override.map((s) => s.id) }, 'scanners from the stored override (l2.override.scanners)');
  }
  const feature = createScannersFeature(context);
  context.services.scanners = feature;
  return { name: 'scanners', feature, routes: [scannersRoutes(context.tokens, feature)] };
}
