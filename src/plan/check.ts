// What a capability's plan uses to write a check that batches with its kind.
import { sh, ShellCode } from "../render/shell.js";
import type { PlannedCheck } from "./types.js";

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
