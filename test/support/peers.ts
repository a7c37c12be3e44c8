/**
 * Tests that need a real peer (PostgreSQL, upsd, pymodbus, socat, chromium …) say why they did not
 * run where it is missing: a pending test whose title names the peer and the command that installs
 * it (`npm run peers`). With `CI` set nothing may be skipped: the same test fails instead, so a CI
 * run that lost a peer is red, not quietly smaller.
 */
export const PEERS_HINT = 'npm run peers installs the test peers';

const inCi = () => Boolean(process.env.CI);

/** Registers, in place of a suite's tests, the one test that says which peer is missing. */
export function peerMissing(what: string): void {
  const title = `skipped: ${what} (${PEERS_HINT})`;
  if (inCi()) {
    it(title, () => {
      throw new Error(`CI skips nothing: ${what}`);
    });
  } else {
    it(title);
  }
}

/** Inside a running test or hook: skips it, naming the missing peer (fails it in CI). */
export function skipForMissingPeer(context: Mocha.Context, what: string): never {
  if (inCi()) throw new Error(`CI skips nothing: ${what}`);
  if (context.test) context.test.title = `${context.test.title} — skipped: ${what} (${PEERS_HINT})`;
  return context.skip();
}

/** What the PostgreSQL variants of the factory suites say where no server is configured. */
export const PG_MISSING =
  'PostgreSQL: FACTORY_TEST_PG_URL is not set (CI sets it; locally FACTORY_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test npm test)';
