/**
 * The one typed client of the Mueang API, for every caller: the web app (web/api/client.ts adds
 * the browser's session), the tests (tests/support/client.ts adds a cookie jar, or calls the app
 * in-process) and the scripts (scripts/lib/api.ts). Nothing here knows about the browser.
 *
 * Requests go through Hono's `hc<ApiType>`: paths, parameters, bodies and every response body are
 * inferred from the server's routes, so a renamed route or attribute fails `tsc` at every call
 * site, and no caller restates what a route answers.
 */
import { hc, type ClientResponse } from 'hono/client';
import type { ApiType } from '../../server/app.ts';

/** Whatever carries a request: the browser's `fetch`, a cookie jar around it, or `app.request`. */
export type Fetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> | Response;

/** The API of the server at `origin` (`''`: the page's own server). */
export const apiClient = (origin: string, fetch: Fetch) =>
  hc<ApiType>(`${origin}/api`, { fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise.resolve(fetch(input, init)) });
export type ApiClient = ReturnType<typeof apiClient>;

type AnyResponse = ClientResponse<unknown, number, string>;
/** The body a route sends with `status` (by default 200), as the route declares it. */
export type BodyOf<R, Status extends number = 200> =
  R extends ClientResponse<infer Body, infer Code, infer Format> ? (Code extends Status ? (Format extends 'json' ? Body : string) : never) : never;
/** The body of any success (2xx) of a route. */
export type Success<R> = BodyOf<R, 200 | 201 | 202>;

/** The server's `{ error, field? }` body, kept so a form can say which field was wrong. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly field?: string,
    /** The server's own sentence, without the path prefix. */
    readonly detail: string = message,
    /** Seconds, from a 429's `Retry-After`. */
    readonly retryAfter?: number,
    /** Every problem of a refused file, by row and column (project import). */
    readonly problems: ImportProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The error a refused request means, read from its `{ error, field, errors? }` body. */
  static async of(response: Response): Promise<ApiError> {
    let message = `${response.status} ${response.statusText}`;
    let field: string | undefined;
    let problems: ImportProblem[] = [];
    try {
      const body = (await response.json()) as { error?: string; field?: string; errors?: ImportProblem[] };
      if (body.error) message = body.error;
      field = body.field;
      if (Array.isArray(body.errors)) problems = body.errors;
    } catch {
      // Not JSON (a proxy error page, say): the status line is all we have.
    }
    const retryAfter = Number(response.headers.get('Retry-After') ?? Number.NaN);
    // In-process responses (`app.request`) have no URL: the server's sentence says enough.
    const where = response.url ? `${new URL(response.url).pathname}: ` : '';
    return new ApiError(`${where}${message}`, response.status, field, message, Number.isFinite(retryAfter) ? retryAfter : undefined, problems);
  }
}

type ImportProblem = Extract<BodyOf<Awaited<ReturnType<ApiClient['projects']['import']['$post']>>, 400>, { errors: unknown }>['errors'][number];

/** A success's body, typed from the route; anything else throws an `ApiError`. */
export async function readJson<R extends AnyResponse>(request: Promise<R>): Promise<Success<R>> {
  const response = (await request) as unknown as Response;
  if (!response.ok) throw await ApiError.of(response);
  return (await response.json()) as Success<R>;
}

/** Query strings are strings: drop unset values, stringify the rest. */
export function str(value: number | string | undefined | null): string | undefined {
  return value === undefined || value === null || value === '' ? undefined : String(value);
}
