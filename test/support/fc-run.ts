import fc from 'fast-check';

/**
 * fast-check parameters for a property test that must say how to replay it: the seed comes from
 * FC_SEED when given (replays a failure exactly), a fresh one otherwise; a failure's message
 * starts with `FC_SEED=<seed>` and the path fast-check reports.
 */
export function fcSeed(): number {
  const given = process.env.FC_SEED;
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer, got ${given}`);
    return seed;
  }
  return (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;
}

function withSeed(seed: number, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  const replay = `FC_SEED=${seed} (rerun this file with it to replay the failure)`;
  return Object.assign(new Error(`${replay}\n${message}`), { stack: `${replay}\n${error instanceof Error ? error.stack : ''}` });
}

/** fc.assert for a synchronous property, with the seed handling above. */
export function assertProperty<Ts>(property: fc.IProperty<Ts>, params: fc.Parameters<Ts> = {}): void {
  const seed = fcSeed();
  try {
    fc.assert(property, { includeErrorInReport: true, ...params, seed });
  } catch (error) {
    throw withSeed(seed, error);
  }
}

/** fc.assert for an asynchronous property (model runs against a database …), with the seed handling above. */
export async function assertAsyncProperty<Ts>(property: fc.IAsyncProperty<Ts>, params: fc.Parameters<Ts> = {}): Promise<void> {
  const seed = fcSeed();
  try {
    await fc.assert(property, { includeErrorInReport: true, ...params, seed });
  } catch (error) {
    throw withSeed(seed, error);
  }
}
