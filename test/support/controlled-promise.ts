import { fromPromise } from 'xstate';

/** One call of a controlled actor: what it was given, and how the test ends it. */
export interface ControlledCall<TOutput, TInput> {
  input: TInput;
  /** Settled by the test, or abandoned because the machine stopped the actor (left the state). */
  settled: boolean;
  /** The machine stopped the invoked actor before the test settled it. */
  aborted: boolean;
  resolve(output: TOutput): void;
  reject(error: unknown): void;
}

/**
 * A `fromPromise` logic whose every call waits until the test resolves or rejects it: the test,
 * not a timer, decides when the fake cloud (or database) answers and with what. Calls are kept in
 * order; `open()` is the one still waiting, if any.
 */
export function controlledPromise<TOutput, TInput = void>() {
  const calls: Array<ControlledCall<TOutput, TInput>> = [];
  const logic = fromPromise<TOutput, TInput>(
    ({ input, signal }) =>
      new Promise<TOutput>((resolve, reject) => {
        const call: ControlledCall<TOutput, TInput> = {
          input,
          settled: false,
          aborted: false,
          resolve(output) {
            if (call.settled) throw new Error('controlled call settled twice');
            call.settled = true;
            resolve(output);
          },
          reject(error) {
            if (call.settled) throw new Error('controlled call settled twice');
            call.settled = true;
            reject(error);
          },
        };
        signal.addEventListener('abort', () => {
          call.aborted = true;
          call.settled = true;
        });
        calls.push(call);
      }),
  );
  const waiting = () => calls.filter((c) => !c.settled);
  return {
    logic,
    calls,
    /** The single call still waiting; throws when there is none or more than one (a model bug). */
    open(): ControlledCall<TOutput, TInput> {
      const open = waiting();
      if (open.length !== 1) throw new Error(`expected exactly one waiting call, found ${open.length}`);
      return open[0]!;
    },
    waiting,
  };
}

export type ControlledPromise<TOutput, TInput = void> = ReturnType<typeof controlledPromise<TOutput, TInput>>;

/** Lets promise callbacks and the actor events they send run (no time passes: not a sleep). */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
