/**
 * Creates a real administrator account: the way into a production installation, where no demo
 * accounts exist.
 *
 *   DATABASE_URL=postgres://… MUEANG_ADMIN_PASSWORD=… npm run create-admin -- <username> ["Display name"]
 *
 * Without MUEANG_ADMIN_PASSWORD the password is read from standard input (one line). Uses the
 * same database settings as the server (DATABASE_URL, or the embedded engine in DATA_DIR), and
 * applies pending migrations first. The account is recorded in the audit trail.
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { recordAudit } from '../server/audit/queries.ts';
import { hashPassword, MIN_PASSWORD_LENGTH, passwordProblem } from '../server/auth/passwords.ts';
import { findAccount, insertUser } from '../server/auth/queries.ts';
import { readConfig } from '../server/config.ts';
import { openDatabase } from '../server/db/index.ts';
import { migrate } from '../server/db/migrate.ts';

async function readPassword(): Promise<string> {
  if (process.env.MUEANG_ADMIN_PASSWORD) return process.env.MUEANG_ADMIN_PASSWORD;
  const lines = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  if (process.stdin.isTTY) process.stderr.write('password: ');
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

const [username, displayName] = process.argv.slice(2);
if (!username || !/^[a-z0-9][a-z0-9_.-]{2,31}$/.test(username)) {
  console.error('usage: create-admin <username> ["Display name"]  (username: 3–32 of a-z 0-9 . _ -)');
  process.exit(2);
}
const password = await readPassword();
const problem = password.length < MIN_PASSWORD_LENGTH ? `must have at least ${MIN_PASSWORD_LENGTH} characters` : passwordProblem(password, username);
if (problem) {
  console.error(`password: ${problem}`);
  process.exit(2);
}

const config = readConfig();
const db = await openDatabase({ url: config.databaseUrl, dataDir: join(config.dataDir, 'pglite') });
try {
  await migrate(db);
  const password_hash = await hashPassword(password);
  const user = await db.transaction(async (tx) => {
    if (await findAccount(tx, username)) throw new Error(`an account "${username}" already exists`);
    const created = await insertUser(tx, { username, display_name: displayName ?? username, role: 'admin', zones: null, password_hash });
    await recordAudit(
      tx,
      { kind: 'system', id: null, name: 'create-admin script', ip: null },
      { action: 'create', entity: 'user', entityId: created.id, after: created },
    );
    return created;
  });
  console.log(`created administrator "${user.username}" (id ${user.id})`);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await db.close();
}
