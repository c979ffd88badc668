#!/usr/bin/env node
import { loadBundle } from "./cli-bundle.js";

/** The bundle's file name in dist/, set by scripts/bundle-cli.ts. */
declare const BAKE_CLI_BUNDLE: string;

// A reader that quits early (bake cloud-init | head) closes the pipe: stop quietly with
// 141, as a tool killed by SIGPIPE does, not with a stack trace.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(141);
  throw error;
});

process.exitCode = await loadBundle(new URL(BAKE_CLI_BUNDLE, import.meta.url)).main(process.argv);
