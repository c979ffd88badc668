// `bake init`: a commented starter spec. Every key appears with its meaning
// (from the schema's descriptions) and its default for the distro, commented
// out so bake's defaults stay in force until the user chooses otherwise.
//   ## lines explain; "# key: value" lines are settings to uncomment.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { stringify } from "yaml";
import type { Distro } from "../spec/schema.js";
import { BAKE_VERSION } from "../version.js";
import { CommandError } from "./errors.js";
import { defaultOf, specKeys, type KeyInfo } from "./keys.js";
import { SCHEMA_FILE } from "./paths.js";
import { kubernetesChoices, type ChosenValue, type KubernetesRole } from "./init-kubernetes.js";

export interface InitOptions {
  distro: Distro;
  /** Where the spec will be written; decides the relative $schema path. "-" for stdout. */
  output: string;
  /** A $schema reference to use instead of the path to the installed package's file. */
  schema?: string;
  /** Write the kubernetes section uncommented for this role (bake init --kubernetes). */
  kubernetes?: KubernetesRole;
}

type Chosen = Record<string, ChosenValue>;

/** The $schema reference: the installed package's schema file, relative to the spec's folder. */
export function schemaReference(output: string, cwd = process.cwd()): string {
  const folder = output === "-" ? cwd : dirname(resolve(cwd, output));
  const rel = relative(folder, SCHEMA_FILE).split(sep).join("/");
  if (isAbsolute(rel)) return rel;
  return rel.startsWith("../") ? rel : `./${rel}`;
}

/** A value as one line of YAML: scalars quoted only when needed, lists and maps in flow style. */
function yamlValue(value: unknown): string {
  return stringify(value, { collectionStyle: "flow", lineWidth: 0 }).trimEnd();
}

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
  const schemaRef = options.schema ?? schemaReference(options.output);
  const chosen: Chosen = options.kubernetes ? kubernetesChoices(options.kubernetes, distro) : {};
  const out: string[] = [
    `# yaml-language-server: $schema=${schemaRef}`,
    `## bake node spec for ${distro}, written by bake ${BAKE_VERSION} (bake init).`,
    "## Every key is optional. A commented-out \"# key: value\" line shows bake's",
    `## default for ${distro}; uncomment it (and the sections above it) to change it.`,
    "## bake explain KEY   tells what a key does and which files and steps it changes.",
    "## bake validate -c FILE   checks this file; bake diff -c FILE   shows its effect.",
    "",
    "## " + specKeys().find((k) => k.path === "distro")!.description,
    `distro: ${distro}`,
  ];
  const topLevel = specKeys().filter((k) => k.segments.length === 1 && k.path !== "distro");
  for (const key of topLevel) emitKey(key, 0, out, distro, chosen);
  return out.join("\n") + "\n";
}

function emitKey(key: KeyInfo, depth: number, out: string[], distro: Distro, chosen: Chosen): void {
  const indent = "  ".repeat(depth);
  if (depth === 0) out.push("");
  for (const line of wrap(key.description, 76 - indent.length)) out.push(`${indent}## ${line}`);
  const name = yamlValue(key.segments[key.segments.length - 1]);
  if (key.section) {
    // A section holding a chosen value is written uncommented, so the value takes effect.
    const holdsChoice = Object.keys(chosen).some((path) => path.startsWith(`${key.path}.`));
    out.push(holdsChoice ? `${indent}${name}:` : `${indent}# ${name}:`);
    const children = specKeys().filter((k) => k.segments.length === key.segments.length + 1 && k.path.startsWith(`${key.path}.`));
    for (const child of children) emitKey(child, depth + 1, out, distro, chosen);
    return;
  }
  const choice = chosen[key.path];
  if (choice) {
    for (const line of choice.note) out.push(`${indent}## ${line}`);
    out.push(`${indent}${name}: ${yamlValue(choice.value)}`);
    return;
  }
  const value = defaultOf(key, distro);
  out.push(`${indent}# ${name}: ${yamlValue(value)}`);
  if (key.path === "containerd.registries") {
    out.push(`${indent}##   e.g. docker.io: {mirrors: [https://mirror.gcr.io]}`);
  }
}

/** Fail before writing when the target exists and --force was not given. */
export function checkWritable(output: string, force: boolean): void {
  if (output !== "-" && !force && existsSync(output)) {
    throw new CommandError(`${output} already exists; not overwriting it (use --force to replace it)`);
  }
}

/**
 * Write the starter spec; "-" prints it. Without force an existing file is an
 * error and is never touched ("wx" also closes the race with another writer).
 */
export function writeStarter(options: InitOptions & { force: boolean; writeAtomically: (path: string, text: string) => void }): void {
  checkWritable(options.output, options.force);
  const text = starterSpec(options);
  if (options.output === "-") {
    process.stdout.write(text);
    return;
  }
  if (options.force) return options.writeAtomically(options.output, text);
  mkdirSync(dirname(resolve(options.output)), { recursive: true });
  try {
    writeFileSync(options.output, text, { flag: "wx", mode: 0o644 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") checkWritable(options.output, false);
    throw error;
  }
}
