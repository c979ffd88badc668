// The first step: stop on a system the spec's distro and arch do not describe,
// before a repository or package meant for another system is touched.
import { sh } from "../../render/shell.js";
import type { NodeSpec } from "../../schema/node-spec.js";
import type { PlannedStep } from "../../plan/types.js";
import { MACHINES, SYSTEMS } from "./systems.js";

export function systemCheckStep(spec: NodeSpec): PlannedStep {
  const { id, version } = SYSTEMS[spec.distro];
  const machine = MACHINES[spec.arch];
  return {
    id: "system",
    title: `${spec.distro}/${spec.arch}`,
    run: sh`bake_system_is ${id} ${version} ${machine}`,
  };
}
