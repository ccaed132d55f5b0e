import { randomBytes } from "node:crypto";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Uniform base62 string of `length` characters (rejection sampling, no modulo bias). */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248) out += BASE62[b % 62]; // 248 = 4 * 62: keeps the distribution uniform
      if (out.length === length) break;
    }
  }
  return out;
}

export type IdPrefix = "usr" | "tnt" | "mbr" | "inv" | "key" | "oac" | "req" | "prv" | "mdl" | "dep" | "chatcmpl" | "rtp";

/** Prefixed id, e.g. `tnt_3kT9...`: 20 base62 characters, about 119 bits. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase62(20)}`;
}
