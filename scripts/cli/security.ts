// CLI commands for master-key rotation and other security chores.
import { randomBytes } from "node:crypto";
import { rotateMasterKey } from "@/lib/master-key-rotation";
import { getSecrets, parseKeyList, parseMasterKey, replaceFileMasterKey } from "@/lib/secrets";
import { optional, required, str, UsageError, type Command } from "./common";

function parseKeyFlag(value: string, flag: string): Buffer[] {
  try {
    return parseKeyList(value);
  } catch (err) {
    throw new UsageError(`--${flag}: ${(err as Error).message}`);
  }
}

export const securityCommands: Record<string, Command> = {
  "secrets rotate-master-key": {
    synopsis: "--new-key KEY [--old-key KEY[,KEY...]]",
    about:
      "Re-encrypt every stored provider secret under a new 32-byte master key (64 hex characters or base64; " +
      "generate one with `openssl rand -base64 32`), in one transaction. Rows are opened with --old-key, or by " +
      "default with MASTER_KEY and MASTER_KEY_PREVIOUS (or the key generated in DATA_DIR/secrets.json); if any " +
      "row does not open, nothing changes. With a generated key file the file is updated; with MASTER_KEY set, the " +
      "command says which variables to set on every instance (it never prints a key).",
    options: { "new-key": str, "old-key": str },
    async run(f, open) {
      const [newKey] = parseKeyFlag(required(f, "new-key"), "new-key");
      if (!newKey) throw new UsageError("Missing --new-key.");
      const oldFlag = optional(f, "old-key");
      const secrets = getSecrets();
      const oldKeys = oldFlag ? parseKeyFlag(oldFlag, "old-key") : secrets.keyring;
      if (oldKeys.length === 1 && oldKeys[0]!.equals(newKey)) {
        throw new UsageError("--new-key is the key in use already.");
      }
      const { db } = await open();
      const report = await rotateMasterKey(db, { oldKeys, newKey });

      const fromFile = secrets.source.masterKey === "file";
      let next: string[];
      if (fromFile) {
        const { file } = replaceFileMasterKey(newKey);
        next = [
          `The new key is now the master key in ${file}; the old one is kept there as a previous key.`,
          "Restart Switchyard. Once no instance runs with the old key, you may delete `previousMasterKeys` from the file.",
        ];
      } else {
        next = [
          "Now set on every instance, then restart them one by one:",
          "  MASTER_KEY=<the --new-key value>",
          "  MASTER_KEY_PREVIOUS=<the MASTER_KEY those instances run with now>",
          "Instances still on the old MASTER_KEY cannot read the rotated rows until restarted: for a rolling restart",
          "without errors, first give every instance MASTER_KEY_PREVIOUS=<new key> (docs/deployment.md).",
          "When every instance runs with the new key, remove MASTER_KEY_PREVIOUS and destroy the old key.",
        ];
      }
      const counts = report.columns.map((c) => `${c.rows} in ${c.name}`).join(", ");
      return {
        json: { rotated: report.rotated, columns: report.columns, keyFile: fromFile, next },
        text: [
          `Re-encrypted ${report.rotated} secret(s) under the new master key (${counts}).`,
          ...next,
        ].join("\n"),
      };
    },
  },

  "secrets generate-master-key": {
    synopsis: "",
    about: "Print a fresh random 32-byte master key, base64 (for --new-key or MASTER_KEY).",
    options: {},
    async run() {
      const key = randomBytes(32).toString("base64");
      parseMasterKey(key);
      return { json: { key }, text: key };
    },
  },
};
