// containerd.verifyPull: the verify step pulls the sandbox image through
// hosts.toml when its registry has mirrors (auto), always, or never.
import { describe, expect, it } from "vitest";
import { validateSpec, type SpecInput } from "../src/index.js";
import { planFor } from "./helpers.js";

const MIRROR = { mirrors: ["https://mirror.example.com"] };

function pullCheck(input: SpecInput): string | undefined {
  const verify = planFor(input).steps.find((s) => s.id === "verify")!;
  return String(verify.run)
    .split("\n")
    .find((line) => line.includes("crictl pull"));
}

describe("the sandbox image pull check", () => {
  it("auto: on when the image's registry has mirrors, naming image and registry", () => {
    expect(pullCheck({ containerd: { registries: { "registry.k8s.io": MIRROR } } })).toBe(
      "bake_check 'registry.k8s.io/pause:3.10.1 pulls through the mirrors of registry.k8s.io (crictl pull)' bake_retry crictl pull registry.k8s.io/pause:3.10.1",
    );
  });

  it("auto: _default's mirrors count when the registry has no hosts.toml of its own", () => {
    expect(pullCheck({ containerd: { registries: { _default: MIRROR } } })).toContain(
      "pulls through the mirrors of registry.k8s.io",
    );
    expect(
      pullCheck({
        containerd: { registries: { _default: MIRROR, "registry.k8s.io": { server: "https://registry.k8s.io" } } },
      }),
    ).toBeUndefined();
  });

  it("auto: off without mirrors, or with mirrors for another registry only", () => {
    expect(pullCheck({})).toBeUndefined();
    expect(pullCheck({ containerd: { registries: { "docker.io": MIRROR } } })).toBeUndefined();
    expect(pullCheck({ containerd: { sandboxImage: "pause:3.10", registries: { "docker.io": MIRROR } } })).toContain(
      "pulls through the mirrors of docker.io",
    );
  });

  it("always pulls even without mirrors; never and crictl.install none leave it out", () => {
    expect(pullCheck({ containerd: { verifyPull: "always" } })).toContain(
      "'registry.k8s.io/pause:3.10.1 pulls (crictl pull)'",
    );
    expect(
      pullCheck({ containerd: { verifyPull: "never", registries: { "registry.k8s.io": MIRROR } } }),
    ).toBeUndefined();
    expect(
      pullCheck({ crictl: { install: "none" }, containerd: { registries: { "registry.k8s.io": MIRROR } } }),
    ).toBeUndefined();
  });

  it("always without crictl is an error at the key", () => {
    expect(() => validateSpec({ containerd: { verifyPull: "always" }, crictl: { install: "none" } })).toThrow(
      /containerd\.verifyPull: always needs crictl/,
    );
  });
});
