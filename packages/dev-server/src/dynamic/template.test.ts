import { describe, expect, it } from "vitest";

import { disallowedExpressions, escapeHtml, renderTemplate, splitStatements, templateExpressions } from "./template.js";

describe("statement templates", () => {
  it("renders variables and dot paths; an unknown variable renders empty, as Handlebars does", () => {
    expect(renderTemplate(`CREATE USER "{{username}}" PASSWORD '{{ password }}' -- {{identity.name}} {{nope}}`, { username: "u1", password: "p'w", identity: { name: "ci" } })).toBe(
      `CREATE USER "u1" PASSWORD 'p'w' -- ci `,
    );
  });

  it("escapes like Handlebars when asked (revoke and renew), except in triple braces", () => {
    expect(escapeHtml(`a&b<c>"d'e\`f=g`)).toBe("a&amp;b&lt;c&gt;&quot;d&#x27;e&#x60;f&#x3D;g");
    expect(renderTemplate("{{x}} {{{x}}}", { x: "O'Brien" }, { escape: true })).toBe("O&#x27;Brien O'Brien");
  });

  it("lists the expressions a template uses and the ones it may not", () => {
    expect(templateExpressions("{{username}} {{ expiration }} {{{password}}}")).toEqual(["username", "expiration", "password"]);
    expect(disallowedExpressions(`DROP ROLE "{{username}}" {{password}}`, ["username", "database"])).toEqual(["password"]);
  });

  it("splits on ; and drops empty parts", () => {
    expect(splitStatements("A;\n B ;; ;C;")).toEqual(["A", "\n B ", "C"]);
  });
});
