/**
 * What a server's log must never contain, whatever failed: password hashes (Argon2), SHA-256
 * digests in hex (device keys, session tokens), device keys, and the `known` secrets a test used.
 * Returns what it found.
 */
export function secretsIn(log: string, known: readonly string[] = []): string[] {
  const patterns = [/\$argon2(id|i|d)\$[^\s'"]*/g, /\b[0-9a-f]{64}\b/gi, /mdk_\d+_[A-Za-z0-9_-]{16,}/g];
  return [...patterns.flatMap((pattern) => [...log.matchAll(pattern)].map((m) => m[0])), ...known.filter((secret) => log.includes(secret))];
}
