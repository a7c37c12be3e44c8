/**
 * A queue of async jobs run one at a time, in call order: each starts once the one before it has
 * settled, whether it resolved or rejected (a failed job does not block the ones behind it).
 */
export function oneAtATime(): <T>(job: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (job) => {
    const result = tail.then(job, job);
    tail = result.catch(() => undefined);
    return result;
  };
}
