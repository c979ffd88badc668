// What the schema cannot say about crictl: a release tarball needs a checksum bake can trust.
import { ruleFindings, type RuleFinding } from "../../report.js";
import type { NodeSpec } from "../../schema/node-spec.js";
import { CRICTL_SHA256 } from "./releases.js";

/** The crictl section. */
export function crictlRules(spec: NodeSpec, raw: Record<string, unknown>): RuleFinding[] {
  const { out, error, warn } = ruleFindings();
  const cr = spec.crictl;
  if (cr.install === "release" && cr.sha256 === "" && !CRICTL_SHA256[cr.version]) {
    error(
      ["crictl", "sha256"],
      `bake has no built-in checksum for crictl ${cr.version}; set crictl.sha256 from the release's .sha256 file (built in: ${Object.keys(CRICTL_SHA256).join(", ")})`,
    );
  }
  const builtIn = CRICTL_SHA256[cr.version]?.[spec.arch];
  if (cr.install === "release" && cr.sha256 !== "" && builtIn && cr.sha256 !== builtIn && cr.url === "") {
    error(["crictl", "sha256"], `does not match the published checksum of crictl ${cr.version} for ${spec.arch}`);
  }
  // kubernetes.enabled switches install to package: a url or sha256 written for the tarball would be silently unused.
  for (const key of ["url", "sha256"] as const) {
    if (cr.install !== "release" && (raw.crictl as Record<string, unknown> | undefined)?.[key]) {
      warn(["crictl", key], `is unused with crictl.install: ${cr.install}`);
    }
  }
  return out;
}
