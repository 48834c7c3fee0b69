import { basename, dirname, join } from "node:path";
import { nodeCrypto, nodeFsPromises } from "../builtins.js";
import { SecretsActionError } from "../errors.js";

/** An open file, as much of node's FileHandle as writeSecretFile uses. */
export interface SecretFileHandle {
  writeFile(data: string | Uint8Array): Promise<void>;
  chmod(mode: number): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The file system calls writeSecretFile makes; `node:fs/promises` by default, injectable for tests. */
export interface SecretFileSystem {
  mkdir(path: string, options: { recursive: true; mode: number }): Promise<unknown>;
  open(path: string, flags: string, mode: number): Promise<SecretFileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

function nodeFileSystem(): SecretFileSystem {
  const { mkdir, open, rename, unlink } = nodeFsPromises();
  return { mkdir, open, rename, unlink };
}

/**
 * Write `content` to `path` readable by the owner only (mode 0600), replacing any file there, creating missing parent
 * directories (mode 0700).
 *
 * The content goes to a new temporary file beside `path`, created exclusively with mode 0600 and synced, which is
 * then renamed over `path`. So the secrets are never readable by others, not even for a moment; an existing file's
 * looser mode does not survive (the file is replaced, not rewritten); a symlink planted at `path` is replaced rather
 * than followed; and a reader never sees half a file. On Windows POSIX modes mean nothing: the file takes the ACL of
 * its directory, so write it outside the shared workspace or delete it in the post step.
 * @throws SecretsActionError (code EXPORT) naming the path and the system error code; never the content.
 */
export async function writeSecretFile(
  path: string,
  content: string | Uint8Array,
  fs: SecretFileSystem = nodeFileSystem(),
): Promise<void> {
  const directory = dirname(path);
  const temp = join(directory, `.${basename(path)}.${nodeCrypto().randomBytes(8).toString("hex")}.tmp`);
  let step = "create its directory";
  let created = false;
  try {
    await fs.mkdir(directory, { recursive: true, mode: 0o700 });
    step = "create it";
    const handle = await fs.open(temp, "wx", 0o600);
    created = true;
    try {
      step = "write it";
      // open's mode is filtered by the umask, which can only remove bits; set it outright all the same.
      await handle.chmod(0o600);
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    step = "move it into place";
    await fs.rename(temp, path);
    created = false;
  } catch (error) {
    if (created) await fs.unlink(temp).catch(() => undefined);
    const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "unknown error";
    throw new SecretsActionError("EXPORT", `${path}: could not ${step} (${code})`, {
      cause: error,
      hint: "Check that the path is writable by the job's user, or choose another path.",
    });
  }
}
