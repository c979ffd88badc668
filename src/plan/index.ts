// Plan: from a validated spec to the files, steps and checks a node gets.
// Each capability contributes; the order here is the order on the node.
import { distroInfo } from "../distro.js";
import type { NodeSpec } from "../spec/schema.js";
import { containerdConfig } from "./containerd.js";
import { crictl } from "./crictl.js";
import { kernel } from "./kernel.js";
import { kubernetes } from "./kubernetes.js";
import { packages } from "./packages.js";
import { registries } from "./registries.js";
import type { Contribution, Plan, PlanContext } from "./types.js";
import { verifyStep } from "./verify.js";

const CAPABILITIES: ((context: PlanContext) => Contribution)[] = [kernel, packages, containerdConfig, registries, crictl, kubernetes];

export function buildPlan(spec: NodeSpec): Plan {
  const context: PlanContext = {
    spec,
    distro: distroInfo(spec.distro),
    configVersion: spec.containerd.version.startsWith("1") ? 2 : 3,
  };
  const contributions = CAPABILITIES.map((capability) => capability(context));
  const files = contributions.flatMap((c) => c.files ?? []);
  const steps = contributions.flatMap((c) => c.steps ?? []);
  const checks = contributions.flatMap((c) => c.checks ?? []);
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.path)) throw new Error(`internal error: two capabilities write ${file.path}`);
    seen.add(file.path);
  }
  return { ...context, files, steps: [...steps, verifyStep(checks)] };
}

export type { Plan, PlannedFile, PlannedStep } from "./types.js";
