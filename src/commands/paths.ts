// Where the installed package keeps its shipped files, whatever the current directory is.
import { fileURLToPath } from "node:url";

/** The package root: dist/commands/ (or src/commands/ under vitest) is two levels down. */
export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The JSON Schema file the package ships (written by scripts/gen-schema.ts at build time). */
export const SCHEMA_FILE = fileURLToPath(new URL("../../schema/bake.schema.json", import.meta.url));
