// Prints action.yml; compiled and run by scripts/bundle.mjs.
import { renderActionYaml } from "./action-yaml.js";

process.stdout.write(renderActionYaml());
