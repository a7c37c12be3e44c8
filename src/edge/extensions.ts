import type { EdgeExtensionFactory } from './extension.js';
import { plcsExtension } from './hardware/plcs.extension.js';
import { rejectLoopExtension } from './hardware/reject-loop.extension.js';
import { printersExtension } from './hardware/printers.extension.js';
import { gpioExtension } from './hardware/gpio.extension.js';
import { upsExtension } from './hardware/ups.extension.js';
import { scannersExtension } from './hardware/scanners.extension.js';
import { selfServiceExtension } from './self-service/self-service.extension.js';
import { retentionExtension } from './retention.extension.js';
import { ssccLabelsExtension } from './sscc-labels.extension.js';
import { epcisExtension } from './epcis/epcis.extension.js';
import { ordersExtension } from './orders/orders.extension.js';
import { rejectSafetyExtension } from './hardware/reject-safety.extension.js';
import { firmwareInstallExtension } from './firmware-install.extension.js';

/** The edge's line-hardware features, started in this order (one offering a service to others comes first). */
export const EDGE_EXTENSIONS: EdgeExtensionFactory[] = [
  scannersExtension, // applies the stored scanner list (l2.override.scanners) before the actor tree starts
  gpioExtension, // first: offers services.gpio (UPS lights LEDs through it)
  upsExtension,
  printersExtension,
  ssccLabelsExtension, // after printers: prints box and pallet SSCC labels through services.printers
  plcsExtension, // offers services.plc (the reject loop writes the eject output through it)
  rejectLoopExtension, // after plcs: ejects through services.plc
  rejectSafetyExtension, // after plcs: tells the scan line when a reject_all safe state is in force
  ordersExtension, // after plcs: watches currentGtin; offers services.orders (set_order)
  retentionExtension, // background deletes of old duplicate / no-read scan rows
  epcisExtension, // GET /api/v1/epcis/events
  firmwareInstallExtension, // a newly installed version confirms itself once the factory welcomes it
  selfServiceExtension, // last: /api/v1/config applies overrides through the scanner, printer and PLC features
];
