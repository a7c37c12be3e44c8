/**
 * IP address ranges (CIDR) and membership, pure: no DNS, no sockets. Used by the edge's hardware
 * host allowlist (which hosts a scanner, printer, PLC or UPS may be pointed at) and by anything
 * else that decides by address. IPv4 and IPv6; an IPv4-mapped IPv6 address (::ffff:10.0.0.1) is
 * matched as the IPv4 address it carries, so a mapped form cannot slip past an IPv4 rule.
 */

export interface Cidr {
  family: 4 | 6;
  /** The network's bytes (4 or 16), host bits cleared. */
  bytes: number[];
  prefix: number;
  /** As written, normalised (`10.0.0.0/8`). */
  text: string;
}

/** Loopback, private (RFC 1918, ULA) and link-local ranges: the default of every allowlist of plant devices. */
export const DEFAULT_PRIVATE_CIDRS: readonly string[] = Object.freeze([
  '127.0.0.0/8',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '169.254.0.0/16',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
]);

function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = parts.map((part) => (/^(0|[1-9][0-9]{0,2})$/.test(part) ? Number(part) : NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : null;
}

function parseIpv6(input: string): number[] | null {
  let text = input;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return null;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (!v4) return null;
    tail = v4;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groupsOf(halves[0]!);
  const rest = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if ([...head, ...rest].some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest].map((g) => parseInt(g, 16));
  const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** The address's family and bytes; an IPv4-mapped IPv6 address comes back as IPv4. Null if it is not an IP address. */
export function parseAddress(text: string): { family: 4 | 6; bytes: number[] } | null {
  const v4 = parseIpv4(text);
  if (v4) return { family: 4, bytes: v4 };
  const v6 = parseIpv6(text);
  if (!v6) return null;
  const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return mapped ? { family: 4, bytes: v6.slice(12) } : { family: 6, bytes: v6 };
}

export const isIpAddress = (text: string): boolean => parseAddress(text) !== null;

/** `10.0.0.0/8`, `fc00::/7`, or a bare address (a /32 or /128). Throws on anything else, naming it. */
export function parseCidr(text: string): Cidr {
  const [addressText, prefixText, extra] = text.trim().split('/');
  const address = parseIpv4(addressText ?? '') ? { family: 4 as const, bytes: parseIpv4(addressText!)! } : parseIpv6(addressText ?? '') ? { family: 6 as const, bytes: parseIpv6(addressText!)! } : null;
  if (!address || extra !== undefined) throw new Error(`"${text}" is not a CIDR range (e.g. 10.0.0.0/8 or fc00::/7)`);
  const max = address.family === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) throw new Error(`"${text}": the prefix length must be a number 0-${max}`);
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) throw new Error(`"${text}": the prefix length must be 0-${max}`);
  const bytes = address.bytes.map((byte, i) => byte & maskByte(prefix, i));
  const shown = address.family === 4 ? bytes.join('.') : (addressText ?? '').toLowerCase();
  return { family: address.family, bytes, prefix, text: `${shown}/${prefix}` };
}

function maskByte(prefix: number, index: number): number {
  const bits = Math.max(0, Math.min(8, prefix - index * 8));
  return (0xff << (8 - bits)) & 0xff;
}

/** Whether `address` (an IP address, not a hostname) lies in any of `cidrs` (parsed or as text). False for a non-address. */
export function addressInCidrs(address: string, cidrs: ReadonlyArray<string | Cidr>): boolean {
  const parsed = parseAddress(address);
  if (!parsed) return false;
  return cidrs.some((entry) => {
    const cidr = typeof entry === 'string' ? parseCidr(entry) : entry;
    if (cidr.family !== parsed.family) return false;
    return parsed.bytes.every((byte, i) => (byte & maskByte(cidr.prefix, i)) === cidr.bytes[i]);
  });
}
