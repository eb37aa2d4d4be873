/**
 * The API as a program in Node uses it: the tests and the scripts alike. One typed client
 * (web/api/core.ts) over a cookie jar, as a person at the desk or a device sends requests.
 */
import type { ClientResponse } from 'hono/client';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DEMO_PASSWORD } from '../../server/auth/passwords.ts';
import type { ApiError as ErrorBody } from '../../server/http/errors.ts';
import { apiClient, type ApiClient, type BodyOf, type Fetch } from '../../web/api/core.ts';

const SESSION_COOKIE = 'mueang_session';
/** The answers that carry the session's CSRF token (server/auth/routes.ts). */
const SESSION_ANSWERS = /\/api\/auth\/(login|logout|me)$/;

const pathOf = (input: RequestInfo | URL) => new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url).pathname;

/**
 * A client of the API as the web app or a device is one: the one typed client (web/api/core.ts)
 * over a cookie jar that keeps the session cookie and sends the CSRF token with every
 * state-changing request, as the browser does. `transport` is `fetch` (real HTTP to `base`) or
 * an app's `request` (in-process).
 */
export class Client {
  readonly api: ApiClient;
  private cookie: string | null = null;
  private csrf: string | null = null;

  constructor(
    readonly base: string,
    private readonly headers: Record<string, string> = {},
    private readonly transport: Fetch = fetch,
  ) {
    this.api = apiClient(base, (input, init) => this.send(input, init));
  }

  static async signIn(base: string, username: string, password = DEMO_PASSWORD): Promise<Client> {
    const client = new Client(base);
    const response = await client.api.auth.login.$post({ json: { username, password } });
    if (response.status !== 200) throw new Error(`sign-in as ${username} failed: ${response.status} ${await response.text()}`);
    return client;
  }

  /** A client that presents a given cookie and CSRF token, as an attacker replaying them would. */
  static withSession(base: string, cookie: string | null, csrf: string | null): Client {
    const client = new Client(base);
    client.cookie = cookie;
    client.csrf = csrf;
    return client;
  }

  /** A device: every request carries its key, as a sensor or a truck sends it. */
  static device(base: string, key: string): Client {
    return new Client(base, { 'x-device-key': key });
  }

  private async send(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(this.headers)) if (!headers.has(name)) headers.set(name, value);
    if (this.cookie && !headers.has('cookie')) headers.set('cookie', this.cookie);
    const method = (init.method ?? 'GET').toUpperCase();
    if (this.csrf && method !== 'GET' && !headers.has('x-csrf-token')) headers.set('x-csrf-token', this.csrf);
    const response = await Promise.resolve(this.transport(input, { ...init, headers })).catch((error: unknown) => {
      // Said in words a person running a script can act on; the cause keeps the details.
      throw new Error(`cannot reach the server at ${this.base}; is it running?`, { cause: error });
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie?.startsWith(`${SESSION_COOKIE}=`)) {
      const value = setCookie.split(';')[0] as string;
      this.cookie = value === `${SESSION_COOKIE}=` ? null : value;
    }
    if (SESSION_ANSWERS.test(pathOf(input)) && response.headers.get('content-type')?.includes('json')) {
      const body = (await response.clone().json()) as { csrf_token?: string | null };
      this.csrf = body.csrf_token ?? null;
    }
    return response;
  }

  /**
   * A request as it is given, with this client's session: for what no typed call can send
   * (malformed JSON, NUL bytes, wrong content types, unknown routes).
   */
  raw(method: string, path: string, body?: string | Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
    return this.send(`${this.base}/api/${path}`, { method, body: body as BodyInit | undefined, headers });
  }

  /** The raw session cookie, to replay it as an attacker would. */
  get sessionCookie(): string | null {
    return this.cookie;
  }
}

/**
 * The body of an answer with `Status`: as the route declares it, or, for a refusal it does not
 * declare (one it throws, or the middleware's), the one error body every endpoint answers with.
 * A route that names no status (`c.json(body)`) is typed with all of them, but answers 200.
 */
type Declared<R, Status extends number> = [BodyAt<R, Status>] extends [never] ? ErrorBody : BodyAt<R, Status>;
type BodyAt<R, Status extends number> =
  R extends ClientResponse<unknown, infer Code, string>
    ? ([ContentfulStatusCode] extends [Code] ? 200 : Code) extends Status
      ? BodyOf<R, Status>
      : never
    : never;

/**
 * The body of an answer that came with `status` (200 unless said), typed from the route; any
 * other status throws (failing the test, or stopping the script), with the body that came instead.
 */
export async function expectBody<R extends ClientResponse<unknown, number, string>, S extends number = 200>(
  request: Promise<R>,
  status: S = 200 as S,
): Promise<Declared<R, S>> {
  const response = (await request) as unknown as Response;
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${await response.text()}`);
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? await response.json() : await response.text()) as Declared<R, S>;
}

/**
 * Status, headers and body of an answer, whatever its status: the body as the route declares
 * it for any of its statuses (JSON), or its bytes. For tests that check refusals.
 */
export async function answer<R extends ClientResponse<unknown, number, string> | Response>(
  request: Promise<R> | R,
): Promise<{ status: number; body: BodyOf<R, number>; headers: Headers }> {
  const response = (await request) as unknown as Response;
  const type = response.headers.get('content-type') ?? '';
  const body = type.includes('json') ? await response.json() : new Uint8Array(await response.arrayBuffer());
  return { status: response.status, body: body as BodyOf<R, number>, headers: response.headers };
}
