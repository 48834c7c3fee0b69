export { type AllMasks, DEFAULT_MASK_MIN_LENGTH, masksFor, masksForAll, type MaskOptions, type Masks } from "./masks-for.js";
export { encodedForms } from "./encoded-forms.js";
export { jsonLeaves, type JsonLeaves } from "./json-leaves.js";
export { redactionPatterns, type RedactionPatternOptions } from "./redaction-patterns.js";
export { buildByteAutomaton, codeNode, nextState, type ByteAutomaton, type ByteAutomatonOptions } from "./byte-automaton.js";
export {
  compilePatterns,
  createPatternRedactor,
  createRedactor,
  type CompilePatternsOptions,
  type CompiledPatterns,
  type PatternRedactorOptions,
  type Redactor,
  type RedactorOptions,
} from "./redactor.js";
export { createRedactStream } from "./redact-stream.js";
