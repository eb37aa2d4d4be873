/**
 * A random (version 4) UUID for a write made on the phone: the server keys inspections and
 * photos by it, so sending it twice changes nothing. `crypto.randomUUID` exists only in secure
 * contexts (HTTPS, localhost); a phone on the office's plain-HTTP address has getRandomValues.
 */
export function clientId(): string {
  if (typeof crypto.randomUUID === 'function' && window.isSecureContext) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
