// Validate: the raw spec against the schema (ajv), then the rules a schema
// cannot say, then defaults. Data that failed validation is never used.
import type { ErrorObject } from "ajv";
import { unsupportedSystem } from "../capabilities/distro/unsupported.js";
import { closestMatch, hideUrlPasswords, SpecError, type Diagnostic, type RuleFinding } from "../report.js";

const shorten = (v: string) => (v.length > 60 ? v.slice(0, 57) + "..." : v);
import { formats } from "../schema/formats.js";
import { describeExpected } from "../schema/describe.js";
import type { NodeSpec, SpecInput } from "../schema/node-spec.js";
import { validate as generatedValidate } from "../schema/generated/validate-input.js";
import { defaultSpec, DEFAULT_DISTRO, mergeOver } from "./defaults.js";
import type { LoadedSpec } from "./loaded-spec.js";
import { displayPath, joinKey, quote, splitKey, type KeyPath } from "../schema/key-path.js";
import { containerdRules, proxyRules } from "../capabilities/containerd/rules.js";
import { crictlRules } from "../capabilities/crictl/rules.js";
import { packagesRules } from "../capabilities/packages/rules.js";
import { registryRules, verifyPullRules } from "../capabilities/registries/rules.js";
import { riskyValues } from "../capabilities/registries/risky-values.js";
import { followContainerd } from "../capabilities/containerd/defaults.js";
import { followKubernetes } from "../capabilities/kubernetes/defaults.js";
import { followPackages } from "../capabilities/packages/defaults.js";
import { kubernetesRules } from "../capabilities/kubernetes/rules.js";

// ajv's standalone code for schema/bake.schema.json with the formats of
// formats.ts, generated at build time (scripts/gen-validator.ts, options in
// scripts/validator-gen.ts) so that run time neither loads ajv's compiler nor compiles.
type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

function validator(): Validator {
  return generatedValidate as Validator;
}

export interface ValidationResult {
  spec: NodeSpec;
  warnings: Diagnostic[];
}

export interface ValidateOptions {
  /** Treat warnings as errors (bake --strict). */
  strict?: boolean;
  /**
   * The date (YYYY-MM-DD) the end-of-life warning of kubernetes.version reads; default
   * $BAKE_TODAY, else the clock's UTC date. Tests set it so that output stays the same.
   */
  today?: string;
}

/** The date of the end-of-life warning: `today`, $BAKE_TODAY or the clock's, checked as YYYY-MM-DD. */
export function todayOf(today = process.env.BAKE_TODAY): string {
  const date = today || new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    throw new SpecError([
      { severity: "error", path: "", message: `BAKE_TODAY must be a date as YYYY-MM-DD, not "${date}"` },
    ]);
  }
  return date;
}

/**
 * Check a spec and return it with defaults filled in; throws SpecError with
 * every problem. Takes a loaded spec (errors then carry file:line:column) or a
 * plain object.
 */
export function validateSpec(
  input: LoadedSpec | SpecInput,
  { strict = false, today }: ValidateOptions = {},
): ValidationResult {
  const loaded = isLoaded(input)
    ? input
    : { data: structuredClone(input) as Record<string, unknown>, locate: () => undefined };
  const validate = validator();
  const diagnostics: Diagnostic[] = [];
  if (!validate(loaded.data)) {
    for (const error of simplifyErrors(validate.errors ?? [])) diagnostics.push(toDiagnostic(error, loaded));
  }
  if (diagnostics.length > 0) throw new SpecError(sortByPosition(diagnostics));

  const spec = resolveDefaults(loaded.data);
  const found = checkRules(spec, loaded.data, todayOf(today)).map(({ target, ...d }) => {
    const path = splitKey(d.path);
    const position = loaded.locate(path, target ?? "value");
    return {
      ...d,
      path: displayPath(path),
      position: position && isSecretPath(path) ? { ...position, lineText: "" } : position,
    };
  });
  if (strict) {
    for (const d of found)
      if (d.severity === "warning")
        Object.assign(d, { severity: "error", message: `${d.message} (an error under --strict)` });
  }
  if (found.some((d) => d.severity === "error")) throw new SpecError(sortByPosition(found));
  return { spec, warnings: found };
}

function isLoaded(value: unknown): value is LoadedSpec {
  return typeof value === "object" && value !== null && "locate" in value && "data" in value;
}

function resolveDefaults(data: Record<string, unknown>): NodeSpec {
  const distro = (data.distro as NodeSpec["distro"] | undefined) ?? DEFAULT_DISTRO;
  const spec = mergeOver(defaultSpec(distro), data);
  for (const [host, registry] of Object.entries(spec.containerd.registries)) {
    spec.containerd.registries[host] = { server: "", mirrors: [], ...(registry as Partial<typeof registry>) };
  }
  followContainerd(spec, data);
  followPackages(spec, data);
  followKubernetes(spec, data);
  return spec;
}

