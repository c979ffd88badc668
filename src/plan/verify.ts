// The last step: prove the node is what the plan says, or fail provisioning.
import { lines, sh } from "../render/shell.js";
import type { PlannedCheck, PlannedStep } from "./types.js";

export function verifyStep(checks: PlannedCheck[]): PlannedStep {
  return {
    id: "verify",
    title: `check the node (${checks.length} checks)`,
    run: lines(...checks.map((c) => sh`bake_check ${c.description} ${c.test}`), sh`bake_checks_passed`),
    needs: [...new Set(checks.flatMap((c) => c.needs ?? []))],
  };
}
