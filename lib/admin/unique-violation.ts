// For the console's writes (models, providers): a clash on a unique name, to answer as a conflict. Not re-exported
// by index.ts, which lists only the console's verbs and its few helpers.

/** Whether a write failed on a unique constraint (Prisma's P2002). */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "P2002";
}
