// From a spec (file, text or none) and --set overrides to a plan: load,
// validate, plan. The CLI's rendering commands and the library share it.
import type { Diagnostic } from "./report.js";
import { loadSpec, type LoadOptions } from "./input/load.js";
import { validateSpec, type ValidateOptions } from "./input/validate.js";
import { buildPlan, type Plan } from "./plan/index.js";

export interface PlannedSpec {
  plan: Plan;
  /** Validation warnings (under strict, warnings are errors and throw instead). */
  warnings: Diagnostic[];
}

/** Load, validate and plan; throws SpecError listing every problem. */
export function planSpec(options: LoadOptions & ValidateOptions = {}): PlannedSpec {
  const { spec, warnings } = validateSpec(loadSpec(options), { strict: options.strict });
  return { plan: buildPlan(spec), warnings };
}
