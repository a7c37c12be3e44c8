import { expect } from 'chai';
import { addressInCidrs, DEFAULT_PRIVATE_CIDRS, parseAddress, parseCidr } from '../../../src/domain/net/cidr.js';

describe('domain/net/cidr', () => {
  it('parses IPv4 and IPv6 ranges, clears host bits, and refuses what is not a range', () => {
    expect(parseCidr('10.1.2.3/8')).to.deep.include({ family: 4, prefix: 8, bytes: [10, 0, 0, 0], text: '10.0.0.0/8' });
    expect(parseCidr('192.168.1.7')).to.deep.include({ prefix: 32 });
    expect(parseCidr('fc00::/7')).to.deep.include({ family: 6, prefix: 7 });
    expect(parseCidr('::1')).to.deep.include({ family: 6, prefix: 128 });
    for (const bad of ['', 'example.com/8', '10.0.0.0/33', '10.0.0/8', '256.0.0.0/8', '::1/129', '1::2::3/64', '10.0.0.0/8/1', '10.0.0.0/x', '010.0.0.1/8']) {
      expect(() => parseCidr(bad), bad).to.throw();
    }
  });

  it('parses addresses: compressed IPv6, embedded IPv4, zones, brackets; IPv4-mapped IPv6 is IPv4', () => {
    expect(parseAddress('::ffff:10.0.0.1')).to.deep.equal({ family: 4, bytes: [10, 0, 0, 1] });
    expect(parseAddress('::ffff:a00:1')).to.deep.equal({ family: 4, bytes: [10, 0, 0, 1] });
    expect(parseAddress('fe80::1%eth0')?.family).to.equal(6);
    expect(parseAddress('[::1]')?.family).to.equal(6);
    expect(parseAddress('2001:db8:0:0:0:0:0:1')?.bytes.slice(0, 2)).to.deep.equal([0x20, 0x01]);
    for (const bad of ['printer.local', '1.2.3', '1.2.3.4.5', ':::', '1:2:3:4:5:6:7:8:9', '12345::', 'g::1']) expect(parseAddress(bad), bad).to.equal(null);
  });

  it('the default ranges: loopback, private and link-local in, public and unspecified out', () => {
    const inside = ['127.0.0.1', '127.255.0.9', '10.20.30.40', '172.16.0.1', '172.31.255.255', '192.168.0.10', '169.254.1.1', '::1', 'fd12:3456::1', 'fe80::abcd', '::ffff:192.168.1.1'];
    const outside = ['8.8.8.8', '172.32.0.1', '172.15.255.255', '192.169.0.1', '1.1.1.1', '0.0.0.0', '::', '2001:4860:4860::8888', '::ffff:8.8.8.8', 'printer.local'];
    for (const address of inside) expect(addressInCidrs(address, DEFAULT_PRIVATE_CIDRS), address).to.equal(true);
    for (const address of outside) expect(addressInCidrs(address, DEFAULT_PRIVATE_CIDRS), address).to.equal(false);
  });

  it('a configured list replaces the defaults; a /32 admits exactly one address', () => {
    expect(addressInCidrs('203.0.113.5', ['203.0.113.5/32'])).to.equal(true);
    expect(addressInCidrs('203.0.113.6', ['203.0.113.5/32'])).to.equal(false);
    expect(addressInCidrs('10.0.0.1', ['203.0.113.0/24'])).to.equal(false);
    expect(addressInCidrs('8.8.8.8', ['0.0.0.0/0'])).to.equal(true);
  });
});