function pointerToPath(pointer: string): KeyPath {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

// A union (anyOf) reports one error per branch; keep only what helps the user.
function simplifyErrors(errors: ErrorObject[]): ErrorObject[] {
  const unionPaths = new Set(errors.filter((e) => e.keyword === "anyOf").map((e) => e.instancePath));
  // An unknown or missing key means the value is a mapping and only the object
  // branch applies (a mirror object); a format error means it is a string and
  // only the string branch applies. Either says more than "matches no branch".
  const branchSpecific = (e: ErrorObject) =>
    e.keyword === "additionalProperties" || e.keyword === "required" || e.keyword === "format";
  const objectPaths = new Set(errors.filter(branchSpecific).map((e) => e.instancePath));
  return errors.filter((e) => {
    if (e.keyword === "anyOf") {
      // A deeper error (a bad url inside a mirror object) also says more.
      return (
        !objectPaths.has(e.instancePath) && !errors.some((other) => other.instancePath.startsWith(e.instancePath + "/"))
      );
    }
    if (e.keyword === "propertyNames") return false; // the format error under it names the key
    return !unionPaths.has(e.instancePath) || branchSpecific(e);
  });
}

const typeName = (v: unknown) =>
  v === null
    ? "null"
    : Array.isArray(v)
      ? "a list"
      : typeof v === "object"
        ? "a mapping"
        : typeof v === "string"
          ? "a string"
          : typeof v === "number"
            ? Number.isInteger(v)
              ? "an integer"
              : "a number"
            : `a ${typeof v}`;
// Passwords are cut out before truncating, so a cut can never expose part of one.
const shownValue = (v: unknown) =>
  typeof v === "string" ? quote(shorten(hideUrlPasswords(v))) : typeof v === "object" ? typeName(v) : String(v);

/** Registry header values and client keys are secrets: never echoed, not even in a code frame. */
function isSecretPath(path: KeyPath): boolean {
  const names = path.map(String);
  return (
    names.includes("header") ||
    (names.at(-2) === "client" && names.at(-1) === "key") ||
    (names.at(-1) === "client" && names.includes("registries"))
  );
}

function toDiagnostic(error: ErrorObject, loaded: LoadedSpec): Diagnostic {
  const path = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const schema = (error.parentSchema ?? {}) as Record<string, unknown>;
  const secret = isSecretPath(path);
  const shown = (v: unknown) => (secret ? "(secret value hidden)" : shownValue(v));
  const at = (p: KeyPath, target: "key" | "value", message: string): Diagnostic => {
    const position = loaded.locate(p, target);
    return {
      severity: "error",
      path: displayPath(p),
      message,
      position: position && isSecretPath(p) ? { ...position, lineText: "" } : position,
    };
  };
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((schema.properties ?? {}) as object);
      const suggestion = closestMatch(key, allowed);
      const hint = suggestion ? `; did you mean "${suggestion}"?` : `; allowed keys: ${allowed.join(", ")}`;
      return at([...path, key], "key", `unknown key ${quote(key)}${hint}`);
    }
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const suggestion = typeof error.data === "string" ? closestMatch(error.data, allowed) : undefined;
      const isDistro = path[path.length - 1] === "distro";
      const unsupported = isDistro ? unsupportedSystem(error.data) : undefined;
      if (unsupported) return at(path, "value", `${unsupported.name} is not supported: ${unsupported.why}`);
      const extra = isDistro ? " (AlmaLinux and RHEL: alma9, rhel9, ...)" : "";
      return at(
        path,
        "value",
        `${shown(error.data)} is not one of ${allowed.join(", ")}${extra}${suggestion ? `; did you mean "${suggestion}"?` : ""}`,
      );
    }
    case "format": {
      const keyError = error.propertyName !== undefined;
      const p = keyError ? [...path, error.propertyName!] : path;
      const expected = formats[String(params.format)]?.expected ?? String(params.format);
      const value = keyError ? error.propertyName : error.data;
      const why = typeof value === "string" && !secret ? formats[String(params.format)]?.explain?.(value) : undefined;
      return at(p, keyError ? "key" : "value", `${shown(value)} ${why ?? `is not ${expected}`}`);
    }
    case "type": {
      const quoteHint =
        schema.type === "string" && typeof error.data === "number" ? ` (quote it: "${String(error.data)}")` : "";
      return at(path, "value", `must be ${describeExpected(schema)}, not ${typeName(error.data)}${quoteHint}`);
    }
    case "minimum":
    case "maximum":
      return at(path, "value", `${shown(error.data)} is out of range: must be ${describeExpected(schema)}`);
    case "anyOf":
      return at(path, "value", `must be ${describeExpected(schema)}, not ${shown(error.data)}`);
    case "uniqueItems":
      return at(path, "value", `lists ${shown((error.data as unknown[])[params.j as number])} twice`);
    case "maxItems":
    case "minItems":
      return at(
        path,
        "value",
        `must have ${error.keyword === "maxItems" ? "at most" : "at least"} ${String(params.limit)} entries`,
      );
    case "required":
      return at(path, "value", `needs the key "${String(params.missingProperty)}"`);
    default:
      return at(path, "value", error.message ?? "is invalid");
  }
}

function sortByPosition(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.position?.line ?? 0) - (b.position?.line ?? 0) || (a.position?.column ?? 0) - (b.position?.column ?? 0),
  );
}

// ---- rules a schema cannot express, each capability's in turn; their paths are joined with joinKey

// In the order their findings have always been listed.
const RULES: ((spec: NodeSpec, raw: Record<string, unknown>, today: string) => RuleFinding[])[] = [
  containerdRules,
  registryRules,
  proxyRules,
  verifyPullRules,
  crictlRules,
  packagesRules,
  riskyFindings,
  kubernetesRules,
];

function checkRules(spec: NodeSpec, raw: Record<string, unknown>, today: string): RuleFinding[] {
  return RULES.flatMap((rule) => rule(spec, raw, today));
}

function riskyFindings(spec: NodeSpec): RuleFinding[] {
  return riskyValues(spec).map((risky) => ({
    severity: "warning",
    path: joinKey(risky.path),
    message: risky.message,
    target: risky.target,
  }));
}
