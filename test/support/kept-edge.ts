import path from 'node:path';
import { startTestEdge, type TestEdge } from './edge-harness.js';
import { tempDir } from './temp-dir.js';

/**
 * A test edge whose data dir outlives `stop()`, so a test can reopen the database the edge left
 * behind (what a restart would find). Call `removeDataDir()` when done.
 */
export async function startKeptEdge(overrides: Record<string, unknown> = {}): Promise<TestEdge & { dataDir: string; dbFile: string; removeDataDir(): void }> {
  const { dir, cleanup } = tempDir('okto-edge-kept-');
  try {
    const edge = await startTestEdge(overrides, { dataDir: dir });
    return Object.assign(edge, { dataDir: dir, dbFile: path.join(dir, 'edge.db'), removeDataDir: cleanup });
  } catch (error) {
    cleanup();
    throw error;
  }
}
