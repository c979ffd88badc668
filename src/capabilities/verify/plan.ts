// The last step: prove the node is what the plan says, or fail provisioning.
import { lines, sh, type ShellCode } from "../../render/shell.js";
import type { PlannedCheck, PlannedReboot, PlannedStep } from "../../plan/types.js";

/**
 * Checks run side by side in the order they are written, and print in that order: slow ones first.
 * With a reboot in the plan, an afterReboot check runs only once the reboot is no longer pending.
 */
export function verifyStep(planned: PlannedCheck[], reboot?: PlannedReboot): PlannedStep {
  const checks = [...planned.filter((c) => c.slow), ...planned.filter((c) => !c.slow)];
  // bake_checks_passed waits for the checks' pids; with none, a bare wait would wait for the log's tee forever.
  if (!checks.some((c) => !(reboot && c.afterReboot))) throw new Error("internal error: a plan without checks");
  const calls: ShellCode[] = [];
  for (let i = 0; i < checks.length; ) {
    const batch = checks[i]!.batch;
    if (!batch) {
      const { description, test, afterReboot } = checks[i]!;
      calls.push(
        reboot && afterReboot
          ? sh`bake_check_after_reboot ${reboot.marker} ${description} ${test}`
          : sh`bake_check ${description} ${test}`,
      );
      i++;
      continue;
    }
    const items: string[] = [];
    for (; i < checks.length && checks[i]!.batch?.what === batch.what && checks[i]!.batch?.test === batch.test; i++)
      items.push(checks[i]!.batch!.item);
    calls.push(sh`bake_check_each ${batch.what} ${batch.test} ${items}`);
  }
  return {
    id: "verify",
    title: `check the node (${checks.length} checks)`,
    run: lines(...calls, sh`bake_checks_passed`),
    needs: [...new Set(checks.flatMap((c) => c.needs ?? []))],
  };
}
