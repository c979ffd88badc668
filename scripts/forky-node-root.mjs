#!/usr/bin/env node
// A Debian forky root with forky's Node.js 24 and the fast suite's tools, in which CI runs
// `npm test` a second time (scripts/suite-in-root.sh): this host's Node 20 is past its end
// of life (2026-04-30), and bake must keep working on the maintained LTS lines too.
//
//   node scripts/forky-node-root.mjs     builds the root once, then prints its path
import { pathToFileURL } from "node:url";
import { debianRoot } from "./debian-root.mjs";
import { SUITE_TOOLS } from "./suite-tools.mjs";

/**
 * nodejs and npm (npm ci reaches the registry over https, hence ca-certificates), and the fast
 * suite's tools. Forky's containerd package brings the unit file systemd-analyze checks; its 2.1
 * binary dumps a v2 config as v3, so suite-in-root.sh binds the host's 1.6 parser over it.
 */
export const FORKY_NODE_PACKAGES = [
  ...new Set(["nodejs", "npm", "ca-certificates", ...Object.values(SUITE_TOOLS.fast)]),
].sort();

export const forkyNodeRoot = () => debianRoot("forky-node", "forky", FORKY_NODE_PACKAGES);

if (import.meta.url === pathToFileURL(process.argv[1]).href) console.log(forkyNodeRoot());
