import path from 'node:path';
import { framingSchema } from '../../adapters/scanners/framing.js';
import { edgeConfigSchema, type EdgeConfig } from '../edge/config.js';
import { startEdge } from '../edge/edge.js';
import { ScannerSimulator } from '../line-sim/scanner-simulator.js';
import { createLogger } from '../runtime/logger.js';
import { onShutdownSignals } from '../runtime/shutdown.js';

/**
 * `npm start`: the whole demo on one machine — a simulated TCP scanner feeding a provisioned-less
 * edge on embedded SQLite under ./data, in mock mode so the mock endpoints work too.
 */
async function main() {
  const logger = createLogger({ name: 'okto-demo', level: process.env.LOG_LEVEL ?? 'info' });
  const industry = 'milk' as const;
  const scanner = new ScannerSimulator({
    mode: 'listen',
    host: '127.0.0.1',
    port: 0,
    industry,
    ratePerSecond: Number(process.env.DEMO_RATE ?? 3),
    mix: { duplicate: 0.05, invalid: 0.05, noRead: 0.03 },
  });
  const { port: scannerPort } = await scanner.start();

  const parsed = edgeConfigSchema.parse({
    server: { port: Number(process.env.EDGE_PORT ?? 8080), host: process.env.EDGE_HOST ?? '127.0.0.1' },
    dataDir: path.resolve(process.env.EDGE_DATA_DIR ?? './data/edge'),
    line: { industry },
    scanners: [
      { id: 'line-scanner-1', transport: 'tcp', mode: 'connect', host: '127.0.0.1', port: scannerPort, framing: framingSchema.parse({}) },
      { id: 'mock-1', transport: 'mock' },
    ],
  });
  const config: EdgeConfig = { ...parsed, mockMode: true, configFile: null };
  const edge = await startEdge(config, createLogger({ name: 'okto-edge', level: process.env.LOG_LEVEL ?? 'info' }));

  const url = `http://${config.server.host}:${edge.port}`;
  process.stdout.write(
    [
      '',
      'OKTO Traceability demo is running',
      `  Edge service     ${url}   (health: ${url}/health, live feed: ws://${config.server.host}:${edge.port}/ws?token=…)`,
      `  Line simulator   TCP scanner on 127.0.0.1:${scannerPort}, ${scanner.options.ratePerSecond} codes/s (valid, duplicate, invalid, no-read)`,
      `  Data             ${config.dataDir}`,
      '  Users            operator / operator123   manager / manager123   admin / admin123 (demo passwords)',
      `  Try              curl -s -X POST ${url}/api/v1/auth/login -H 'Content-Type: application/json' -d '{"username":"operator","password":"operator123"}'`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  onShutdownSignals(async () => {
    await scanner.stop();
    await edge.stop();
  }, logger);
}

main().catch((error: unknown) => {
  process.stderr.write(`okto demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
