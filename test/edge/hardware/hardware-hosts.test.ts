import { expect } from 'chai';
import { DomainError } from '../../../src/domain/domain-error.js';
import { DEFAULT_PRIVATE_CIDRS } from '../../../src/domain/net/cidr.js';
import { edgeConfigSchema } from '../../../src/edge/config.js';
import { configuredHardwareHosts, createHostPolicy, plcHosts } from '../../../src/edge/hardware/hardware-hosts.js';

/** The hardware host allowlist: addresses by range, hostnames by every address they resolve to. */
describe('edge hardware hosts (allowlist)', () => {
  const dns: Record<string, string[]> = { 'printer.lan': ['10.0.0.7'], 'split.example': ['10.0.0.8', '93.184.216.34'], 'public.example': ['93.184.216.34'], 'v6.lan': ['fd00::7'] };
  const lookup = async (name: string) => {
    const found = dns[name];
    if (!found) throw new Error(`getaddrinfo ENOTFOUND ${name}`);
    return found;
  };
  const policy = createHostPolicy(DEFAULT_PRIVATE_CIDRS, lookup);

  it('allows loopback, private and link-local addresses by default; refuses public ones', async () => {
    for (const host of ['127.0.0.1', '10.1.1.1', '192.168.5.5', '172.20.0.1', '169.254.9.9', '::1', '[::1]', 'fd00::1']) expect(await policy.refusal(host), host).to.equal(null);
    for (const host of ['8.8.8.8', '203.0.113.1', '0.0.0.0', '2001:db8::1', '::ffff:8.8.8.8']) expect(await policy.refusal(host), host).to.match(/outside the allowed hardware hosts/);
  });

  it('a hostname is allowed only when every address it resolves to is; one that does not resolve is refused', async () => {
    expect(await policy.refusal('printer.lan')).to.equal(null);
    expect(await policy.refusal('v6.lan')).to.equal(null);
    expect(await policy.refusal('split.example')).to.match(/93\.184\.216\.34/);
    expect(await policy.refusal('public.example')).to.match(/outside/);
    expect(await policy.refusal('nowhere.lan')).to.match(/could not be resolved/);
  });

  it('a configured list replaces the default', async () => {
    const narrow = createHostPolicy(['192.168.10.0/24', '203.0.113.7'], lookup);
    expect(await narrow.refusal('192.168.10.20')).to.equal(null);
    expect(await narrow.refusal('203.0.113.7')).to.equal(null);
    expect(await narrow.refusal('10.0.0.1')).to.match(/outside/);
    expect(await narrow.refusal('127.0.0.1')).to.match(/outside/);
  });

  it('assertAllowed throws INVALID naming the field of the first refused host', async () => {
    const hosts = plcHosts([{ id: 'a', protocol: 'MODBUS_TCP', host: '10.0.0.2' } as never, { id: 'b', protocol: 'OPC_UA', endpointUrl: 'opc.tcp://public.example:4840' } as never]);
    expect(hosts.map((h) => h.field)).to.deep.equal(['0.host', '1.endpointUrl']);
    const error = await policy.assertAllowed(hosts).then(() => null, (e: unknown) => e);
    expect(error).to.be.instanceOf(DomainError);
    expect((error as DomainError).kind).to.equal('INVALID');
    expect((error as DomainError).details).to.deep.include({ field: '1.endpointUrl' });
  });

  it('the configuration: default allowedHosts, a bad range refused, every dialled host listed by its key', () => {
    expect(edgeConfigSchema.parse({}).hardware.allowedHosts).to.deep.equal([...DEFAULT_PRIVATE_CIDRS]);
    expect(() => edgeConfigSchema.parse({ hardware: { allowedHosts: ['10.0.0.0/40'] } })).to.throw();
    const config = edgeConfigSchema.parse({
      scanners: [{ id: 's', transport: 'TCP', host: '10.0.0.5', port: 23 }, { id: 'l', transport: 'TCP', mode: 'listen', host: '0.0.0.0', port: 0 }],
      printers: [{ model: 'ZEBRA_ZPL', host: '10.0.0.6' }],
      plcs: [{ id: 'p', protocol: 'MODBUS_TCP', host: '10.0.0.9', safeState: 'reject_all' }],
      ups: { enabled: true, host: '10.0.0.10' },
    });
    expect(configuredHardwareHosts(config).map((h) => `${h.field}=${h.host}`)).to.deep.equal(['scanners.0.host=10.0.0.5', 'printers.0.host=10.0.0.6', 'plcs.0.host=10.0.0.9', 'ups.host=10.0.0.10']);
  });
});
