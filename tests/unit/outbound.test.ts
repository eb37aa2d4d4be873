import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressProblem, destinationProblem, postChecked } from '../../server/flood/notify/outbound.ts';

describe('the outbound address classifier', () => {
  it.each([
    ['127.0.0.1', /loopback/],
    ['127.255.0.9', /loopback/],
    ['::1', /loopback/],
    ['10.0.0.1', /private/],
    ['172.16.5.4', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.1', /private/],
    ['fc00::1', /private/],
    ['fd12:3456::1', /private/],
    ['169.254.169.254', /metadata/],
    ['fd00:ec2::254', /metadata/],
    ['169.254.10.1', /link-local/],
    ['fe80::1', /link-local/],
    ['100.64.0.1', /CGNAT/],
    ['100.127.255.254', /CGNAT/],
    ['0.0.0.0', /unspecified/],
    ['0.1.2.3', /unspecified/],
    ['::', /unspecified/],
    ['224.0.0.251', /multicast/],
    ['ff02::1', /multicast/],
    ['255.255.255.255', /reserved/],
    // IPv4 inside IPv6: mapped (dotted or hex), NAT64, IPv4-compatible.
    ['::ffff:127.0.0.1', /loopback/],
    ['::ffff:7f00:1', /loopback/],
    ['::ffff:169.254.169.254', /metadata/],
    ['::ffff:a00:1', /private/],
    ['64:ff9b::a9fe:a9fe', /metadata/],
    ['::127.0.0.1', /IPv4-compatible/],
  ])('refuses %s', (address, reason) => {
    expect(addressProblem(address)).toMatch(reason);
  });

  it.each(['8.8.8.8', '1.1.1.1', '203.150.1.1', '172.32.0.1', '100.128.0.1', '169.255.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])(
    'lets %s through',
    (address) => {
      expect(addressProblem(address)).toBeNull();
    },
  );

  it('checks a URL before any DNS: scheme, credentials, literal addresses, the allow-list', () => {
    expect(destinationProblem('ftp://example.org/x', [])).toMatch(/not http/);
    expect(destinationProblem('file:///etc/passwd', [])).toMatch(/not http/);
    expect(destinationProblem('http://user:pw@example.org/', [])).toMatch(/credentials/);
    expect(destinationProblem('http://169.254.169.254/latest/meta-data', [])).toMatch(/metadata/);
    expect(destinationProblem('http://[::ffff:127.0.0.1]:8080/', [])).toMatch(/loopback/);
    // The URL parser reads every IPv4 spelling: decimal, hex, short forms.
    expect(destinationProblem('http://2130706433/', [])).toMatch(/loopback/);
    expect(destinationProblem('http://0x7f.1/', [])).toMatch(/loopback/);
    expect(destinationProblem('https://hooks.example.org/flood', [])).toBeNull();
    // Allowed by host and port, or by host alone; another port of the host is not.
    expect(destinationProblem('http://127.0.0.1:9000/hook', ['127.0.0.1:9000'])).toBeNull();
    expect(destinationProblem('http://127.0.0.1:9001/hook', ['127.0.0.1:9000'])).toMatch(/loopback/);
    expect(destinationProblem('http://10.0.0.7/sms', ['10.0.0.7'])).toBeNull();
  });
});

describe('posting to a checked destination', () => {
  const hits: string[] = [];
  let port = 0;
  const server = createServer((request, response) => {
    hits.push(request.url ?? '');
    if (request.url === '/slow') return void response.writeHead(200).write('{');
    if (request.url === '/redirect') return void response.writeHead(302, { location: 'http://169.254.169.254/' }).end();
    response.writeHead(200).end('{}');
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  it('refuses a name that resolves to loopback, without connecting', async () => {
    const result = await postChecked(`http://localhost:${port}/named`, {}, '{}', 2000, []);
    expect(result).toMatchObject({ ok: false, retry: false, error: expect.stringMatching(/refused destination: localhost resolves to .*loopback/) });
    expect(hits).not.toContain('/named');
  });

  it('posts to an allowed host, and does not follow a redirect', async () => {
    const allow = [`127.0.0.1:${port}`];
    expect(await postChecked(`http://127.0.0.1:${port}/ok`, {}, '{}', 2000, allow)).toEqual({ ok: true });
    const redirected = await postChecked(`http://127.0.0.1:${port}/redirect`, {}, '{}', 2000, allow);
    expect(redirected).toMatchObject({ ok: false, retry: false, status: 302 });
    expect(hits).toEqual(['/ok', '/redirect']);
  });

  it('gives up on a receiver that never finishes its answer, to try again later', async () => {
    const result = await postChecked(`http://127.0.0.1:${port}/slow`, {}, '{}', 300, [`127.0.0.1:${port}`]);
    expect(result).toMatchObject({ ok: false, retry: true, error: expect.stringMatching(/no answer in 300 ms/) });
  });
});
