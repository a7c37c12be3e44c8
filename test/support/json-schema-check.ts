/**
 * Checks a value against the JSON Schema subset the OpenAPI documents use (what z.toJSONSchema
 * emits plus $ref into the document): type, const, enum, properties, required,
 * additionalProperties, items, prefixItems, anyOf/oneOf/allOf, numeric and length bounds, pattern.
 * Returns the problems as `path: why` (empty when the value fits).
 */
type Schema = Record<string, any> | boolean;

export function schemaProblems(value: unknown, schema: Schema, root: Record<string, any>, path = '$'): string[] {
  if (schema === true || schema === undefined) return [];
  if (schema === false) return [`${path}: not allowed`];
  if (typeof schema.$ref === 'string') {
    const target = (schema.$ref as string).replace(/^#\//, '').split('/').reduce<any>((node, key) => node?.[key], root);
    if (target === undefined) return [`${path}: unresolved ${schema.$ref}`];
    const { $ref: _ref, ...rest } = schema;
    return [...schemaProblems(value, target, root, path), ...schemaProblems(value, rest, root, path)];
  }
  const problems: string[] = [];
  if ('const' in schema && JSON.stringify(value) !== JSON.stringify(schema.const)) problems.push(`${path}: expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.some((option: unknown) => JSON.stringify(option) === JSON.stringify(value))) {
    problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (schema.type !== undefined) {
    const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((type) => typeMatches(value, type))) return [...problems, `${path}: expected ${types.join('|')}, got ${describe(value)}`];
  }
  if (Array.isArray(schema.allOf)) for (const part of schema.allOf) problems.push(...schemaProblems(value, part, root, path));
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    if (!Array.isArray(schema[keyword])) continue;
    const fits = schema[keyword].filter((part: Schema) => schemaProblems(value, part, root, path).length === 0).length;
    if (keyword === 'anyOf' ? fits === 0 : fits !== 1) problems.push(`${path}: fits ${fits} of the ${keyword} alternatives`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) problems.push(`${path}: below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) problems.push(`${path}: above ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) problems.push(`${path}: shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) problems.push(`${path}: longer than ${schema.maxLength}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) problems.push(`${path}: does not match ${schema.pattern}`);
  }
  if (Array.isArray(value)) {
    const prefix: Schema[] = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
    value.forEach((item, index) => {
      const itemSchema = index < prefix.length ? prefix[index] : schema.items;
      if (itemSchema !== undefined) problems.push(...schemaProblems(item, itemSchema, root, `${path}[${index}]`));
    });
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const properties: Record<string, Schema> = schema.properties ?? {};
    for (const key of schema.required ?? []) if (!(key in record)) problems.push(`${path}: missing ${key}`);
    for (const [key, item] of Object.entries(record)) {
      if (key in properties) problems.push(...schemaProblems(item, properties[key]!, root, `${path}.${key}`));
      else if (schema.additionalProperties !== undefined) problems.push(...schemaProblems(item, schema.additionalProperties, root, `${path}.${key}`));
    }
  }
  return problems;
}

function typeMatches(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    default:
      return typeof value === type;
  }
}

const describe = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** The schema of an operation's answer with `status` (the default response absent). */
export function responseSchemaOf(document: Record<string, any>, method: string, openApiPath: string, status: number): Schema | undefined {
  const operation = document.paths?.[openApiPath]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${openApiPath} is not in the document`);
  let response = operation.responses?.[String(status)];
  if (response?.$ref) response = schemaTarget(document, response.$ref);
  return response?.content?.['application/json']?.schema;
}

const schemaTarget = (document: Record<string, any>, ref: string) => ref.replace(/^#\//, '').split('/').reduce<any>((node, key) => node?.[key], document);
