import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The one error shape every endpoint answers with. */
export interface ApiError {
  error: string;
  field?: string;
}

export function apiError(status: ContentfulStatusCode, error: string, field?: string, headers?: Record<string, string>): HTTPException {
  const body: ApiError = field ? { error, field } : { error };
  return new HTTPException(status, { res: Response.json(body, { status, headers }) });
}

/** A request parameter that is wrong: 400, naming the parameter. */
export const badRequest = (field: string, error: string) => apiError(400, error, field);
