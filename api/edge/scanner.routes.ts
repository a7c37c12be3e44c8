import Router from '@koa/router';
import { z } from 'zod';
import { decisionMessage, decisionReason, type ScanReply, type ScanDecision } from '../../machines/edge/scan-line.machine.js';
import type { ScanOutcome } from '../../src/domain/scan-commit.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { checkCode } from '../../src/domain/codes/index.js';
import { isReasonCode, reasons, reasonText } from '../../src/domain/codes/reasons.js';
import type { WithLineConfig, WithQueries, WithScanLine, WithScannersConfig, WithTokens } from './edge-deps.js';
import { askActor } from '../http/actor-calls.js';
import { requireRole } from '../http/auth.js';
import { ok } from '../http/envelope.js';
import { ApiError } from '../http/errors.js';
import { parseBody, parseQuery } from '../http/validate.js';
import { codeField, industryField, limitParam } from './schemas.js';
import { lineStatus } from './line-status.js';

/** Pages newest first: `cursor` from the previous page's X-Next-Cursor header; an unknown parameter is a 400. */
export const recentQuery = z.object({ limit: limitParam(50), cursor: z.string().min(1).max(200).optional() }).strict();

export const validateBody = z.object({ code: codeField, industry: industryField.optional() }).strict();
export const scanBody = z.object({ code: codeField }).strict();
const DUPLICATE = reasons.duplicate();

/** A decision as the spec shows it; an unstored outcome (storage failed) is a 503, not an answer. */
export function decisionBody(decision: ScanDecision) {
  if (decision.outcome === 'error') throw new ApiError('SERVICE_UNAVAILABLE', decision.message ?? 'Storage unavailable');
  return {
    valid: decision.valid,
    gtin: decision.gtin,
    duplicate: decision.duplicate,
    bottleId: decision.bottleId,
    message: decision.message,
    reasonCode: decision.reasonCode,
    reasonParams: decision.reasonParams,
    outcome: decision.outcome,
  };
}

/** What the scanner routes need from the edge (lineStatus adds the scanners). */
export type ScannerRoutesDeps = WithTokens & WithScanLine & WithQueries & WithLineConfig & WithScannersConfig;

export async function scanThroughLine(system: WithScanLine, code: string, source: string) {
  const reply = await askActor<ScanReply>(system.scanLine(), (replyTo) => ({ type: 'SCAN', code, source, receivedAt: new Date().toISOString(), replyTo }));
  return decisionBody(reply.decisions[0]!);
}

export function scannerRoutes(system: ScannerRoutesDeps): Router {
  const router = new Router({ prefix: '/api/v1/scanner' });
  const anyone = requireRole(system.tokens, 'OPERATOR');

  router.get('/status', anyone, (ctx) => {
    ok(ctx, lineStatus(system));
  });

  /** Checks a code against the line's (or the given) industry and the stored codes; stores nothing. */
  router.post('/validate', anyone, async (ctx) => {
    const { code, industry } = parseBody(ctx, validateBody);
    const check = checkCode(code, industry ?? system.config.line.industry);
    if (!check.valid) {
      ok(ctx, { valid: false, gtin: check.gtin, duplicate: false, message: check.reason, reasonCode: check.reasonCode, reasonParams: check.reasonParams });
      return;
    }
    const existing = await system.queries.bottles.findByIdentificationCode(check.code.identificationCode);
    ok(ctx, {
      valid: existing === null,
      gtin: check.code.gtin,
      duplicate: existing !== null,
      message: existing ? reasonText(DUPLICATE) : null,
      reasonCode: existing ? DUPLICATE.code : null,
      reasonParams: existing ? DUPLICATE.params : null,
      ...(existing ? { bottleId: existing } : {}),
    });
  });

  router.post('/scan', anyone, async (ctx) => {
    const { code } = parseBody(ctx, scanBody);
    ok(ctx, await scanThroughLine(system, code, 'api'));
  });

  router.get('/recent', anyone, async (ctx) => {
    const { limit, cursor } = parseQuery(ctx, recentQuery);
    const beforeId = cursor === undefined ? undefined : (decodeCursor('scans', cursor, 'number') as number);
    const scans = await system.queries.bottles.recentScans(limit + 1, beforeId);
    const page = scans.slice(0, limit);
    if (scans.length > limit) ctx.set('X-Next-Cursor', encodeCursor('scans', page[page.length - 1]!.id));
    // The same text the live answer gave (a duplicate's reason is not stored: it is the outcome's standard text).
    // A row stored before reason codes existed has none: its outcome's code, if it has one, stands for it.
    ok(ctx, page.map(({ id: _id, ...scan }) => ({
      ...scan,
      message: decisionMessage(scan.outcome as ScanOutcome, scan.message),
      ...decisionReason(scan.outcome as ScanOutcome, isReasonCode(scan.reasonCode) ? scan.reasonCode : null, scan.reasonParams),
    })));
  });

  return router;
}
