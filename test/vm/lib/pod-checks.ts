// What pod.sh's report must show, as functions that list the problems they find. The suite
// asserts an empty list on the node bake made, and a non-empty one on the deliberately broken
// node of the negative controls (no hosts.toml, SystemdCgroup = false, wrong sandbox image).
import type { PodImage } from "./pod-fixture.js";

/** The value of the last "key: value" line in a report section. */
export function kv(section: string, key: string): string | undefined {
  const all = [...section.matchAll(new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: ?(.*)$`, "gm"))];
  return all.at(-1)?.[1]?.trim();
}

/**
 * The guest's containerd fetched the image's manifest and layer from the mirror, as the mirror
 * of the image's own registry: containerd adds ?ns=<that registry> to requests made through hosts.toml.
 */
export function mirrorPullProblems(accessLog: string[], img: PodImage): string[] {
  const ns = `ns=${img.ref.split("/")[0]}`;
  const byContainerd = accessLog.filter((l) => /"containerd\//.test(l) && / 200 \d+ /.test(l));
  const got = (methods: string, path: string) =>
    byContainerd.some((l) => new RegExp(`"(${methods}) ${path}\\?${ns} HTTP/1\\.1"`).test(l));
  const problems: string[] = [];
  if (!got("GET|HEAD", `/v2/${img.repository}/manifests/${img.tag}`))
    problems.push(`no containerd request for ${img.repository}:${img.tag}'s manifest (${ns}) in the registry's log`);
  if (!got("GET", `/v2/${img.repository}/blobs/${img.image.layerDigest}`))
    problems.push(`no containerd GET of ${img.ref}'s layer (${ns}) in the registry's log`);
  return problems;
}

/** runp, create and start succeeded and the container runs. */
export function podUpProblems(section: string): string[] {
  const problems: string[] = [];
  if (kv(section, "runp-exit") !== "0")
    problems.push(`crictl runp exited ${kv(section, "runp-exit")}: ${kv(section, "runp-stderr") ?? ""}`);
  if (!/^[0-9a-f]{64}$/.test(kv(section, "pod-id") ?? "")) problems.push("no pod id");
  if (kv(section, "create-exit") !== "0") problems.push(`crictl create exited ${kv(section, "create-exit")}`);
  if (kv(section, "start-exit") !== "0") problems.push(`crictl start exited ${kv(section, "start-exit")}`);
  if (kv(section, "container-state") !== "CONTAINER_RUNNING")
    problems.push(`container state ${kv(section, "container-state")}`);
  return problems;
}

/**
 * The kubelet's systemd cgroup driver and containerd's SystemdCgroup must agree: under
 * cgroup_parent kubepods.slice, containerd's systemd driver puts the container into a
 * transient scope unit, the cgroupfs driver into a plain directory.
 */
export function systemdCgroupProblems(section: string): string[] {
  const id = kv(section, "container-id") ?? "";
  const cgroup = kv(section, "container-cgroup") ?? "";
  const want = `0::/kubepods.slice/cri-containerd-${id}.scope`;
  return cgroup === want ? [] : [`container cgroup is '${cgroup}', not the systemd scope '${want}'`];
}

/** The pod and its container are gone. */
export function podDownProblems(section: string): string[] {
  const problems: string[] = [];
  for (const [key, want] of [
    ["stopp-exit", "0"],
    ["rmp-exit", "0"],
    ["pods-left", "0"],
    ["containers-left", "0"],
  ] as const) {
    if (kv(section, key) !== want) problems.push(`${key}: ${kv(section, key)} (want ${want})`);
  }
  return problems;
}
