// From a spec (file, text or none) and --set overrides to a plan: load,
// validate, plan. The CLI's rendering commands and the library share it.
import { SpecError, type Diagnostic } from "./report.js";
import { loadSpec, type LoadOptions } from "./input/load.js";
import { validateSpec, type ValidateOptions } from "./input/validate.js";
import { plan, type Plan } from "./plan/index.js";

export interface PlannedSpec {
  plan: Plan;
  /** Validation warnings (under strict, warnings are errors and throw instead). */
  warnings: Diagnostic[];
}

/** Load, validate and plan; throws SpecError listing every problem. */
export function planSpec(options: LoadOptions & ValidateOptions = {}): PlannedSpec {
  const loaded = loadSpec(options);
  const { spec, warnings } = validateSpec(loaded, { strict: options.strict, today: options.today });
  if (loaded.empty) {
    // An empty file or stdin is more often a mistake (the wrong file, a failed pipe) than a choice.
    const source = options.file === "-" ? "the spec on stdin" : (options.file ?? "the spec text");
    const message = `${source} is empty or holds only comments, so the built-in defaults apply (distro ${spec.distro}); use --defaults to mean that`;
    if (options.strict)
      throw new SpecError([{ severity: "error", path: "", message: `${message} (an error under --strict)` }]);
    warnings.unshift({ severity: "warning", path: "", message });
  }
  return { plan: plan(spec), warnings };
}
