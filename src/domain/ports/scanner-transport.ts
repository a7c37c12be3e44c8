/** The scanner port: what a transport actor (adapters/scanners) and the scanner machine exchange. */

export type TransportEvent =
  | { type: 'transport.listening'; port: number }
  | { type: 'transport.connected'; peer: string }
  | { type: 'transport.frame'; frame: Frame }
  /** The answer to `transport.query` (null: none within the timeout); `status` for extended DMCC answers. */
  | { type: 'transport.response'; text: string | null; status?: number }
  /** listen mode: the reader hung up (or was replaced by a newer connection); still listening. */
  | { type: 'transport.peerLost'; reason: string }
  /** listen mode: a connection was refused (not in allowFrom, or a live reader holds the port); at most one per few seconds. */
  | { type: 'transport.refused'; peer: string; reason: string }
  /** Terminal for this invocation: the owner stops the actor, backs off and invokes it again. */
  | { type: 'transport.failed'; reason: string };

export type TransportCommand =
  | { type: 'transport.write'; data: string }
  /** Writes the configured `trigger` string; ignored when none is configured. */
  | { type: 'transport.trigger' }
  /** Writes a command whose one-line answer comes back as `transport.response` (see query-tracker.ts). */
  | { type: 'transport.query'; data: string };

/** What a decoder produces: the domain normalises and validates `code` text later. */
export type Frame =
  | { kind: 'code'; text: string }
  | { kind: 'noread'; text: string }
  | { kind: 'garbage'; bytes: number; reason: string };
