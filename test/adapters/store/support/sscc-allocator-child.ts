/**
 * Child process of sscc-store.test.ts: opens the edge database given as argv[2] and creates boxes
 * one after another for ever, printing each box's SSCC only after its transaction has committed.
 * The test kills it with SIGKILL mid-stream.
 */
import { createActor, toPromise } from 'xstate';
import { createAggregationExecutor } from '../../../../adapters/store/aggregation-store.js';
import { openSqliteDatabase } from '../../../../adapters/store/sqlite-database.js';
import { edgeMigrations } from '../../../../migrations/edge/index.js';

const SETTINGS = { sscc: { companyPrefix: '4600840', extensionDigit: 0, lineRange: '' }, mixedCases: false };

const db = await openSqliteDatabase({ filename: process.argv[2]!, migrations: edgeMigrations, synchronous: 'NORMAL' });
const execute = createAggregationExecutor(db.writer, () => new Date(), () => SETTINGS);
for (;;) {
  const actor = createActor(execute, { input: { op: 'createBatch', name: 'box', deviceId: 'edge-1', productionLineId: 'line-1', batchSize: 10, bottleIds: [] } });
  const done = toPromise(actor);
  actor.start();
  const outcome = (await done) as { result: { batch: { sscc: string } } };
  process.stdout.write(`${outcome.result.batch.sscc}\n`);
}
