// `bake init`: a commented starter spec. Every key appears with its meaning
// (from the schema's descriptions) and its default for the distro, commented
// out so bake's defaults stay in force until the user chooses otherwise.
//   ## lines explain; "# key: value" lines are settings to uncomment.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { stringify } from "yaml";
import type { Distro } from "../schema/node-spec.js";
import { BAKE_VERSION } from "../version.js";
import { CommandError } from "./errors.js";
import { specKeys, type KeyInfo } from "../schema/keys.js";
import { defaultOf } from "../input/defaults.js";
import { SCHEMA_FILE } from "../schema/shipped.js";
import { profileValues, type Profile, type ProfileValue } from "./profiles.js";
import { kubernetesChoices, type KubernetesRole } from "../capabilities/kubernetes/init.js";

interface InitOptions {
  distro: Distro;
  /** Where the spec will be written; "-" for stdout. */
  output: string;
  /** A $schema reference (a published URL) to use instead of the schema file written beside the spec. */
  schema?: string;
  /** Write this profile's values uncommented (bake init --profile cn). */
  profile?: Profile;
  /** Write the kubernetes section uncommented for this role (bake init --kubernetes). */
  kubernetes?: KubernetesRole;
}

type Chosen = Record<string, ProfileValue>;

/**
 * init writes the schema beside the spec and names it relatively, so the
 * reference survives moving the folder and upgrading or removing bake (a path
 * into bake's install folder did not).
 */
const SCHEMA_BESIDE = "bake.schema.json";

const schemaPathFor = (output: string) => join(dirname(output), SCHEMA_BESIDE);

/** A value as one line of YAML: scalars quoted only when needed, lists and maps in flow style. */
function yamlValue(value: unknown): string {
  return stringify(value, { collectionStyle: "flow", lineWidth: 0 }).trimEnd();
}

/** A TOML key: bare when it can be, else a basic string ("docker.io", sysctl names). */
const tomlKey = (key: string) => (/^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key));

/** A value as one line of TOML; maps become inline tables. JSON's string escapes are all valid TOML. */
function tomlValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => `${tomlKey(k)} = ${tomlValue(v)}`);
    return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
  }
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** How the starter spec is spelled: YAML for bake.yaml, TOML for a .toml path. */
interface SpecFormat {
  schemaLine(ref: string): string;
  /** One `key: value` (or `key = value`) line, without indent or comment mark. */
  assign(name: string, value: unknown): string;
  /** A chosen map (registries) as lines under indent. */
  map(name: string, value: unknown, indent: string): string[];
  /** A section's opening line; a section holding no chosen value is commented out. */
  section(key: KeyInfo, open: boolean, indent: string): string;
  /** The order of a section's keys: TOML needs a table's own keys before its sub-tables. */
  order(keys: KeyInfo[]): KeyInfo[];
  /** A registries entry, shown under the commented-out default. */
  registryExample: string;
}

const YAML_FORMAT: SpecFormat = {
  schemaLine: (ref) => `# yaml-language-server: $schema=${ref}`,
  assign: (name, value) => `${yamlValue(name)}: ${yamlValue(value)}`,
  // A map (registries) reads better as a block than as one flow line.
  map: (name, value, indent) => [
    `${indent}${yamlValue(name)}:`,
    ...stringify(value, { lineWidth: 0 })
      .trimEnd()
      .split("\n")
      .map((line) => `${indent}  ${line}`),
  ],
  section: (key, open, indent) => `${indent}${open ? "" : "# "}${yamlValue(key.segments.at(-1))}:`,
  order: (keys) => keys,
  registryExample: "docker.io: {mirrors: [https://mirror.gcr.io]}",
};

const TOML_FORMAT: SpecFormat = {
  // The directive Taplo (VS Code's Even Better TOML) reads, as yaml-language-server's for YAML.
  schemaLine: (ref) => `#:schema ${ref}`,
  assign: (name, value) => `${tomlKey(name)} = ${tomlValue(value)}`,
  map: (name, value, indent) => [`${indent}${tomlKey(name)} = ${tomlValue(value)}`],
  section: (key, open, indent) =>
    `${indent}${open ? "" : "# "}[${key.segments.map((s) => tomlKey(String(s))).join(".")}]`,
  order: (keys) => [...keys.filter((k) => !k.section), ...keys.filter((k) => k.section)],
  registryExample: '"docker.io" = { mirrors = ["https://mirror.gcr.io"] }',
};

/** TOML for a .toml path, so that bake reads back what init wrote; YAML otherwise (and for stdout). */
const formatFor = (output: string): SpecFormat => (output.endsWith(".toml") ? TOML_FORMAT : YAML_FORMAT);

const wrap = (text: string, width: number): string[] => {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
};

