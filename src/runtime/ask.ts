import type { AnyActorRef, EventObject } from 'xstate';

/**
 * Request/reply with an actor: a route builds an event carrying `replyTo`, the machine answers
 * with `sendTo(({ event }) => event.replyTo, { type: '…', … })`, and the route awaits the answer.
 *
 * `replyTo` is not a real actor: creating one per request (a whole actor system each) would cost
 * far more than the request itself. XState delivers `sendTo` by calling the target's `_send`,
 * whichever system it lives in, so a tiny object with `_send` is enough; test/runtime/ask.test.ts
 * pins that behaviour down so an XState upgrade that changes it fails loudly.
 */

export class AskTimeoutError extends Error {
  override readonly name = 'AskTimeoutError';
  constructor(
    readonly eventType: string,
    readonly timeoutMs: number,
    readonly targetId: string,
  ) {
    super(`no reply to "${eventType}" from actor "${targetId}" within ${timeoutMs} ms`);
  }
}

/** The target was not running: fail fast instead of waiting for a timeout that is certain. */
export class AskTargetStoppedError extends Error {
  override readonly name = 'AskTargetStoppedError';
  constructor(
    readonly eventType: string,
    readonly targetId: string,
    readonly status: string,
  ) {
    super(`cannot ask "${eventType}": actor "${targetId}" is ${status}`);
  }
}

export interface AskOptions {
  /** Default 5000 ms. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const NO_SUBSCRIPTION = { unsubscribe() {} };
let sequence = 0;

/**
 * The reply endpoint. Methods live on the prototype so each ask allocates one small object.
 * Only the first reply counts; later ones (a machine answering twice) are dropped.
 */
class ReplyRef {
  readonly id: string;
  readonly sessionId: string;
  readonly src = 'ask';
  onReply: ((event: EventObject) => void) | undefined;

  constructor(onReply: (event: EventObject) => void) {
    this.id = this.sessionId = `ask:${++sequence}`;
    this.onReply = onReply;
  }

  /** What XState's `sendTo` / system relay calls. */
  _send(event: EventObject): void {
    const onReply = this.onReply;
    this.onReply = undefined;
    onReply?.(event);
  }

  send(event: EventObject): void {
    this._send(event);
  }

  getSnapshot() {
    return { status: this.onReply ? 'active' : 'done', output: undefined, error: undefined };
  }

  // The rest of the ActorRef surface, inert: nothing subscribes to a reply endpoint.
  start(): void {}
  stop(): void {
    this.onReply = undefined;
  }
  getPersistedSnapshot() {
    return this.getSnapshot();
  }
  subscribe() {
    return NO_SUBSCRIPTION;
  }
  on() {
    return NO_SUBSCRIPTION;
  }
  select() {
    return { subscribe: () => NO_SUBSCRIPTION, get: () => undefined };
  }
  /** Keeps JSON logs and inspection traces of the request event short. */
  toJSON() {
    return { id: this.id };
  }
}

export function ask<TReply>(
  target: AnyActorRef,
  build: (replyTo: AnyActorRef) => EventObject,
  options?: AskOptions,
): Promise<TReply> {
  return new Promise<TReply>((resolve, reject) => {
    const timeoutMs = options?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const replyTo = new ReplyRef((reply) => {
      clearTimeout(timer);
      resolve(reply as TReply);
    });
    // A throwing `build` rejects the promise (we are inside the executor) before any timer exists.
    const event = build(replyTo as unknown as AnyActorRef);
    const status = target.getSnapshot().status as string;
    if (status !== 'active') {
      replyTo.stop();
      reject(new AskTargetStoppedError(event.type, target.id, status));
      return;
    }
    // Armed before sending: a machine may answer synchronously inside `send`.
    timer = setTimeout(() => {
      replyTo.stop();
      reject(new AskTimeoutError(event.type, timeoutMs, target.id));
    }, timeoutMs);
    target.send(event);
  });
}
