/**
 * The one request whose body is an image, not JSON: a site photo's upload. The API's JSON-only
 * rules (the 1 MB body limit, the CSRF content-type check) let it through by this test; the
 * photo route applies its own limit. A cross-site form cannot send an image content type, and a
 * cross-site script that does needs a CORS preflight this server never grants, so letting image
 * types through here opens no forgery the JSON rule closed (the CSRF token is still required).
 */
export const isPhotoUpload = (method: string, path: string) => method === 'PUT' && /^\/api\/inspections\/[^/]+\/photos\/[^/]+$/.test(path);
