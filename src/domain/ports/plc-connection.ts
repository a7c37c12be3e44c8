import type { AnyActorRef } from 'xstate';

/** The PLC port: what a connection actor (adapters/plcs) and the plc machine exchange. */

export type PlcValue = boolean | number | string;

export interface PlcTag {
  address: string;
  name: string;
  dataType: 'bool' | 'int' | 'real' | 'string' | 'unknown';
  writable: boolean;
}

export type PlcRequest =
  | { op: 'read'; address: string }
  | { op: 'write'; address: string; value: PlcValue }
  | { op: 'browse' };

/** The answer a requester gets (to its replyTo). */
export type PlcReply =
  | { type: 'plc.reply'; requestId: string | null; ok: true; value?: PlcValue; tags?: PlcTag[] | null; latencyMs: number }
  | { type: 'plc.reply'; requestId: string | null; ok: false; code: string; error: string };

/** To the connection actor. */
export type PlcConnectionCommand = { type: 'plc.request'; request: PlcRequest; requestId: string | null; replyTo: AnyActorRef | null };

/** From the connection actor. */
export type PlcConnectionEvent =
  | { type: 'plc.connected' }
  | { type: 'plc.failed'; reason: string }
  | { type: 'plc.lost'; reason: string }
  | { type: 'plc.stats'; ok: boolean; latencyMs: number; error: string | null; op: PlcRequest['op'] };
