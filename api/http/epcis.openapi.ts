import { describeRoute } from './openapi/route-description.js';
import { EPCIS_MEDIA_TYPE, epcisEventsQuery } from './epcis.routes.js';

/** The OpenAPI description of epcis.routes.ts (mounted on the edge and on the factory). */
export const epcisRoutesDescribed = [
  describeRoute({
    method: 'GET',
    path: '/api/v1/epcis/events',
    summary: 'EPCIS 2.0 events of a time range',
    description:
      'An EPCIS 2.0 JSON-LD document (type EPCISDocument, schemaVersion 2.0): an ObjectEvent (ADD, commissioning, active) per unit created in [from, to), with its SGTIN as an EPC URI and lot and dates as ILMD, and an AggregationEvent (ADD, packing) per box and pallet closed in it, the SSCC as parent when there is one. Streamed as it is read.',
    access: 'OPERATOR',
    query: epcisEventsQuery,
    produces: EPCIS_MEDIA_TYPE,
  }),
];
