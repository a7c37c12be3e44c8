import net from 'node:net';

/**
 * Address ranges (CIDRs) and membership checks, for "who may connect": IPv4 and IPv6, a bare
 * address meaning a single host (/32, /128). An IPv4-mapped IPv6 peer (`::ffff:10.0.0.5`, what a
 * dual-stack socket reports) is checked as the IPv4 address it is.
 */

/** Loopback, private (RFC 1918, IPv6 ULA) and link-local: the networks a line's devices live on. */
export const LOCAL_NETWORK_RANGES: readonly string[] = [
  '127.0.0.0/8',
  '::1/128',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  'fc00::/7',
  '169.254.0.0/16',
  'fe80::/10',
];

export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** `10.0.0.0/8`, `fe80::/10`, `192.0.2.7` (a single host) → the parsed range; null when it is none. */
export function parseCidr(text: string): Cidr | null {
  const [address = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return null;
  const version = net.isIP(address);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** The IPv4 address inside an IPv4-mapped IPv6 address, else the address as it is. */
export function unmapIpv4(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/** A membership check over `cidrs` (which must parse: validate them with parseCidr first). */
export function addressMatcher(cidrs: readonly string[]): (address: string | undefined) => boolean {
  const list = new net.BlockList();
  for (const text of cidrs) {
    const cidr = parseCidr(text);
    if (!cidr) throw new Error(`not an address range: ${text}`);
    list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }
  return (address) => {
    if (!address) return false;
    const plain = unmapIpv4(address);
    const version = net.isIP(plain);
    if (version === 0) return false;
    return list.check(plain, version === 4 ? 'ipv4' : 'ipv6');
  };
}
