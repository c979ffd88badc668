// The commands a minimal image may lack, installed before the first step that
// runs them: only those the plan's steps need, only when missing, in one call.
import type { DistroInfo } from "../distro/identity.js";
import { toolPackage } from "./facts.js";
import { sh } from "../../render/shell.js";
import type { PlannedStep } from "../../plan/types.js";

export function hostToolsStep(distro: DistroInfo, steps: PlannedStep[]): PlannedStep | undefined {
  const needed = new Map<string, string>();
  for (const command of steps.flatMap((s) => s.needs ?? [])) {
    const pkg = toolPackage(distro, command);
    if (pkg !== undefined) needed.set(command, pkg);
  }
  if (needed.size === 0) return undefined;
  // A command its package names alike goes alone: bake_install_missing_tools reads tar as tar=tar.
  const pairs = [...needed].map(([command, pkg]) => (command === pkg ? command : `${command}=${pkg}`));
  return {
    id: "host-tools",
    title: `install what is missing of: ${[...new Set(needed.values())].join(" ")}`,
    run: sh`bake_install_missing_tools ${pairs}`,
  };
}
