import type { JsonRequester } from './http-request.js';
import { responseSchemaOf, schemaProblems } from './json-schema-check.js';

type OpenApi = { paths: Record<string, Record<string, any>> } & Record<string, any>;

/** The document path (`/api/v1/batches/{id}`) a request path falls under, if any. */
export function documentPathOf(document: OpenApi, method: string, requestPath: string): string | undefined {
  const path = requestPath.split('?')[0]!;
  const candidates = Object.keys(document.paths).filter((template) => document.paths[template]![method.toLowerCase()]);
  const matches = candidates.filter((template) =>
    new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`).test(path),
  );
  // A literal segment beats a parameter (`/devices/connected` over `/devices/{id}`).
  return matches.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))[0];
}

/**
 * A requester that checks every answer against the OpenAPI document: the route is documented,
 * the status is one the operation lists, and the JSON body fits that status's schema (the success
 * envelope with the route's data, or the error envelope). Throws naming each mismatch.
 */
export function conformingRequester(request: JsonRequester, document: OpenApi): JsonRequester {
  return async (method, path, options) => {
    const response = await request(method, path, options);
    const template = documentPathOf(document, method, path);
    if (!template) throw new Error(`${method} ${path} is not in the OpenAPI document`);
    const responses = document.paths[template]![method.toLowerCase()].responses as Record<string, unknown>;
    if (!(String(response.status) in responses)) {
      throw new Error(`${method} ${path} answered ${response.status}, not a status the document lists (${Object.keys(responses).join(', ')})`);
    }
    const schema = responseSchemaOf(document, method, template, response.status);
    if (schema !== undefined) {
      const problems = schemaProblems(response.body, schema, document);
      if (problems.length > 0) throw new Error(`${method} ${path} ${response.status} does not fit the document:\n  ${problems.join('\n  ')}`);
    }
    return response;
  };
}
