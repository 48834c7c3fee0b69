// The bundle's entry: actions/gitlab/bin/secrets-action-gitlab.mjs.
import { cliMain } from "@secrets-action/cli";
import { gitlabConventions } from "./conventions.js";

await cliMain(gitlabConventions);
