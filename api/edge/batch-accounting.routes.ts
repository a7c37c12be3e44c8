import Router from '@koa/router';
import { z } from 'zod';
import type { createBatchBufferQueries } from '../../adapters/store/batch-buffer-store.js';
import type { BufferCode, BufferLoadResult, BufferRequest, BufferVerifyResult } from '../../src/domain/batch-buffer.js';
import { checkCode } from '../../src/domain/codes/index.js';
import type { WithAggregation, WithLineConfig, WithTokens } from './edge-deps.js';
import { doWork } from '../http/actor-calls.js';
import { requireRole } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { validationError } from '../http/errors.js';
import { parseBody, parseQuery } from '../http/validate.js';
import { codeField } from './schemas.js';

/** A batch's name in the buffer: a local batch identifier (B-YYYY-NNNNNN), or any label when codes are given. */
const batchIdentifier = z.string().trim().min(1).max(64);

export const loadBody = z
  .object({
    batchIdentifier,
    /** Optional: the batch's codes, for a batch made elsewhere. Without them, the local batch's bottles. */
    codes: z.array(codeField).min(1).max(100_000).optional(),
  })
  .strict();
export const batchQuery = z.object({ batch: batchIdentifier });
export const verifyBody = z.object({ code: codeField, consumedBy: z.string().trim().min(1).max(128).optional() }).strict();

/** What the batch-accounting routes need from the edge. */
export type BatchAccountingRoutesDeps = WithTokens &
  WithAggregation &
  WithLineConfig & { queries: { batchBuffer: ReturnType<typeof createBatchBufferQueries> } };

/**
 * Batch accounting (Партионный учёт): load a batch's codes into the local buffer, see what is
 * loaded/consumed/remaining, drop a batch, and verify (consume) one code. VERIFY_LOCAL_BUFFER
 * scanners consume through the scan line by the same rules. OPERATOR reads and verifies; MANAGER
 * loads and deletes. Writes go through the bottle ledger actor, like every other aggregation change.
 */
export function batchAccountingRoutes(system: BatchAccountingRoutesDeps): Router {
  const router = new Router({ prefix: '/api/v1/batch-accounting' });
  const operator = requireRole(system.tokens, 'OPERATOR');
  const manager = requireRole(system.tokens, 'MANAGER');
  const queries = system.queries.batchBuffer;
  const work = <T>(request: BufferRequest) => doWork<T>(system.aggregation(), request);

  /** Parses codes as the line does; the identification code is what the buffer matches on. */
  const parseCode = (code: string, field: string): BufferCode => {
    const check = checkCode(code, system.config.line.industry);
    if (!check.valid) throw validationError(`Invalid code: ${check.reason}`, { field, reason: check.reason, reasonCode: check.reasonCode, reasonParams: check.reasonParams });
    return { code: check.code.normalised, identificationCode: check.code.identificationCode };
  };

  router.post('/buffer/load', manager, async (ctx) => {
    const body = parseBody(ctx, loadBody);
    const codes = body.codes?.map((code, i) => parseCode(code, `codes.${i}`)) ?? null;
    ok(ctx, await work<BufferLoadResult>({ op: 'bufferLoad', batchIdentifier: body.batchIdentifier, codes }), 201);
  });

  router.get('/buffer', operator, async (ctx) => {
    ok(ctx, await queries.summary());
  });

  router.delete('/buffer', manager, async (ctx) => {
    const { batch } = parseQuery(ctx, batchQuery);
    ok(ctx, await work<{ batchIdentifier: string; removed: number }>({ op: 'bufferClear', batchIdentifier: batch }));
  });

  router.post('/verify', operator, async (ctx) => {
    const body = parseBody(ctx, verifyBody);
    const { identificationCode } = parseCode(body.code, 'code');
    ok(ctx, await work<BufferVerifyResult>({ op: 'bufferVerify', identificationCode, consumedBy: body.consumedBy ?? null }));
  });

  return router;
}
