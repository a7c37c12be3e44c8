import type { CommandOutcome, CommandResults } from '../../../adapters/store/command-results.js';
import type { ChannelMessage } from '../../domain/device-channel.js';
import { type CommandType, commandParamsSchemas } from '../../domain/device-commands.js';
import type { EventBus } from '../../runtime/event-bus.js';
import type { Logger } from '../../runtime/logger.js';
import type { EdgeEvent } from '../edge-events.js';
import type { CommandReplies } from './replies.js';
import { CommandContinuesAfterRestart, CommandFailure, type CommandHandler, type CommandHandlers } from './types.js';

/**
 * Runs the commands the factory sends this edge (they arrive on the bus as `factory.command`
 * from the factory link). For each: ack at once; answer a command it has seen before from its
 * record (idempotent by commandId: never run twice); refuse it past expiresAt (EXPIRED) or with
 * bad params (INVALID_PARAMS); otherwise run its handler and answer command.result.
 *
 * A command's record is written `running` before it starts; one found `running` when resent
 * was cut short by the process ending: that is how reboot_os / shutdown_os end, so they count as
 * done; anything else is answered INTERRUPTED rather than run again blind.
 */
export interface CommandExecutorOptions {
  bus: EventBus<EdgeEvent>;
  replies: CommandReplies;
  results: CommandResults;
  handlers: CommandHandlers;
  logger: Logger;
  now?: () => number;
}

/** Commands whose purpose is to end this process: being cut short is their success. */
const ENDS_THE_PROCESS: ReadonlySet<CommandType> = new Set(['reboot_os', 'shutdown_os']);
const processStartedAt = new Date().toISOString();

