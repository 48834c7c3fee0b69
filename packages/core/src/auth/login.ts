import type { HttpClient } from "../http/types.js";
import { loginAwsIam } from "./login-aws-iam.js";
import { loginOidc } from "./login-oidc.js";
import { loginUniversal } from "./login-universal.js";
import type { AccessToken, AuthConfig } from "./types.js";
import { useAccessToken } from "./use-access-token.js";
import { useServiceToken } from "./use-service-token.js";

/** Logs in with whichever method the config names. */
export async function login(http: HttpClient, auth: AuthConfig, options: { now?: (() => number) | undefined } = {}): Promise<AccessToken> {
  const { now } = options;
  switch (auth.method) {
    case "universal": {
      const { method: _method, ...rest } = auth;
      return loginUniversal(http, { ...rest, now });
    }
    case "oidc": {
      const { method: _method, ...rest } = auth;
      return loginOidc(http, { ...rest, now });
    }
    case "aws-iam": {
      const { method: _method, ...rest } = auth;
      return loginAwsIam(http, { ...rest, now });
    }
    case "token":
      return useAccessToken(auth.accessToken, { now });
    case "service-token":
      return useServiceToken(auth.serviceToken, { now });
    default: {
      const unknown: never = auth;
      throw new TypeError(`unknown auth method ${(unknown as { method?: unknown }).method as string}`);
    }
  }
}
