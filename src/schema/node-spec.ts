// The one schema of the node spec. It gives the TypeScript types (Static), the
// validator (ajv, see validate.ts), the JSON Schema for editors and `bake explain`.
// It describes the resolved spec; the file a user writes may omit any key
// (inputSchema drops every "required"), and defaults.ts fills the gaps.
import type { Static, TSchema } from "@sinclair/typebox";
import { containerdSection } from "../capabilities/containerd/spec.js";
import { CrictlSection } from "../capabilities/crictl/spec.js";
import { KernelSection } from "../capabilities/kernel/spec.js";
import { KubernetesSection } from "../capabilities/kubernetes/spec.js";
import { PackagesSection } from "../capabilities/packages/spec.js";
import { RegistriesSection } from "../capabilities/registries/spec.js";
import { obj, oneOf } from "./build.js";
import { DISTROS } from "../capabilities/distro/names.js";

export { DISTROS };

export const NodeSpecSchema = obj(
  {
    distro: oneOf(
      DISTROS,
      "Target OS. alma*/rhel* behave as rocky*; alinux3 and anolis8 as rocky8, on their own system. openEuler is not supported (bake explain distro).",
    ),
    arch: oneOf(["amd64", "arm64"], "CPU architecture; picks the crictl tarball."),
    kernel: KernelSection,
    packages: PackagesSection,
    containerd: containerdSection(RegistriesSection),
    crictl: CrictlSection,
    kubernetes: KubernetesSection,
  },
  "bake node spec.",
);

export type NodeSpec = Static<typeof NodeSpecSchema>;
export type Distro = NodeSpec["distro"];
export type RegistrySpec = NodeSpec["containerd"]["registries"][string];
export type MirrorSpec = RegistrySpec["mirrors"][number];

type DeepPartial<T> = T extends (infer U)[] ? U[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
export type SpecInput = DeepPartial<NodeSpec>;

/** The schema of what a user may write: the same, with every key optional. */
export function inputSchema(): TSchema {
  return dropRequired(NodeSpecSchema) as TSchema;
}

function dropRequired(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(dropRequired);
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "required") continue;
    // Array items (mirror objects) keep their own "required": a mirror needs a url.
    out[key] = key === "items" ? value : dropRequired(value);
  }
  return out;
}
