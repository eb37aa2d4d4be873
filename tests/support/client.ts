import { DEMO_PASSWORD } from '../../server/auth/passwords.ts';

export interface Response<T = unknown> { status: number; body: T; headers: Headers }

/**
 * A client of the API over HTTP, as the web app or a device would be: it keeps the session
 * cookie and sends the CSRF token with every state-changing request, like the browser does.
 */
export class Client {
  constructor(readonly base: string, private cookie: string | null = null, private csrf: string | null = null) {}

  static async signIn(base: string, username: string, password = DEMO_PASSWORD): Promise<Client> {
    const client = new Client(base);
    const response = await client.post<{ csrf_token: string }>('auth/login', { username, password });
    if (response.status !== 200) throw new Error(`sign-in as ${username} failed: ${response.status} ${JSON.stringify(response.body)}`);
    return client;
  }

  async request<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response<T>> {
    const init: RequestInit = { method, headers: { ...headers } };
    const h = init.headers as Record<string, string>;
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET') h['x-csrf-token'] = this.csrf;
    if (body !== undefined) {
      h['content-type'] ??= 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const response = await fetch(`${this.base}/api/${path}`, init);
    const setCookie = response.headers.get('set-cookie');
    if (setCookie?.startsWith('mueang_session=')) {
      const value = setCookie.split(';')[0]!;
      this.cookie = value === 'mueang_session=' ? null : value;
    }
    const type = response.headers.get('content-type') ?? '';
    const parsed = type.includes('json') ? await response.json() : new Uint8Array(await response.arrayBuffer());
    if (path === 'auth/login' || path === 'auth/logout' || path === 'auth/me') {
      this.csrf = (parsed as { csrf_token?: string | null }).csrf_token ?? null;
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = unknown>(path: string, headers?: Record<string, string>) { return this.request<T>('GET', path, undefined, headers); }
  post<T = unknown>(path: string, body?: unknown, headers?: Record<string, string>) { return this.request<T>('POST', path, body, headers); }
  patch<T = unknown>(path: string, body?: unknown, headers?: Record<string, string>) { return this.request<T>('PATCH', path, body, headers); }
  put<T = unknown>(path: string, body?: unknown, headers?: Record<string, string>) { return this.request<T>('PUT', path, body, headers); }

  /** The raw session cookie, to replay it as an attacker would. */
  get sessionCookie(): string | null { return this.cookie; }
}

export const publicClient = (base: string) => new Client(base);
