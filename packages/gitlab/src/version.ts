/** The GitLab CLI's version: the component pins it (cli-version) and the release tags carry it. */
export const VERSION = "0.1.0";
