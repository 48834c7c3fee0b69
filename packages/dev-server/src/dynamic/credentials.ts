import { randomInt } from "node:crypto";

import { renderTemplate } from "./template.js";

/** Usernames and passwords as the real SQL provider makes them (`templateUtils.ts`, `sql-database.ts`). */

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS = "0123456789";
const ALPHANUMERIC = `${DIGITS}${UPPER}${LOWER}`;

const pick = (alphabet: string): string => alphabet[randomInt(alphabet.length)] ?? "";

/** `alphaNumericNanoId(32)`: 32 characters from [0-9A-Za-z]. */
export const randomUsername = (): string => Array.from({ length: 32 }, () => pick(ALPHANUMERIC)).join("");

/**
 * The default password: 48 characters, at least one lowercase, one uppercase and one digit, no symbols; the rest
 * drawn from [a-zA-Z0-9] with `crypto.randomInt`, then shuffled (Fisher–Yates).
 */
export const generatePassword = (length = 48): string => {
  const parts = [pick(LOWER), pick(UPPER), pick(DIGITS)];
  const all = `${LOWER}${UPPER}${DIGITS}`;
  while (parts.length < length) parts.push(pick(all));
  for (let i = parts.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [parts[i], parts[j]] = [parts[j] ?? "", parts[i] ?? ""];
  }
  return parts.join("");
};

/** What a username template may use. */
export interface UsernameContext {
  identityName: string;
  dynamicSecret: { name: string; type: string };
  /** ms since epoch. */
  now: number;
}

/** The username: random, or the template rendered with randomUsername, unixTimestamp, identity.name, dynamicSecret.name|type. */
export const generateUsername = (template: string | null, context: UsernameContext): string => {
  const random = randomUsername();
  if (!template) return random;
  return renderTemplate(template, {
    randomUsername: random,
    unixTimestamp: Math.floor(context.now / 1000),
    identity: { name: context.identityName },
    dynamicSecret: context.dynamicSecret,
  });
};
