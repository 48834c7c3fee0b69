// The bundle's entry: actions/gitlab/dist/secrets-action-gitlab.mjs.
import { cliMain } from "@secrets-action/cli";
import { gitlabConventions } from "./conventions.js";

await cliMain(gitlabConventions);
