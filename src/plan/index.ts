// Plan: from a validated spec to the files, steps and checks a node gets.
// Each capability contributes; the order here is the order on the node.
import { distroInfo } from "../capabilities/distro/identity.js";
import { containerdPackage, containerdPackageName } from "../capabilities/containerd/facts.js";
import type { NodeSpec } from "../schema/node-spec.js";
import { containerdConfig } from "../capabilities/containerd/plan.js";
import { crictl } from "../capabilities/crictl/plan.js";
import { systemCheckStep } from "../capabilities/distro/plan.js";
import { hostToolsStep } from "../capabilities/host-tools/plan.js";
import { kernel, sysctl } from "../capabilities/kernel/plan.js";
import { kubernetes, kubernetesRepo } from "../capabilities/kubernetes/plan.js";
import { packages } from "../capabilities/packages/plan.js";
import { proxyStep } from "../capabilities/containerd/proxy.js";
import { registries, sandboxPull } from "../capabilities/registries/plan.js";
import type { Contribution, Plan, PlanContext, PlannedStep } from "./types.js";
import { verifyStep } from "../capabilities/verify/plan.js";

const CAPABILITIES: ((context: PlanContext) => Contribution)[] = [
  kernel,
  kubernetesRepo,
  packages,
  sysctl,
  containerdConfig,
  registries,
  crictl,
  kubernetes,
  sandboxPull,
];

export function plan(spec: NodeSpec): Plan {
  const distro = distroInfo(spec.distro);
  const { source, version } = spec.containerd;
  const context: PlanContext = {
    spec,
    distro,
    configVersion: version.startsWith("1") ? 2 : 3,
    containerdPackage: { name: containerdPackageName(source), wanted: containerdPackage(distro, source, version) },
  };
  const contributions = CAPABILITIES.map((capability) => capability(context));
  const files = contributions.flatMap((c) => c.files ?? []);
  const background = contributions.flatMap((c) => c.background ?? []);
  const steps = contributions.flatMap((c) => c.steps ?? []);
  const checks = contributions.flatMap((c) => c.checks ?? []);
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.path)) throw new Error(`internal error: two capabilities write ${file.path}`);
    seen.add(file.path);
    if (file.installedBy && !steps.some((s) => s.id === file.installedBy))
      throw new Error(`internal error: ${file.path} is installed by a step the plan lacks`);
  }
  const reboot = contributions.find((c) => c.reboot)?.reboot;
  const verify = verifyStep(checks, reboot);
  const tools = hostToolsStep(context.distro, [...background, ...steps, verify]);
  const first = [systemCheckStep(spec), proxyStep(spec), tools].filter((s): s is PlannedStep => s !== undefined);
  return { ...context, files, steps: [...first, ...background, ...steps, verify], ...(reboot && { reboot }) };
}

export type { Plan, PlannedFile, PlannedReboot, PlannedStep } from "./types.js";
