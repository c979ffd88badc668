// verify runs its checks four at a time in the order they are written. Those that
// start a Go program or sudo take a second or more under emulation, so they are
// written first: they start at once and the quick checks run beside them.
import { describe, expect, it } from "vitest";
import { planFor } from "./helpers.js";

const SLOW = /bake_config_dump_has|bake_cri_answers|bake_sudo_finds|crictl pull|bake_kubeadm|bake_images_present/;

function verifyLines(input: Parameters<typeof planFor>[0]): string[] {
  const verify = planFor(input).steps.find((s) => s.id === "verify")!;
  return String(verify.run)
    .split("\n")
    .filter((l) => /^bake_check(_each)? /.test(l));
}

describe("verify's order", () => {
  it.each([
    ["the default node", {}],
    ["a kubeadm-ready control plane", { kubernetes: { enabled: true, role: "control-plane" } }],
    [
      "a mirrored registry with its pull check",
      { containerd: { registries: { "docker.io": { mirrors: ["https://m.example"] } } } },
    ],
  ] as const)("%s: every slow check comes before every quick one", (_, input) => {
    const lines = verifyLines(input as Parameters<typeof planFor>[0]);
    const slow = lines.map((l) => SLOW.test(l));
    expect(slow.indexOf(false)).toBeGreaterThan(0);
    expect(slow.slice(slow.indexOf(false))).not.toContain(true);
  });
});
