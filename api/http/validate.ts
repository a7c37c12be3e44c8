import type { Context } from 'koa';
import type { z } from 'zod';
import { validationError } from './errors.js';

/** Turns zod issues into the spec's `details`: the first failing field and why, plus all issues. */
function detailsOf(error: z.ZodError) {
  const fieldOf = (path: readonly PropertyKey[]) => path.map(String).join('.') || '(root)';
  const issues = error.issues.flatMap((issue) =>
    // zod reports an unknown key on its parent object; name the key itself, which is what the client must drop.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: fieldOf([...issue.path, key]), reason: `Unknown field "${key}"` }))
      : [{ field: fieldOf(issue.path), reason: issue.message }],
  );
  return { ...issues[0], issues };
}

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(`Invalid ${what}`, detailsOf(result.error));
  return result.data;
}

export const parseBody = <T extends z.ZodType>(ctx: Context, schema: T): z.infer<T> =>
  parse(schema, (ctx.request as { body?: unknown }).body ?? {}, 'request body');

export const parseQuery = <T extends z.ZodType>(ctx: Context, schema: T): z.infer<T> =>
  parse(schema, ctx.query, 'query parameters');

export const parseParams = <T extends z.ZodType>(ctx: Context, schema: T): z.infer<T> =>
  parse(schema, (ctx as { params?: unknown }).params ?? {}, 'path parameters');
