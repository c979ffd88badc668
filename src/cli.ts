#!/usr/bin/env node
import { loadBundle } from "./cli-bundle.js";

/** The bundle's file name in dist/, set by scripts/bundle-cli.ts. */
declare const BAKE_CLI_BUNDLE: string;

process.exitCode = await loadBundle(new URL(BAKE_CLI_BUNDLE, import.meta.url)).main(process.argv);
