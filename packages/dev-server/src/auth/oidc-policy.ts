import picomatch from "picomatch";

/**
 * The OIDC bound-field matching of `identity-oidc-auth-fns.ts`: exact or picomatch glob (default options, so `*`
 * does not cross `/`), booleans compared to "true", numbers with parseInt, arrays when any element matches.
 */

const globMatch = (value: string, pattern: string): boolean => {
  try {
    return picomatch.isMatch(value, pattern);
  } catch {
    return false;
  }
};

/** `doesFieldValueMatchOidcPolicy`. */
export const fieldMatchesPolicy = (fieldValue: unknown, policyValue: string): boolean => {
  if (typeof fieldValue === "boolean") return fieldValue === (policyValue === "true");
  if (typeof fieldValue === "number") return fieldValue === Number.parseInt(policyValue, 10);
  if (Array.isArray(fieldValue)) return fieldValue.some((entry) => fieldMatchesPolicy(entry, policyValue));
  if (typeof fieldValue !== "string") return false;
  return policyValue === fieldValue || globMatch(fieldValue, policyValue);
};

/** `doesAudValueMatchOidcPolicy`: `aud` may be a string or an array. */
export const audienceMatchesPolicy = (aud: unknown, policyValue: string): boolean => {
  if (Array.isArray(aud)) return aud.some((entry) => typeof entry === "string" && (entry === policyValue || globMatch(entry, policyValue)));
  return typeof aud === "string" && (policyValue === aud || globMatch(aud, policyValue));
};

/** `getValueByDot`: `a.b.c` reads nested own properties (so a claim name containing a dot cannot be reached). */
export const valueByDot = (object: Record<string, unknown>, path: string): unknown => {
  let current: unknown = object;
  for (const part of path.split(".")) {
    if (current === null || typeof current !== "object" || Array.isArray(current) || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
};
