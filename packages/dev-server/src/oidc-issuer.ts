import { generateKeyPair, generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from "node:crypto";
import { promisify } from "node:util";

import { signJwt, type JwtPayload } from "./jwt.js";
import { presetClaims, type OidcPreset } from "./oidc-presets.js";

/**
 * A built-in OIDC provider at `<url>/__oidc`: discovery document, JWKS (an RSA 2048 key made at start) and RS256
 * tokens minted on demand, so OIDC logins are tested end to end with real signatures and a real JWKS fetch.
 */

export interface MintOptions {
  /** Shape the token like a CI provider's: github, gitlab or circleci. */
  preset?: OidcPreset;
  /** Extra claims (override the preset's). */
  claims?: Record<string, unknown>;
  /** Default: the preset's audience, else "secrets-action-dev". */
  audience?: string | string[];
  /** Default: the preset's subject, else "dev-subject". */
  subject?: string;
  /** Lifetime; default 300. */
  ttlSeconds?: number;
  /** Header kid; default the issuer key's; null leaves the header without kid. */
  kid?: string | null;
  /** Default `<url>/__oidc` (CircleCI preset: `<url>/__oidc/org/<org id>`). */
  issuer?: string;
  /** Make it already expired (exp one minute ago). */
  expired?: boolean;
  /** Make it not valid yet (nbf in one minute). */
  notYetValid?: boolean;
  /** Sign with a key the JWKS does not publish (same kid unless `kid` says otherwise). */
  signWithUnknownKey?: boolean;
}

const generateRsa = promisify(generateKeyPair);

interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** `server.oidc`. */
export class OidcIssuer {
  /** The bearer token the GitHub-shaped token endpoint wants (ACTIONS_ID_TOKEN_REQUEST_TOKEN); default dev-request-token. */
  requestToken: string;
  /** Claims every GitHub-shaped token gets (over the preset defaults), e.g. `{repository: "octo-org/app"}`. */
  githubClaims: Record<string, unknown>;
  readonly kid = `dev-${randomBytes(4).toString("hex")}`;
  private keys: KeyPair | undefined;
  private unknownKeys: KeyPair | undefined;

  constructor(
    private readonly baseUrl: () => string,
    private readonly now: () => number,
    options: { requestToken?: string; githubClaims?: Record<string, unknown> } = {},
  ) {
    this.requestToken = options.requestToken ?? "dev-request-token";
    this.githubClaims = options.githubClaims ?? {};
  }

  /** Makes the signing key; called once before the server listens. */
  async init(): Promise<void> {
    this.keys = await generateRsa("rsa", { modulusLength: 2048 });
  }

  private get signing(): KeyPair {
    if (!this.keys) throw new Error("OidcIssuer.init() was not called");
    return this.keys;
  }

  /** `<url>/__oidc`. */
  get issuer(): string {
    return `${this.baseUrl()}/__oidc`;
  }

  /** The discovery document for an issuer URL below `/__oidc`. */
  discovery(issuer = this.issuer): Record<string, unknown> {
    return {
      issuer,
      jwks_uri: `${this.issuer}/jwks`,
      subject_types_supported: ["public", "pairwise"],
      response_types_supported: ["id_token"],
      claims_supported: ["sub", "aud", "exp", "iat", "iss", "jti", "nbf", "ref", "repository", "repository_owner", "project_path", "namespace_path"],
      id_token_signing_alg_values_supported: ["RS256"],
      scopes_supported: ["openid"],
    };
  }

  /** The published keys. */
  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: [{ ...this.signing.publicKey.export({ format: "jwk" }), kid: this.kid, alg: "RS256", use: "sig" }] };
  }

  /** A signed RS256 ID token. */
  mint(options: MintOptions = {}): string {
    const now = Math.floor(this.now() / 1000);
    const preset = options.preset ? presetClaims(options.preset, this.issuer, options.claims ?? {}) : undefined;
    const ttl = options.ttlSeconds ?? 300;
    const iat = options.expired ? now - ttl - 60 : now;
    const payload: JwtPayload = {
      ...(preset?.claims ?? options.claims ?? {}),
      iss: options.issuer ?? preset?.issuer ?? this.issuer,
      sub: options.subject ?? preset?.subject ?? "dev-subject",
      aud: options.audience ?? preset?.audience ?? "secrets-action-dev",
      iat,
      nbf: options.notYetValid ? now + 60 : iat,
      exp: iat + ttl,
    };
    if (!("jti" in payload)) payload["jti"] = randomUUID();
    if (options.signWithUnknownKey && !this.unknownKeys) this.unknownKeys = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const key = options.signWithUnknownKey && this.unknownKeys ? this.unknownKeys.privateKey : this.signing.privateKey;
    const kid = options.kid === null ? undefined : (options.kid ?? this.kid);
    return signJwt(payload, key, { algorithm: "RS256", now: this.now(), ...(kid !== undefined ? { kid } : {}) });
  }

  /** What the GitHub token endpoint answers: a github-preset token for the audience (default the owner URL). */
  githubToken(audience: string | undefined): string {
    return this.mint({ preset: "github", claims: this.githubClaims, ...(audience ? { audience } : {}) });
  }
}
