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

/**
 * The first passwords an attacker tries that are long enough to pass the length rule: from the
 * published lists of leaked passwords, keyboard walks (also on the Thai Kedmanee layout) and the
 * city's own names. Compared lower-cased.
 */
const COMMON_PASSWORDS = new Set([
  DEMO_PASSWORD,
  'mueangdemo2561',
  'mueang-demo-2562',
  'mueang123456',
  'mueang-admin1',
  'khonkaen1234',
  'khonkaen2561',
  'khonkaen12345',
  'khonkaencity',
  'khonkaen@123',
  'thailand1234',
  'thailand12345',
  'bangkok12345',
  'isan12345678',
  'tesaban12345',
  'admin1234567',
  'admin12345678',
  'administrator',
  'administrator1',
  'adminadmin12',
  'adminpassword',
  'password1234',
  'password12345',
  'password123456',
  'password123!',
  'password@123',
  'password1234!',
  'passwordpassword',
  'passw0rd1234',
  'p@ssw0rd1234',
  'p@ssword1234',
  'p@ssw0rd123!',
  'mypassword12',
  'changeme1234',
  'changeme12345',
  'welcome12345',
  'welcome123456',
  'letmein12345',
  'iloveyou1234',
  'iloveyou12345',
  'trustno11234',
  'secret123456',
  'default12345',
  'qwerty123456',
  'qwerty1234567',
  'qwertyuiop12',
  'qwertyuiop123',
  'qwertyuiop1234',
  'qwertyuiopasdf',
  'qwertyuiopasdfghjkl',
  'qwertyqwerty',
  'qwer1234asdf',
  '1234qwerasdf',
  'qwerasdfzxcv',
  'asdfghjkl123',
  'asdfghjkl1234',
  'asdfasdfasdf',
  'zxcvbnm12345',
  'zxcvbnm123456',
  'qazwsxedcrfv',
  'qazwsxedc123',
  '1qaz2wsx3edc',
  '1qaz2wsx3edc4rfv',
  'zaq12wsxcde3',
  '1q2w3e4r5t6y',
  '1q2w3e4r5t6y7u8i',
  'q1w2e3r4t5y6',
  'abcdefghijkl',
  'abcdefghijklm',
  'abcd1234abcd',
  'abc123456789',
  'a1b2c3d4e5f6',
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456789abc',
  '1234567890ab',
  '1234567890qw',
  '1234567890-=',
  '098765432109',
  '0987654321qw',
  '987654321098',
  '123456abcdef',
  '11223344556677',
  '112233445566',
  '123321123321',
  '147258369147',
  '741852963741',
  '159753159753',
  'football1234',
  'baseball1234',
  'sunshine1234',
  'princess1234',
  'superman1234',
  'batman123456',
  'monkey123456',
  'dragon123456',
  'starwars1234',
  'pokemon12345',
  'computer1234',
  'internet1234',
  'whatever1234',
  'babygirl1234',
  'ilovethailand',
  // 1234567890-= and qwertyuiop[] typed with the Thai keyboard switched on.
  'ๅ/-ภถุึคตจขช',
  'ๆไำพะัีรนยบล',
  'ๅ/-ภถุึคตจ',
  'ๆไำพะัีรนย',
]);

/**
 * Why a password must not be set, or null: the demo password (production refuses to start while
 * any account has it), one containing the username, one of the most common passwords, or one
 * short pattern repeated (`aaaaaaaaaaaa`, `123123123123`). Length is the schema's business.
 */
export function passwordProblem(password: string, username: string): string | null {
  const lower = password.toLowerCase();
  if (lower === DEMO_PASSWORD) return 'the demo password is published: choose another';
  if (lower.includes(username.toLowerCase())) return 'must not contain the username';
  if (COMMON_PASSWORDS.has(lower)) return 'one of the most common passwords: choose another';
  if (/^(.{1,4})\1+$/su.test(password)) return 'one short pattern repeated: choose another';
  return null;
}

// Verifying against this when the username is unknown makes both cases take as long.
let dummyHash: Promise<string> | undefined;
export const timingDummyHash = () => (dummyHash ??= hash('not a real password'));
