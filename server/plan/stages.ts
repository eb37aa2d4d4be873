/** The e-Plan stages a project passes through, in order. */
export const STAGES = ['plan', 'approved', 'contracted', 'disbursed'] as const;
export type Stage = (typeof STAGES)[number];
