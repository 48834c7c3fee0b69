export { encryptWithHexKey, decryptWithHexKey, type EncryptedField } from "./aes-gcm.js";
export { unwrapProjectKey, wrapProjectKey, type WrappedProjectKey } from "./nacl-box.js";
export {
  parseServiceToken,
  getServiceTokenInfo,
  projectKeyOf,
  singleScope,
  type ServiceTokenParts,
  type ServiceTokenInfo,
  type ServiceTokenScope,
} from "./service-token.js";
export { createEncryptedSecretsClient, decryptListBody, decryptSecretRecord } from "./encrypted-secrets.js";
export { createServiceTokenSecretsClient, isEndToEndEncryptedProject } from "./service-token-client.js";
export { fetchFor, readTarget, type FetchForOptions, type FetchForResult, type ReadTarget, type ReadTargetOptions } from "./read-target.js";
