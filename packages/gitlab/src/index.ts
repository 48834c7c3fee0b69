export { gitlabConventions, ID_TOKEN_VARIABLE, PROGRAM } from "./conventions.js";
export { VERSION } from "./version.js";
export { COMPONENT_INPUTS, COMPONENT_NAME, COMPONENT_PROJECT, CLI_FILE, componentInputs, defaultCliUrl, renderComponent, type ComponentInput } from "./component.js";
