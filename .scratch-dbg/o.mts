import { writeScanGroup } from '../adapters/store/scan-writer.js';
import { nextId } from '../src/domain/ids.js';
import { openTestEdgeDb, scanItem } from '../test/support/edge-db.js';
import { validCode } from '../test/support/scan-fixtures.js';
const s = await openTestEdgeDb();
await writeScanGroup(s.db.writer, [scanItem(validCode(1))], nextId, 'x');
console.log(await s.db.reader('outbox').orderBy('seq'));
console.log(await s.db.reader.raw('select * from outbox'));
await s.close();
