// bake's library API: the CLI is a thin layer over these functions.
import { loadSpec as load, type LoadedSpec, type LoadOptions } from "./input/load.js";
import { validateSpec as validate, type ValidateOptions, type ValidationResult } from "./input/validate.js";
import { buildPlan } from "./plan/index.js";
import type { Plan } from "./plan/index.js";
import type { NodeSpec, SpecInput } from "./schema/node-spec.js";
import { renderCloudInit as cloudInit, type CloudInitOptions } from "./emit/cloud-init.js";
import { renderPackerScript as packer } from "./emit/packer.js";
import { renderFiles as files, type RenderedFile } from "./emit/files.js";

export { SpecError, formatDiagnostics, type Diagnostic, type SourcePosition } from "./report.js";
export { checkUserDataSize, gzip, takesGzipPayload, CLOUDS, CLOUD_LIMITS, type Cloud, type SizeCheck } from "./emit/size.js";
export type { CloudInitOptions };
export type { NodeSpec, SpecInput, Plan, RenderedFile, LoadedSpec, LoadOptions, ValidateOptions, ValidationResult };
export { NodeSpecSchema, inputSchema } from "./schema/node-spec.js";

/** Read a spec from a file, stdin ("-") or text, and apply --set overrides. */
export function loadSpec(options: LoadOptions = {}): LoadedSpec {
  return load(options);
}

/**
 * Check a spec and fill in defaults. Takes a loaded spec or a plain object
 * (SpecInput); throws SpecError listing every problem.
 */
export function validateSpec(spec: LoadedSpec | SpecInput, options: ValidateOptions = {}): ValidationResult {
  const loaded = isLoaded(spec) ? spec : { data: structuredClone(spec) as Record<string, unknown>, locate: () => undefined };
  return validate(loaded, options);
}

/** The files, steps and checks a node gets. */
export function plan(spec: NodeSpec): Plan {
  return buildPlan(spec);
}

export function renderCloudInit(p: Plan, options: CloudInitOptions = {}): string {
  return cloudInit(p, options);
}

export function renderPackerScript(p: Plan): string {
  return packer(p);
}

export function renderFiles(p: Plan): RenderedFile[] {
  return files(p);
}

function isLoaded(value: unknown): value is LoadedSpec {
  return typeof value === "object" && value !== null && "locate" in value && "data" in value;
}
