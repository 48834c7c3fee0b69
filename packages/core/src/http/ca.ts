import { nodeCrypto } from "../builtins.js";
import { ConfigError } from "../errors.js";

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Splits and checks a PEM bundle; throws ConfigError when it holds no readable certificate. */
export function parseCaBundle(pem: string, inputName = "ca-certificate"): string[] {
  const blocks = pem.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) {
    throw new ConfigError([`${inputName}: no "-----BEGIN CERTIFICATE-----" block found. Give the CA certificate in PEM form.`]);
  }
  blocks.forEach((block, index) => {
    try {
      new (nodeCrypto().X509Certificate)(block);
    } catch {
      throw new ConfigError([`${inputName}: certificate ${index + 1} of ${blocks.length} cannot be read. Check the PEM text is complete.`]);
    }
  });
  return blocks;
}
