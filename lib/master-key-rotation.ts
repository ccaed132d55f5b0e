// Master-key rotation: re-seals every encrypted column under a new master key, in one transaction.
// Every row is first opened with the old keyring (the current key and MASTER_KEY_PREVIOUS, or the --old-key the
// operator names); if any row does not open, nothing is written. Each new ciphertext is opened again with the new
// key before it is stored. The operator then switches MASTER_KEY (docs/deployment.md, "Rotating the master key").
//
// Encrypted columns today: Provider.apiKeyEncrypted (lib/catalog/config.ts). A new encrypted column is added to
// ENCRYPTED_COLUMNS below, or rotation leaves it under the old key.
import type { Db } from "@/lib/db/client";
import { decryptSecret, encryptSecret, type Keyring } from "@/lib/crypto";
import { AppError } from "@/lib/errors";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

interface EncryptedColumn {
  /** "Model.column", for the report. */
  name: string;
  read(tx: Tx): Promise<{ id: string; label: string; sealed: string }[]>;
  write(tx: Tx, id: string, sealed: string): Promise<void>;
}

const ENCRYPTED_COLUMNS: EncryptedColumn[] = [
  {
    name: "Provider.apiKeyEncrypted",
    async read(tx) {
      const rows = await tx.provider.findMany({
        where: { apiKeyEncrypted: { not: null } },
        select: { id: true, name: true, apiKeyEncrypted: true },
        orderBy: { id: "asc" },
      });
      return rows.map((r) => ({ id: r.id, label: r.name, sealed: r.apiKeyEncrypted! }));
    },
    async write(tx, id, sealed) {
      await tx.provider.update({ where: { id }, data: { apiKeyEncrypted: sealed } });
    },
  },
];

export interface RotationReport {
  columns: { name: string; rows: number }[];
  rotated: number;
}

export async function rotateMasterKey(
  db: Db,
  opts: { oldKeys: Keyring; newKey: Buffer },
): Promise<RotationReport> {
  const { oldKeys, newKey } = opts;
  return db.$transaction(
    async (tx) => {
      const report: RotationReport = { columns: [], rotated: 0 };
      const unreadable: string[] = [];
      const updates: { column: EncryptedColumn; id: string; sealed: string }[] = [];
      for (const column of ENCRYPTED_COLUMNS) {
        const rows = await column.read(tx);
        for (const row of rows) {
          let plaintext: string;
          try {
            plaintext = decryptSecret(row.sealed, oldKeys);
          } catch {
            unreadable.push(`${column.name} of ${row.label}`);
            continue;
          }
          const sealed = encryptSecret(plaintext, newKey);
          if (decryptSecret(sealed, newKey) !== plaintext)
            throw new Error(`Re-encryption check failed: ${row.label}`);
          updates.push({ column, id: row.id, sealed });
        }
        report.columns.push({ name: column.name, rows: rows.length });
      }
      if (unreadable.length > 0) {
        throw new AppError(
          "invalid_request",
          `The old master key does not open ${unreadable.length} secret(s) (${unreadable.join(", ")}); nothing was changed. ` +
            "Give the key they were sealed with in --old-key (or MASTER_KEY / MASTER_KEY_PREVIOUS).",
        );
      }
      for (const u of updates) await u.column.write(tx, u.id, u.sealed);
      report.rotated = updates.length;
      return report;
    },
    { timeout: 60_000 },
  );
}
