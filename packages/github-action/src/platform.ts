/** The runner's OS as Node names platforms; RUNNER_OS is authoritative on a runner (Linux, Windows, macOS). */
export function runnerPlatform(runnerOs: string | undefined, fallback: string = process.platform): string {
  switch (runnerOs) {
    case "Windows":
      return "win32";
    case "macOS":
      return "darwin";
    case "Linux":
      return "linux";
    default:
      return fallback;
  }
}