export function createCommandExecutor(options: CommandExecutorOptions) {
  const { replies, results, handlers, logger } = options;
  const now = options.now ?? Date.now;
  const inFlight = new Map<string, Promise<void>>();
  const stopping = new AbortController();

  const answer = (commandId: string, outcome: CommandOutcome) => replies.send({ messageType: 'command.result', payload: { commandId, ...outcome } });
  /** The outcome on the cabinet's journal (the command's arrival is journaled from the bus). */
  const journal = (commandId: string, type: string, outcome: CommandOutcome) =>
    options.bus.publish({
      type: 'journal.record',
      severity: outcome.ok ? 'info' : 'warning',
      category: 'system',
      source: 'commands',
      messageKey: outcome.ok ? 'system.command_succeeded' : 'system.command_failed',
      params: outcome.ok ? { command: type, commandId } : { command: type, commandId, error: `${outcome.error?.code ?? "ERROR"}: ${outcome.error?.message ?? ""}`.slice(0, 500) },
    });

  async function run(message: ChannelMessage<'command'>): Promise<void> {
    const { commandId, type, params, expiresAt, timeoutMs } = message.payload;
    const record = await results.get(commandId);
    if (record?.status === 'done' && record.outcome) {
      logger.info({ commandId, type }, 'command already ran: answering its stored result');
      answer(commandId, record.outcome);
      return;
    }
    if (record?.status === 'running') {
      let resumed: CommandOutcome | null | undefined;
      try {
        resumed = await handlers[type].resume?.(commandId, stopping.signal);
      } catch (error) {
        if (error instanceof CommandContinuesAfterRestart) return; // still undecided: asked again later
        throw error;
      }
      if (resumed) {
        logger.info({ commandId, type, ok: resumed.ok }, 'command cut short by a restart: answering how it ended');
        journal(commandId, type, resumed);
        answer(commandId, (await results.finished(commandId, type, record.startedAt, resumed)).outcome!);
        return;
      }
      const outcome: CommandOutcome = ENDS_THE_PROCESS.has(type)
        ? { ok: true, result: { completed: true, note: `the edge went down as asked and came back at ${processStartedAt}`, bootedAt: processStartedAt } }
        : { ok: false, error: { code: 'INTERRUPTED', message: `the edge restarted while running this command (started ${record.startedAt}); it was not run again` } };
      answer(commandId, (await results.finished(commandId, type, record.startedAt, outcome)).outcome!);
      return;
    }

    const startedAt = new Date(now()).toISOString();
    const refuse = async (code: string, text: string) => {
      logger.warn({ commandId, type, code }, `command refused: ${text}`);
      journal(commandId, type, { ok: false, error: { code, message: text } });
      answer(commandId, (await results.finished(commandId, type, startedAt, { ok: false, error: { code, message: text } })).outcome!);
    };
    if (expiresAt !== null && Date.parse(expiresAt) <= now()) return refuse('EXPIRED', `the command expired at ${expiresAt} before this edge could start it`);
    const parsed = commandParamsSchemas[type].safeParse(params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return refuse('INVALID_PARAMS', `invalid params for ${type}: ${issue ? `${issue.path.join('.') || '(params)'} ${issue.message}` : 'invalid'}`);
    }

    await results.started(commandId, type);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([timeout, stopping.signal]);
    const handler = handlers[type] as CommandHandler;
    let outcome: CommandOutcome;
    logger.info({ commandId, type }, 'command started');
    try {
      const result = await handler(parsed.data as never, {
        commandId,
        type,
        signal,
        logger,
        progress: (stage, detail) => replies.send({ messageType: 'command.progress', payload: { commandId, stage, ...(detail === undefined ? {} : { detail }) } }),
      });
      outcome = { ok: true, ...(result === undefined ? {} : { result }) };
    } catch (error) {
      if (error instanceof CommandContinuesAfterRestart) {
        logger.warn({ commandId, type }, 'command goes on after the restart: answered by the next start');
        return;
      }
      outcome = failureOutcome(error, timeout.aborted, timeoutMs);
    }
    if (outcome.ok) logger.info({ commandId, type }, 'command succeeded');
    else logger.warn({ commandId, type, error: outcome.error }, 'command failed');
    journal(commandId, type, outcome);
    answer(commandId, (await results.finished(commandId, type, startedAt, outcome)).outcome!);
  }

  function receive(message: ChannelMessage<'command'>): void {
    const { commandId, type } = message.payload;
    // Acked before anything else: the factory marks it DELIVERED, even if it was delivered before.
    replies.send({ messageType: 'command.ack', payload: { commandId } });
    // A resend while it runs: the one run answers both.
    if (inFlight.has(commandId)) return;
    const running = run(message)
      .catch((error: unknown) => {
        logger.error({ err: error, commandId, type }, 'command could not be answered');
        answer(commandId, { ok: false, error: { code: 'EDGE_ERROR', message: messageOf(error).slice(0, 2000) } });
      })
      .finally(() => inFlight.delete(commandId));
    inFlight.set(commandId, running);
  }

  const off = options.bus.subscribe('factory.command', (event) => receive(event.message));

  return {
    /** For tests and the composition root: runs a command message as if it came from the link. */
    receive,
    /** Settles when every command started so far has answered. */
    idle: async () => {
      await Promise.all([...inFlight.values()]);
    },
    running: () => [...inFlight.keys()],
    /** Stops taking commands and aborts the ones running (they answer as failed if they can). */
    async stop() {
      off();
      stopping.abort(new Error('the edge is stopping'));
      await Promise.all([...inFlight.values()]);
    },
  };
}

function failureOutcome(error: unknown, timedOut: boolean, timeoutMs: number): CommandOutcome {
  const result = error instanceof CommandFailure && error.result !== undefined ? { result: error.result } : {};
  // Our own timeout stopped it: say so whatever the handler threw on being stopped (ABORTED, …),
  // so the factory records TIMED_OUT whichever side notices first.
  if (timedOut) return { ok: false, ...result, error: { code: 'TIMED_OUT', message: `the command did not finish within ${timeoutMs} ms` } };
  if (error instanceof CommandFailure) return { ok: false, ...result, error: { code: error.code, message: error.message.slice(0, 2000) } };
  return { ok: false, error: { code: 'FAILED', message: messageOf(error).slice(0, 2000) } };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export type CommandExecutor = ReturnType<typeof createCommandExecutor>;
