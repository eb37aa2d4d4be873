import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Calls the server makes on its own (webhooks, the LINE API) go only to the public internet:
 * a contact's URL must never reach the server's own loopback, the city's private network or a
 * cloud metadata service (server-side request forgery). The address is checked after DNS, on
 * the address actually connected to (a name cannot resolve to a public address for the check
 * and a private one for the connection), and redirects are not followed. An administrator may
 * allow named hosts (OUTBOUND_ALLOW_HOSTS: `host` or `host:port`), e.g. an SMS gateway inside
 * the city's network.
 */

/** Ranges that are not the public internet, most specific first: the first match names the reason. */
const RANGES: [string, 'ipv4' | 'ipv6', number, string][] = [
  ['169.254.169.254', 'ipv4', 32, 'a cloud metadata address'],
  ['fd00:ec2::254', 'ipv6', 128, 'a cloud metadata address'],
  ['0.0.0.0', 'ipv4', 8, 'an unspecified address'],
  ['10.0.0.0', 'ipv4', 8, 'a private address'],
  ['100.64.0.0', 'ipv4', 10, 'a shared (CGNAT) address'],
  ['127.0.0.0', 'ipv4', 8, 'a loopback address'],
  ['169.254.0.0', 'ipv4', 16, 'a link-local address'],
  ['172.16.0.0', 'ipv4', 12, 'a private address'],
  ['192.0.0.0', 'ipv4', 24, 'a reserved address'],
  ['192.0.2.0', 'ipv4', 24, 'a documentation address'],
  ['192.168.0.0', 'ipv4', 16, 'a private address'],
  ['198.18.0.0', 'ipv4', 15, 'a benchmarking address'],
  ['198.51.100.0', 'ipv4', 24, 'a documentation address'],
  ['203.0.113.0', 'ipv4', 24, 'a documentation address'],
  ['224.0.0.0', 'ipv4', 4, 'a multicast address'],
  ['240.0.0.0', 'ipv4', 4, 'a reserved address'],
  ['::', 'ipv6', 128, 'an unspecified address'],
  ['::1', 'ipv6', 128, 'a loopback address'],
  ['::', 'ipv6', 96, 'an IPv4-compatible address'],
  ['100::', 'ipv6', 64, 'a discard address'],
  ['2001:db8::', 'ipv6', 32, 'a documentation address'],
  ['fc00::', 'ipv6', 7, 'a private (unique local) address'],
  ['fe80::', 'ipv6', 10, 'a link-local address'],
  ['fec0::', 'ipv6', 10, 'a site-local address'],
  ['ff00::', 'ipv6', 8, 'a multicast address'],
];
const BLOCKS = RANGES.map(([network, type, prefix, reason]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, type);
  return { list, reason };
});

/** IPv6 forms that carry an IPv4 address in their last 32 bits: IPv4-mapped and NAT64. */
const EMBEDS_IPV4 = /^(::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

/** Why an IP address is not on the public internet, or null when it is. */
export function addressProblem(address: string): string | null {
  const type = isIP(address);
  if (type === 0) return 'not an IP address';
  if (type === 6) {
    // The URL parser writes every IPv6 form (mapped dotted quads included) in one canonical way.
    const canonical = new URL(`http://[${address.replace(/^\[|\]$/g, '')}]/`).hostname.slice(1, -1);
    const embedded = EMBEDS_IPV4.exec(canonical);
    if (embedded) {
      const [high, low] = [parseInt(embedded[2] as string, 16), parseInt(embedded[3] as string, 16)];
      return addressProblem(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
    }
    return BLOCKS.find(({ list }) => list.check(canonical, 'ipv6'))?.reason ?? null;
  }
  return BLOCKS.find(({ list }) => list.check(address, 'ipv4'))?.reason ?? null;
}

/** `host` or `host:port` entries; an entry without a port allows every port of that host. */
export function parseAllowHosts(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}

const allowed = (url: URL, allowHosts: readonly string[]) => {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return allowHosts.includes(url.hostname) || allowHosts.includes(`${url.hostname}:${port}`);
};

const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, '');

/**
 * What is wrong with sending to this URL, as far as can be told without DNS: not http(s), or an
 * IP address off the public internet that is not allowed. Null: go ahead (the
 * addresses a name resolves to are checked when connecting).
 */
export function destinationProblem(raw: string, allowHosts: readonly string[]): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${url.protocol.replace(':', '')} is not http or https`;
  if (url.username || url.password) return 'credentials in the URL are not allowed';
  if (allowed(url, allowHosts)) return null;
  const host = bare(url.hostname);
  const problem = isIP(host) ? addressProblem(host) : null;
  return problem ? `${host} is ${problem}` : null;
}

/**
 * DNS lookup that refuses a name if any of its addresses is off the public internet, and hands
 * the socket only the checked addresses: the connection goes where the check looked.
 */
const checkedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const bad = addresses.find((a) => addressProblem(a.address));
    if (bad || addresses.length === 0) {
      const refusal = Object.assign(new Error(bad ? `${hostname} resolves to ${bad.address}, ${addressProblem(bad.address)}` : `${hostname} has no address`), {
        code: 'EREFUSED_DESTINATION',
      });
      return callback(refusal, '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const [first] = addresses as [LookupAddress];
    callback(null, first.address, first.family);
  });
};

/** `retry`: worth trying again later (network, 429, 5xx); otherwise refused for good. */
export type PostResult = { ok: true } | { ok: false; retry: boolean; error: string; status?: number };

/** POSTs a body to a checked destination; a redirect is an answer, not somewhere to follow. */
export function postChecked(raw: string, headers: Record<string, string>, body: string, timeoutMs: number, allowHosts: readonly string[]): Promise<PostResult> {
  const problem = destinationProblem(raw, allowHosts);
  if (problem) return Promise.resolve({ ok: false, retry: false, error: `refused destination: ${problem}` });
  const url = new URL(raw);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<PostResult>((settle) => {
    // The whole exchange has `timeoutMs`, however slowly a receiver drips its answer.
    const timer = setTimeout(() => outgoing.destroy(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
    const resolve = (result: PostResult) => {
      clearTimeout(timer);
      settle(result);
    };
    const outgoing = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        // Allowed hosts skip the address check; every other name is checked as it is resolved.
        lookup: allowed(url, allowHosts) ? undefined : checkedLookup,
      },
      (response: IncomingMessage) => {
        let detail = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (detail.length < 200) detail += chunk;
        });
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve({ ok: true });
          if (status >= 300 && status < 400) return resolve({ ok: false, retry: false, status, error: `HTTP ${status}: redirects are not followed` });
          resolve({ ok: false, retry: status === 429 || status >= 500, status, error: `HTTP ${status} ${detail.slice(0, 200)}`.trim() });
        });
        response.on('error', (error) => resolve({ ok: false, retry: true, error: error.message }));
      },
    );
    outgoing.on('error', (error: Error & { code?: string }) => {
      const refused = error.code === 'EREFUSED_DESTINATION';
      resolve({ ok: false, retry: !refused, error: refused ? `refused destination: ${error.message}` : error.message });
    });
    outgoing.end(body);
  });
}
