import { hash, verify } from '@node-rs/argon2';

/** Argon2id with the library's defaults (19 MiB, 2 passes): the OWASP recommendation. */
export const hashPassword = (password: string) => hash(password);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // a malformed hash verifies nothing
  }
}

/** Long enough to resist guessing; no composition rules, which only make passwords worse. */
export const MIN_PASSWORD_LENGTH = 12;

/** The password of every demo account, printed at start-up in demo mode and refused in production. */
export const DEMO_PASSWORD = 'mueang-demo-2561';

// Verifying against this when the username is unknown makes both cases take as long.
let dummyHash: Promise<string> | undefined;
export const timingDummyHash = () => (dummyHash ??= hash('not a real password'));
