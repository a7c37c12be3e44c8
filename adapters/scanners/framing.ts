import { z } from 'zod';

/**
 * How a scanner delimits the codes it sends. Scanner models differ only in configuration
 * (Cognex DMCC, Hikrobot and Datalogic all let the installer pick prefix/suffix), so framing is
 * data, never a class per model.
 */
export interface FramingConfig {
  /**
   * Frame terminator. 'CRLF' is the tolerant default: CR, LF and CRLF all end a frame, because
   * installers rarely know which one a reader was set to. 'CR' and 'LF' are strict: the other
   * byte is a control character and makes the frame garbage, which exposes a misconfigured
   * reader instead of silently passing half-codes. 'NONE' treats each TCP read as one frame
   * (discouraged: TCP does not preserve write boundaries).
   */
  suffix: 'CR' | 'LF' | 'CRLF' | 'STX_ETX' | 'NONE' | { custom: string };
  /** Stripped when present at the start of a frame (e.g. a reader id). */
  prefix?: string;
  /** Frames equal to one of these (trimmed, case-insensitive) are no-reads, not codes. */
  noRead: string[];
  /** A run of bytes with no terminator longer than this is discarded as garbage. */
  maxFrameBytes: number;
}

export const DEFAULT_NO_READ = ['NoRead', 'NO READ', 'ERROR'];
export const DEFAULT_MAX_FRAME_BYTES = 4096;

const suffixSchema = z.union([
  z.enum(['CR', 'LF', 'CRLF', 'STX_ETX', 'NONE']),
  z.object({ custom: z.string().min(1) }).strict(),
]);

export const framingSchema: z.ZodType<FramingConfig> = z
  .object({
    suffix: suffixSchema.default('CRLF'),
    prefix: z.string().min(1).optional(),
    noRead: z.array(z.string().min(1)).default(() => [...DEFAULT_NO_READ]),
    maxFrameBytes: z.number().int().min(16).max(1024 * 1024).default(DEFAULT_MAX_FRAME_BYTES),
  })
  .strict();

export type { Frame } from '../../src/domain/ports/scanner-transport.js';
