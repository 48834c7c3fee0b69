import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The path of seeds/demo.yaml, from the sources (src/) or from a bundle (dist/cli/, dist/lib/).
 * Undefined when the package's seeds folder is not beside them.
 */
export const demoSeedPath = (): string | undefined => {
  for (const relative of ["../seeds/demo.yaml", "../../seeds/demo.yaml"]) {
    const candidate = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
};
