/**
 * The scripts' command lines: `--name value` pairs only, each name one the script knows. What a
 * value must be (a positive number, a URL…) is each script's to check.
 */
export function parseOptions(argv: string[], allowed: readonly string[]): Map<string, string> {
  const named = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i]!, argv[i + 1]];
    if (!flag.startsWith('--') || value === undefined) throw new Error(`expected --name value, got "${flag}"`);
    named.set(flag.slice(2), value);
  }
  for (const name of named.keys()) {
    if (!allowed.includes(name)) throw new Error(`unknown option --${name}`);
  }
  return named;
}

/** `--name`'s value as a positive number, or `fallback` when it is not given. */
export function positiveNumber(named: Map<string, string>, name: string, fallback: number): number {
  const value = Number(named.get(name) ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

/** The server a simulator drives and the account it signs in as (`--url`, `--user`, `--password`). */
export const serverOptions = (named: Map<string, string>, demoPassword: string) => ({
  url: (named.get('url') ?? 'http://127.0.0.1:8080').replace(/\/+$/, ''),
  user: named.get('user') ?? 'admin',
  password: named.get('password') ?? demoPassword,
});
