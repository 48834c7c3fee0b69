// The bundle's entry: actions/circleci/secrets-action-circleci.mjs, which the orb's install command installs.
import { cliMain } from "@secrets-action/cli";
import { circleciConventions } from "./conventions.js";

await cliMain(circleciConventions);