/** The starter spec's text. */
export function starterSpec(options: InitOptions): string {
  const { distro } = options;
  const format = formatFor(options.output);
  const schemaRef = options.schema ?? `./${SCHEMA_BESIDE}`;
  const chosen: Chosen = {
    ...(options.profile ? profileValues(options.profile, distro, options.kubernetes !== undefined) : {}),
    ...(options.kubernetes ? kubernetesChoices(options.kubernetes) : {}),
  };
  const out: string[] = [
    format.schemaLine(schemaRef),
    `## bake node spec for ${distro}, written by bake ${BAKE_VERSION} (bake init${options.profile ? ` --profile ${options.profile}` : ""}).`,
    ...(options.profile
      ? [`## Profile ${options.profile}: the uncommented keys below are its values; each says why.`]
      : []),
    `## Every key is optional. A commented-out "# ${format.assign("key", "value").replace(/"/g, "")}" line shows bake's`,
    `## default for ${distro}; uncomment it (and the sections above it) to change it.`,
    "## bake explain KEY   tells what a key does and which files and steps it changes.",
    "## bake validate   checks this file (./bake.yaml is read when no spec is named);",
    "## bake diff   shows its effect on the node, against the defaults.",
    "",
    "## " + specKeys().find((k) => k.path === "distro")!.description,
    format.assign("distro", distro),
  ];
  const topLevel = specKeys().filter((k) => k.segments.length === 1 && k.path !== "distro");
  for (const key of format.order(topLevel)) emitKey(key, 0, out, { distro, chosen, format });
  return out.join("\n") + "\n";
}

interface EmitContext {
  distro: Distro;
  chosen: Chosen;
  format: SpecFormat;
}

function emitKey(key: KeyInfo, depth: number, out: string[], context: EmitContext): void {
  const { distro, chosen, format } = context;
  const indent = "  ".repeat(depth);
  if (depth === 0) out.push("");
  for (const line of wrap(key.description, 76 - indent.length)) out.push(`${indent}## ${line}`);
  const name = String(key.segments[key.segments.length - 1]);
  if (key.section) {
    // A section holding a chosen value is written uncommented, so the value takes effect.
    const holdsChoice = Object.keys(chosen).some((path) => path.startsWith(`${key.path}.`));
    out.push(format.section(key, holdsChoice, indent));
    const children = specKeys().filter(
      (k) => k.segments.length === key.segments.length + 1 && k.path.startsWith(`${key.path}.`),
    );
    for (const child of format.order(children)) emitKey(child, depth + 1, out, context);
    return;
  }
  const choice = chosen[key.path];
  if (choice) {
    for (const line of choice.note) out.push(`${indent}## ${line}`);
    if (typeof choice.value !== "object") out.push(`${indent}${format.assign(name, choice.value)}`);
    else out.push(...format.map(name, choice.value, indent));
    return;
  }
  out.push(`${indent}# ${format.assign(name, defaultOf(key, distro))}`);
  if (key.path === "containerd.registries") {
    out.push(`${indent}##   e.g. ${format.registryExample}`);
  }
}

/** Fail before writing when the target exists and --force was not given. */
function checkWritable(output: string, force: boolean): void {
  if (output !== "-" && !force && existsSync(output)) {
    throw new CommandError(`${output} already exists; not overwriting it (use --force to replace it)`);
  }
}

/**
 * Write the starter spec, and the schema beside it unless --schema names one;
 * "-" prints the spec only. Without force an existing spec, or a schema file
 * that differs from this bake's, is an error and neither file is touched ("wx"
 * also closes the race with another writer). The same schema is left as it is.
 * Returns the schema file written, if any.
 */
export function writeStarter(
  options: InitOptions & { force: boolean; writeOutput: (path: string, text: string) => void },
): string | undefined {
  checkWritable(options.output, options.force);
  const text = starterSpec(options);
  if (options.output === "-") {
    process.stdout.write(text);
    return undefined;
  }
  let schemaWritten: string | undefined;
  if (options.schema === undefined) {
    const schemaPath = schemaPathFor(options.output);
    const schema = readFileSync(SCHEMA_FILE, "utf8");
    const current = existsSync(schemaPath) ? readFileSync(schemaPath, "utf8") : undefined;
    if (current !== undefined && current !== schema && !options.force) {
      throw new CommandError(
        `${schemaPath} already exists and is not this bake's schema; not overwriting it (use --force to replace it, or --schema to name another)`,
      );
    }
    if (current !== schema) {
      options.writeOutput(schemaPath, schema);
      schemaWritten = schemaPath;
    }
  }
  writeSpec(options, text);
  return schemaWritten;
}

function writeSpec(
  options: InitOptions & { force: boolean; writeOutput: (path: string, text: string) => void },
  text: string,
): void {
  if (options.force) {
    options.writeOutput(options.output, text);
    return;
  }
  mkdirSync(dirname(resolve(options.output)), { recursive: true });
  try {
    writeFileSync(options.output, text, { flag: "wx", mode: 0o644 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") checkWritable(options.output, false);
    throw error;
  }
}
