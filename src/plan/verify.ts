// The last step: prove the node is what the plan says, or fail provisioning.
import { lines, sh, ShellCode } from "../render/shell.js";
import type { PlannedCheck, PlannedStep } from "./types.js";

/**
 * One of a batch of checks that share their wording and test: `what` with {}
 * for the item (a key=value item reads "key = value"). Consecutive checks of
 * one batch render as one bake_check_each line.
 */
export function batchedCheck(what: string, test: string, item: string, slow = false): PlannedCheck {
  return {
    description: what.replace("{}", item.replace("=", " = ")),
    test: sh`${new ShellCode(test)} ${item}`,
    batch: { what, test, item },
    ...(slow && { slow }),
  };
}

/**
 * The steps with the checks placed: each check with startsAfter right after that
 * step, in the background, and the rest in verify, the last step, which waits
 * for them all. Checks run side by side in the order they are written, and print
 * in that order: slow ones first.
 */
export function withChecks(steps: PlannedStep[], planned: PlannedCheck[]): PlannedStep[] {
  // bake_checks_passed waits for the checks' pids; with none, a bare wait would wait for the log's tee forever.
  if (planned.length === 0) throw new Error("internal error: a plan without checks");
  const placed = steps.map((step) => {
    const early = planned.filter((c) => c.startsAfter === step.id);
    return early.length === 0 ? step : { ...step, run: lines(step.run, ...checkCalls(early)) };
  });
  for (const check of planned)
    if (check.startsAfter && !steps.some((s) => s.id === check.startsAfter))
      throw new Error(`internal error: check "${check.description}" starts after a step the plan lacks`);
  const rest = planned.filter((c) => !c.startsAfter);
  const verify: PlannedStep = {
    id: "verify",
    title: `check the node (${planned.length} checks)`,
    run: lines(...checkCalls(rest), sh`bake_checks_passed`),
    needs: [...new Set(planned.flatMap((c) => c.needs ?? []))],
  };
  return [...placed, verify];
}

function checkCalls(planned: PlannedCheck[]): ShellCode[] {
  const checks = [...planned.filter((c) => c.slow), ...planned.filter((c) => !c.slow)];
  const calls: ShellCode[] = [];
  for (let i = 0; i < checks.length; ) {
    const batch = checks[i]!.batch;
    if (!batch) {
      calls.push(sh`bake_check ${checks[i]!.description} ${checks[i]!.test}`);
      i++;
      continue;
    }
    const items: string[] = [];
    for (; i < checks.length && checks[i]!.batch?.what === batch.what && checks[i]!.batch?.test === batch.test; i++)
      items.push(checks[i]!.batch!.item);
    calls.push(sh`bake_check_each ${batch.what} ${batch.test} ${items}`);
  }
  return calls;
}
