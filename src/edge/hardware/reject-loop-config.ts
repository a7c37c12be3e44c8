import { z } from 'zod';

/**
 * The reject loop (issue 6): the scan line's decision drives the PLC's bound `eject` output, and
 * a REJECTION_FEEDBACK reader confirms each ejected unit within its window. Off unless enabled;
 * then GET /api/v1/reject-loop/status answers 503 SERVICE_UNAVAILABLE.
 */
export const rejectLoopConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Eject pulse length; unset = the eject binding's pulseMs (else the PLC service's 100 ms). */
    pulseMs: z.number().int().min(1).max(60_000).optional(),
    /**
     * How long after the eject the REJECTION_FEEDBACK reader must have seen the unit. Used only
     * when a scanner with that role is configured at start; null = never check.
     */
    feedbackWindowMs: z.number().int().min(10).max(600_000).nullable().default(2000),
    /** A reject not confirmed in its window (or an eject the PLC refused) pauses the scan line. */
    stopLineOnMissedReject: z.boolean().default(false),
  })
  .strict()
  .prefault({});

export type RejectLoopConfig = z.infer<typeof rejectLoopConfigSchema>;
