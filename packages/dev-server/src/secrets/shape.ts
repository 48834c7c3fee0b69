import type { Project, Secret } from "../store.js";

/**
 * Secret objects as the real routers serialise them (`secretRawSchema` and its extensions in
 * `sanitizedSchemas.ts`; keys outside the schema are stripped, dates are ISO strings). Late-2024 servers had no
 * `secretValueHidden`/`secretMetadata`/rotation fields and carried `metadata` instead.
 */

/** The value a caller without the right to see it gets. */
export const HIDDEN_VALUE = "<hidden-by-infisical>";

/** Optional parts of the secret object, by endpoint. */
export interface ShapeParts {
  /** `createdAt`/`updatedAt` (absent on imported secrets). */
  timestamps: boolean;
  secretPath: boolean;
  hidden: boolean;
  metadata: boolean;
  tags: boolean;
}

export const PARTS = {
  /** POST create (single and batch), PATCH/DELETE batch. */
  base: { timestamps: true, secretPath: false, hidden: false, metadata: false, tags: false },
  /** PATCH/DELETE of one secret. */
  withHidden: { timestamps: true, secretPath: false, hidden: true, metadata: false, tags: false },
  /** List entries and GET one. */
  full: { timestamps: true, secretPath: true, hidden: true, metadata: true, tags: true },
  /** Entries of `imports[].secrets`. */
  imported: { timestamps: false, secretPath: false, hidden: true, metadata: true, tags: false },
} satisfies Record<string, ShapeParts>;

export interface ShapeInput {
  project: Project;
  /** The environment of the secret; `workspace` is "" for imported secrets, as on the real server. */
  environment: string;
  secretPath: string;
  secret: Secret;
  /** The value to answer with (expanded, or the stored one). */
  value: string;
  hidden: boolean;
  /** Version fields of a historic version, when one was asked for. */
  version?: { version: number; key: string; comment: string; skipMultilineEncoding: boolean; tagIds: string[] };
  legacy: boolean;
  imported?: boolean;
}

export const shapeSecret = (input: ShapeInput, parts: ShapeParts): Record<string, unknown> => {
  const { secret, project, legacy } = input;
  const state = input.version ?? secret;
  const out: Record<string, unknown> = {
    id: secret.id,
    _id: secret.id,
    workspace: input.imported ? "" : project.id,
    environment: input.environment,
    version: state.version,
    type: secret.type,
    secretKey: state.key,
    secretValue: input.hidden ? HIDDEN_VALUE : input.value,
    secretComment: state.comment,
    secretReminderNote: secret.reminderNote,
    secretReminderRepeatDays: secret.reminderRepeatDays,
    skipMultilineEncoding: state.skipMultilineEncoding,
  };
  if (legacy) out["metadata"] = null;
  else {
    out["isRotatedSecret"] = false;
    out["rotationId"] = null;
  }
  if (parts.timestamps) {
    out["createdAt"] = new Date(secret.createdAt).toISOString();
    out["updatedAt"] = new Date(secret.updatedAt).toISOString();
  }
  if (parts.secretPath) out["secretPath"] = input.secretPath;
  if (parts.hidden && !legacy) out["secretValueHidden"] = input.hidden;
  if (parts.metadata && !legacy) out["secretMetadata"] = secret.metadata.map((entry) => ({ ...entry }));
  if (parts.tags) {
    out["tags"] = state.tagIds.flatMap((id) => project.tags.filter((tag) => tag.id === id).map((tag) => ({ id: tag.id, slug: tag.slug, color: tag.color, name: tag.name })));
  }
  return out;
};
