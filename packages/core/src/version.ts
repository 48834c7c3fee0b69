/** The product version, reported in the User-Agent. */
export const VERSION = "0.1.0";
