/** The CLI's version: the orb's install command pins this version's file by its SHA-256. Kept equal to package.json. */
export const VERSION = "0.1.0";
