import { z } from 'zod';
import type { RouteAccess, RouteDescription } from './route-description.js';

export interface OpenApiDocumentOptions {
  title: string;
  version: string;
  description: string;
  routes: readonly RouteDescription[];
}

type JsonSchema = Record<string, unknown>;

const ERROR_RESPONSES: Record<number, string> = {
  400: 'Invalid input (malformed JSON, wrong types, missing or unknown fields): VALIDATION_ERROR with the failing field in details.',
  401: 'Missing, invalid or expired token: UNAUTHORIZED.',
  403: 'The token is valid but its role is too low: FORBIDDEN with details.required and details.actual.',
  404: 'Unknown resource: NOT_FOUND.',
  409: 'The resource is not in a state that allows this: CONFLICT (or a more specific code).',
  413: 'Request body larger than the configured limit: PAYLOAD_TOO_LARGE.',
  503: 'The service, feature or upstream it needs is not available right now: SERVICE_UNAVAILABLE.',
};

/** Koa's `:id` (optionally with a regexp) to OpenAPI's `{id}`. */
export const openApiPath = (koaPath: string): string => koaPath.replace(/:(\w+)(\([^)]*\))?/g, '{$1}');

const pathNames = (koaPath: string): string[] => [...koaPath.matchAll(/:(\w+)/g)].map((match) => match[1]!);

export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

function parametersOf(where: 'query' | 'path', schema: z.ZodType | undefined, names?: string[]) {
  const json = schema ? jsonSchemaOf(schema) : {};
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  const keys = names ?? Object.keys(properties);
  return keys.map((name) => {
    const { description, ...propertySchema } = properties[name] ?? { type: 'string' };
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: propertySchema,
    };
  });
}

export function accessText(access: RouteAccess): string {
  if (access === 'public') return 'No token needed.';
  if (access === 'signed-in') return 'Any signed-in user (also one who must still change the password).';
  if (access === 'device') return 'A current device token (issued at enrolment).';
  if (access.startsWith('device-or-')) return `A current device token, or a user token with role ${access.slice('device-or-'.length)} or higher.`;
  return `Requires role ${access} or higher.`;
}

function errorCodesOf(route: RouteDescription): number[] {
  const codes = [400];
  if (route.access !== 'public') codes.push(401);
  if (route.access !== 'public' && route.access !== 'signed-in' && route.access !== 'device') codes.push(403);
  codes.push(404);
  if (route.method !== 'GET') codes.push(409);
  if (route.body || route.uploads || route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH') codes.push(413);
  codes.push(503);
  return codes;
}

function operationOf(route: RouteDescription, tag: string) {
  const access = accessText(route.access);
  const status = route.status ?? 200;
  const success = route.produces
    ? { description: 'Success', content: Object.fromEntries([route.produces].flat().map((type) => [type, { schema: { type: 'string' } }])) }
    : {
        description: route.response ? 'Success' : 'Success (the shape of data is not described yet)',
        content: {
          'application/json': {
            schema: {
              allOf: [{ $ref: '#/components/schemas/SuccessEnvelope' }],
              properties: { data: route.response ? jsonSchemaOf(route.response, 'output') : {} },
            },
          },
        },
      };
  const parameters = [...parametersOf('path', route.params, pathNames(route.path)), ...(route.query ? parametersOf('query', route.query) : [])];
  return {
    tags: [tag],
    summary: route.summary,
    description: [route.description, `**Access:** ${access}`].filter(Boolean).join('\n\n'),
    operationId: `${route.method.toLowerCase()}${openApiPath(route.path).replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    'x-required-role': route.access,
    security: route.access === 'public' ? [] : [{ bearerAuth: [] }],
    ...(parameters.length ? { parameters } : {}),
    ...(route.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(route.body) } } } }
      : route.uploads
        ? { requestBody: { required: true, content: { [route.uploads]: { schema: { type: 'string', contentMediaType: route.uploads } } } } }
        : {}),
    responses: {
      [String(status)]: success,
      ...Object.fromEntries(errorCodesOf(route).map((code) => [String(code), { $ref: `#/components/responses/Error${code}` }])),
      ...Object.fromEntries((route.alsoAnswers ?? []).map((code) => [String(code), { ...success, description: `Answered with the success envelope (${success.description})` }])),
    },
  };
}

/** The tag of an operation: the first path segment after /api/v1 (`batches`, `devices`...). */
const tagOf = (path: string): string => /^\/api\/v1\/([^/]+)/.exec(path)?.[1] ?? 'service';

/** An OpenAPI 3.1 document of the routes: the envelopes, bearer auth, and each route's access. */
export function buildOpenApiDocument(options: OpenApiDocumentOptions) {
  const paths: Record<string, Record<string, unknown>> = {};
  const operationIds = new Set<string>();
  for (const route of options.routes) {
    const path = openApiPath(route.path);
    const item = (paths[path] ??= {});
    const method = route.method.toLowerCase();
    if (item[method]) throw new Error(`${route.method} ${route.path} is described twice`);
    const operation = operationOf(route, tagOf(route.path));
    // swagger-ui and client generators key on the operationId.
    if (operationIds.has(operation.operationId)) throw new Error(`${route.method} ${route.path}: operationId ${operation.operationId} is taken`);
    operationIds.add(operation.operationId);
    item[method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: options.title, version: options.version, description: options.description },
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        SuccessEnvelope: {
          type: 'object',
          required: ['success', 'data'],
          properties: { success: { const: true }, data: {} },
        },
        ErrorEnvelope: {
          type: 'object',
          required: ['success', 'error'],
          additionalProperties: false,
          properties: {
            success: { const: false },
            error: {
              type: 'object',
              required: ['code', 'message'],
              additionalProperties: false,
              properties: {
                code: { type: 'string', description: 'A stable machine string (VALIDATION_ERROR, NOT_FOUND...).' },
                message: { type: 'string' },
                details: { description: 'What failed (the field and why, the role required...).' },
              },
            },
          },
        },
      },
      responses: Object.fromEntries(
        Object.entries(ERROR_RESPONSES).map(([code, description]) => [
          `Error${code}`,
          { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } } },
        ]),
      ),
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
