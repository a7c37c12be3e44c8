import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { edgeConfigSchema, loadEdgeConfig } from '../../../src/edge/config.js';
import { tempDir } from '../../support/temp-dir.js';

describe('UPS configuration', () => {
  const parse = (ups: unknown) => edgeConfigSchema.safeParse({ ups });

  it('is off by default, with NUT defaults', () => {
    const config = edgeConfigSchema.parse({});
    expect(config.ups).to.deep.include({ enabled: false, driver: 'nut', host: '127.0.0.1', port: 3493, upsName: 'ups', simulateEndpoint: false, lowBatteryPercent: 20 });
    expect(config.ups).to.not.have.property('password');
  });

  it('refuses the simulate endpoint without the simulated driver, half credentials, control characters, bad names', () => {
    expect(parse({ simulateEndpoint: true }).success).to.equal(false);
    expect(parse({ username: 'mon' }).success).to.equal(false);
    expect(parse({ username: 'mon', password: 'a\nLOGOUT' }).success).to.equal(false);
    expect(parse({ upsName: 'ups name' }).success).to.equal(false);
    expect(parse({ lowBatteryPercent: 101 }).success).to.equal(false);
    expect(parse({ port: 0 }).success).to.equal(false);
    expect(parse({ enabled: true, driver: 'simulated', simulateEndpoint: true }).success).to.equal(true);
  });

  it('takes the password from EDGE_UPS_PASSWORD (an empty one counts as unset)', () => {
    const { dir, cleanup } = tempDir('okto-ups-config-');
    try {
      const file = path.join(dir, 'edge-service.yaml');
      fs.writeFileSync(file, 'ups:\n  enabled: true\n  host: 10.0.0.9\n  upsName: cabinet\n  username: edge\n');
      const config = loadEdgeConfig(['--config', file], { EDGE_UPS_PASSWORD: 'from env' }, dir);
      expect(config !== 'help' && config.ups).to.deep.include({ enabled: true, host: '10.0.0.9', upsName: 'cabinet', username: 'edge', password: 'from env' });
      expect(() => loadEdgeConfig(['--config', file], { EDGE_UPS_PASSWORD: '' }, dir), 'a username needs its password').to.throw(/password/);
    } finally {
      cleanup();
    }
  });
});
