/**
 * The few Handlebars features the real server's SQL provider uses, without Handlebars: `{{name}}` and `{{a.b}}`
 * variables (also `{{{name}}}`), HTML escaping when asked (revoke and renew statements are compiled with it on), and a
 * check that a template names only allowed variables (`validateHandlebarTemplate`).
 */

const EXPRESSION = /\{\{\{?\s*([^{}]*?)\s*\}?\}\}/g;

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;", "`": "&#x60;", "=": "&#x3D;" };

/** Handlebars' `escapeExpression`. */
export const escapeHtml = (value: string): string => value.replace(/[&<>"'`=]/g, (char) => ESCAPES[char] ?? char);

/** The expressions of a template, in order: `{{ username }}` → `username`. */
export const templateExpressions = (template: string): string[] => [...template.matchAll(EXPRESSION)].map((match) => match[1] ?? "");

/** The expressions of a template that are not allowed; empty when the template is fine. */
export const disallowedExpressions = (template: string, allowed: readonly string[]): string[] =>
  templateExpressions(template).filter((expression) => !allowed.includes(expression));

/** Renders `{{path}}` from `variables` (dot paths); an unknown variable renders empty, as in Handlebars. */
export const renderTemplate = (template: string, variables: Record<string, unknown>, options: { escape?: boolean } = {}): string =>
  template.replace(EXPRESSION, (whole, expression: string) => {
    let value: unknown = variables;
    for (const part of expression.split(".")) value = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[part] : undefined;
    const text = value === undefined || value === null ? "" : String(value);
    return options.escape && !whole.startsWith("{{{") ? escapeHtml(text) : text;
  });

/** Splits rendered SQL on `;` and drops empty parts, as the real provider does before running them in one transaction. */
export const splitStatements = (sql: string): string[] => sql.split(";").filter((part) => part.trim() !== "");
