import { CHANNEL_CLOSE, type ChannelMessage, type ChannelPayload } from '../device-channel.js';

/** The device channel port: what the channel actor (adapters/factory-link) and the factory link machine exchange. */

/** The factory's close code for a refused (revoked, re-issued, unknown) device token: src/domain/device-channel.ts. */
export const CHANNEL_CLOSE_UNAUTHORIZED = CHANNEL_CLOSE.UNAUTHORIZED;

/** What the channel actor tells the link. */
export type ChannelEvent =
  | { type: 'channel.open' }
  | { type: 'channel.message'; message: ChannelMessage }
  /** A frame the codec refused (bad JSON, unknown type, other version): reported, not fatal. */
  | { type: 'channel.invalid'; reason: string }
  /**
   * The socket closed or never opened. `code` is the WebSocket close code (null when no close
   * frame arrived); `httpStatus` is set when the server answered the upgrade with an HTTP error.
   */
  | { type: 'channel.closed'; code: number | null; reason: string; httpStatus?: number };

/** Edge → factory message types: the link's own, and a command's answers (sent for the edge's command executor). */
export type OutgoingType = 'hello' | 'heartbeat' | 'status' | CommandReplyType;
export type CommandReplyType = 'command.ack' | 'command.progress' | 'command.result';

/** A command's answer to send over the channel (the SEND event's message). */
export type CommandReply = { [T in CommandReplyType]: { messageType: T; payload: ChannelPayload<T> } }[CommandReplyType];

/** What the link asks the channel actor to do: wrap a payload in the channel envelope and send it. */
export type ChannelCommand = { [T in OutgoingType]: { type: 'channel.send'; messageType: T; payload: ChannelPayload<T> } }[OutgoingType];
