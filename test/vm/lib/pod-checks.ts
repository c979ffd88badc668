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

/** runp, create and start succeeded and the container runs (keys after `prefix`: pod.sh's pod_up). */
export function podUpProblems(section: string, prefix = ""): string[] {
  const v = (key: string) => kv(section, `${prefix}${key}`);
  const problems: string[] = [];
  if (v("runp-exit") !== "0") problems.push(`${prefix}crictl runp exited ${v("runp-exit")}: ${v("runp-stderr") ?? ""}`);
  if (!/^[0-9a-f]{64}$/.test(v("pod-id") ?? "")) problems.push(`${prefix}no pod id`);
  if (v("create-exit") !== "0") problems.push(`${prefix}crictl create exited ${v("create-exit")}`);
  if (v("start-exit") !== "0") problems.push(`${prefix}crictl start exited ${v("start-exit")}`);
  if (v("container-state") !== "CONTAINER_RUNNING") problems.push(`${prefix}container state ${v("container-state")}`);
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

/** The pods (the keys' prefixes: "" for the one pod of pod-down, "a-" and "b-" in pod-net) and their containers are gone. */
export function podDownProblems(section: string, prefixes = [""]): string[] {
  const want = [...prefixes.flatMap((p) => [`${p}stopp-exit`, `${p}rmp-exit`]), "pods-left", "containers-left"];
  return want.filter((key) => kv(section, key) !== "0").map((key) => `${key}: ${kv(section, key)} (want 0)`);
}

/** An IPv4 address lies inside a CIDR ("10.88.0.0/16"). */
export function inSubnet(ip: string, cidr: string): boolean {
  const num = (a: string) => {
    const parts = a.split(".").map(Number);
    if (parts.length !== 4 || parts.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) return undefined;
    return parts.reduce((acc, n) => acc * 256 + n, 0);
  };
  const [net, bits] = cidr.split("/");
  const a = num(ip);
  const n = num(net ?? "");
  if (a === undefined || n === undefined) return false;
  const size = 2 ** (32 - Number(bits));
  return Math.floor(a / size) === Math.floor(n / size);
}

/**
 * pod.sh's pod_net, traffic expected to pass: both pods run with an address from the CNI's subnet
 * (not the node's), a reaches b over ICMP and TCP, a reaches the host's registry, and both pods are
 * removed. `marker` is what b serves: the workload image's /etc/bakeprobe.
 */
export function podNetProblems(section: string, opts: { subnet: string; marker: string }): string[] {
  const problems = [...podUpProblems(section, "a-"), ...podUpProblems(section, "b-")];
  const node = kv(section, "node-eth0")?.split("/")[0];
  const ips = ["a-ip", "b-ip"].map((key) => kv(section, key) ?? "");
  for (const [i, ip] of ips.entries()) {
    if (!inSubnet(ip, opts.subnet)) problems.push(`pod ${"ab"[i]}'s address '${ip}' is not in ${opts.subnet}`);
    if (ip === node) problems.push(`pod ${"ab"[i]} has the node's address ${ip}`);
  }
  if (ips[0] === ips[1]) problems.push(`both pods have the address ${ips[0]}`);
  if (!kv(section, "a-eth0")?.includes(` ${ips[0]}/`))
    problems.push(`pod a's eth0 is not ${ips[0]}: ${kv(section, "a-eth0")}`);
  if (kv(section, "ping-a-b-exit") !== "0" || !/ 0% packet loss/.test(kv(section, "ping-a-b") ?? ""))
    problems.push(`ping a -> b exited ${kv(section, "ping-a-b-exit")}: ${kv(section, "ping-a-b")}`);
  if (kv(section, "http-a-b-exit") !== "0" || kv(section, "http-a-b") !== opts.marker)
    problems.push(`HTTP a -> b exited ${kv(section, "http-a-b-exit")}: ${kv(section, "http-a-b")}`);
  if (kv(section, "http-a-registry-exit") !== "0" || kv(section, "http-a-registry") !== "{}")
    problems.push(
      `HTTP a -> registry exited ${kv(section, "http-a-registry-exit")}: ${kv(section, "http-a-registry")}`,
    );
  return [...problems, ...podDownProblems(section, ["a-", "b-"])];
}

/** The CNI plugin libcni could not find, and the dirs it searched, from a failed runp (pod a of pod_net). */
export function missingCniPlugin(section: string): { plugin: string; path: string } | undefined {
  const stderr = [...section.matchAll(/^a-runp-stderr: (.*)$/gm)].map((m) => m[1]).join("\n");
  // logrus quotes the gRPC message, so the plugin's own quotes arrive escaped
  const m = /failed to find plugin \\?"([\w-]+)\\?" in path \[([^\]]*)\]/.exec(stderr);
  return m ? { plugin: m[1]!, path: m[2]! } : undefined;
}

/**
 * pod.sh's pod_net, traffic expected not to pass (a negative control): both pods run with an
 * address from the subnet, so what fails is the traffic, not the pods' setup; then a's ping to b,
 * its HTTP request to b and its request to the host's registry each fail, and both pods are removed.
 */
export function podNetBlockedProblems(section: string, opts: { subnet: string }): string[] {
  const problems = [...podUpProblems(section, "a-"), ...podUpProblems(section, "b-")];
  for (const key of ["a-ip", "b-ip"]) {
    const ip = kv(section, key) ?? "";
    if (!inSubnet(ip, opts.subnet)) problems.push(`${key} '${ip}' is not in ${opts.subnet}`);
  }
  for (const probe of ["ping-a-b", "http-a-b", "http-a-registry"]) {
    const exit = kv(section, `${probe}-exit`) ?? "";
    if (!/^[1-9]\d*$/.test(exit)) problems.push(`${probe} exited '${exit}', not failed: ${kv(section, probe)}`);
  }
  return [...problems, ...podDownProblems(section, ["a-", "b-"])];
}
