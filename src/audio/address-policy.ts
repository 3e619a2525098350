import net from 'node:net';

/**
 * Addresses no audio URL may point at unless allowed: "this network", private (RFC 1918),
 * shared (CGNAT), loopback, link-local, IETF/documentation/benchmark ranges, multicast and
 * reserved, and for IPv6 the unspecified and loopback addresses, IPv4-compatible, discard,
 * Teredo, documentation, unique-local, site-local, link-local and multicast. IPv4-mapped,
 * NAT64 and 6to4 addresses are judged by the IPv4 address inside them.
 */
const DENIED_IPV4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
];
const DENIED_IPV6 = [
  '::/96',
  '64:ff9b:1::/48',
  '100::/64',
  '2001::/32',
  '2001:db8::/32',
  'fc00::/7',
  'fec0::/10',
  'fe80::/10',
  'ff00::/8',
];

/**
 * Which resolved addresses an audio URL may be fetched from: public unicast addresses always;
 * the private and special ranges only when an `allow` entry names them. An entry is a CIDR
 * (`127.0.0.1/32`, `10.0.0.0/8`, `fd00::/8`), a single address, or a host name (every address
 * it resolves to is allowed).
 * @internal
 */
export class AddressPolicy {
  readonly #denied = new net.BlockList();
  readonly #allowed = new net.BlockList();
  readonly #allowedHosts = new Set<string>();

  constructor(allow: readonly string[]) {
    for (const cidr of DENIED_IPV4) addSubnet(this.#denied, cidr);
    for (const cidr of DENIED_IPV6) addSubnet(this.#denied, cidr);
    for (const entry of allow) {
      if (entry.includes('/')) addSubnet(this.#allowed, entry);
      else if (net.isIP(entry) !== 0) this.#allowed.addAddress(entry, family(entry));
      else this.#allowedHosts.add(normaliseHost(entry));
    }
  }

  /** Whether `address`, which `host` resolved to (or is), may be connected to. */
  permits(host: string, address: string): boolean {
    if (this.#allowedHosts.has(normaliseHost(host))) return true;
    const plain = unwrapIpv4(address);
    if (this.#allowed.check(plain, family(plain))) return true;
    if (this.#denied.check(plain, family(plain))) return false;
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) reach the IPv4 address they carry.
    const carried = carriedIpv4(plain);
    return carried === undefined || this.permits('', carried);
  }
}

function addSubnet(list: net.BlockList, cidr: string): void {
  const slash = cidr.lastIndexOf('/');
  const address = cidr.slice(0, slash);
  const prefix = Number(cidr.slice(slash + 1));
  const kind = net.isIP(address);
  if (kind === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (kind === 4 ? 32 : 128))
    throw new TypeError(`not a CIDR block: '${cidr}'`);
  list.addSubnet(address, prefix, kind === 4 ? 'ipv4' : 'ipv6');
}

function family(address: string): 'ipv4' | 'ipv6' {
  return net.isIPv4(address) ? 'ipv4' : 'ipv6';
}

function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

/** `::ffff:a.b.c.d` (in any spelling) as `a.b.c.d`; any other address unchanged. */
function unwrapIpv4(address: string): string {
  if (!net.isIPv6(address)) return address;
  const bytes = ipv6Bytes(address);
  if (bytes === undefined) return address;
  const mapped =
    bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12).join('.') : address;
}

function carriedIpv4(address: string): string | undefined {
  if (!net.isIPv6(address)) return undefined;
  const bytes = ipv6Bytes(address);
  if (bytes === undefined) return undefined;
  const nat64 = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0].every((b, i) => bytes[i] === b);
  if (nat64) return bytes.slice(12).join('.');
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return bytes.slice(2, 6).join('.');
  return undefined;
}

/** The 16 bytes of an IPv6 address (zone id ignored), or undefined if it does not parse. */
function ipv6Bytes(address: string): number[] | undefined {
  let text = address.replace(/%.*$/, '');
  const groups: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  let tail: number[] = [];
  if (dotted !== null) {
    if (!net.isIPv4(dotted[1]!)) return undefined;
    tail = dotted[1]!.split('.').map(Number);
    text = text.slice(0, -dotted[1]!.length) + '0:0';
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  groups.push(...head, ...new Array<number>(missing).fill(0), ...rest);
  if (groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return undefined;
  const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}
