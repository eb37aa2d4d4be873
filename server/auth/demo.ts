import type { Db } from '../db/index.ts';
import { DEMO_PASSWORD, hashPassword, verifyPassword } from './passwords.ts';
import { ROLES, type Role } from './policy.ts';
import { allPasswordHashes, countDemoAccounts, findAccount, insertUser } from './queries.ts';

const DISPLAY_NAMES: Record<Role, string> = {
  admin: 'ผู้ดูแลระบบ (สาธิต)',
  executive: 'ผู้บริหาร (สาธิต)',
  planner: 'นักวิเคราะห์นโยบายและแผน (สาธิต)',
  engineer: 'วิศวกรโยธา (สาธิต)',
  chief_engineer: 'หัวหน้าฝ่ายแผนงานและก่อสร้าง (สาธิต)',
  director: 'ผู้อำนวยการสำนักการช่าง (สาธิต)',
  disaster: 'เจ้าหน้าที่ป้องกันและบรรเทาสาธารณภัย (สาธิต)',
  tax: 'เจ้าพนักงานจัดเก็บรายได้ (สาธิต)',
  auditor: 'ผู้ตรวจสอบภายใน (สาธิต)',
};

/** One account per role, named after the role, plus an engineer who works in zone 1 only. */
export const DEMO_ACCOUNTS: { username: string; role: Role; zones: number[] | null; display_name: string }[] = [
  ...ROLES.map((role) => ({ username: role, role, zones: null, display_name: DISPLAY_NAMES[role] })),
  { username: 'engineer-z1', role: 'engineer', zones: [1], display_name: 'วิศวกรโยธา เขต 1 (สาธิต)' },
];

/** Demo mode only: creates the demo accounts that are missing. Returns the usernames created. */
export async function ensureDemoAccounts(db: Db): Promise<string[]> {
  return db.transaction(async (tx) => {
    const created: string[] = [];
    // Hashed once, and only if an account is missing: every later start of a demo skips it.
    let password_hash: string | undefined;
    for (const account of DEMO_ACCOUNTS) {
      if (await findAccount(tx, account.username)) continue;
      password_hash ??= await hashPassword(DEMO_PASSWORD);
      await insertUser(tx, { ...account, password_hash, demo: true });
      created.push(account.username);
    }
    return created;
  });
}

/**
 * Production mode refuses to start while anyone could sign in with demo credentials: a demo
 * account, or any account whose password is the published demo password.
 */
export async function demoCredentialProblem(db: Db): Promise<string | null> {
  const demo = await countDemoAccounts(db);
  if (demo > 0) return `${demo} demo account(s) exist; remove them (or run with MUEANG_MODE=demo)`;
  for (const { username, password_hash } of await allPasswordHashes(db)) {
    if (await verifyPassword(password_hash, DEMO_PASSWORD)) return `account "${username}" has the demo password`;
  }
  return null;
}
