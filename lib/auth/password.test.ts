import { describe, expect, it } from "vitest";
import { hashPassword, passwordWeakness, verifyPassword } from "./password";

describe("password hashing", () => {
  it("verifies the right password and rejects a wrong one", async () => {
    const hash = await hashPassword("correct horse battery");
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword("correct horse battery", hash)).toBe(true);
    expect(await verifyPassword("correct horse batterx", hash)).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same password 1")).not.toBe(await hashPassword("same password 1"));
  });

  it("rejects malformed stored hashes", async () => {
    expect(await verifyPassword("x", "bcrypt$whatever")).toBe(false);
  });
});

describe("password policy", () => {
  it.each([
    ["short1A", /at least 10/],
    ["password123", /too common/],
    ["aaaaaaaaaaaa", /repeated/],
    ["abcdefghijk", /two of/],
  ])("rejects %s", (pw, re) => {
    expect(passwordWeakness(pw)).toMatch(re);
  });

  it("rejects a password containing the email name", () => {
    expect(passwordWeakness("alice-2024-secret", "alice@example.com")).toMatch(/email/);
  });

  it("accepts a reasonable password", () => {
    expect(passwordWeakness("Tr0ub4dor&3x")).toBeNull();
    expect(passwordWeakness("a long passphrase of words")).toBeNull();
  });
});
