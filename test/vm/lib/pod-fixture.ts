// What a pod needs from outside the guest: a registry on the host holding a pause image under
// the name of the spec's sandbox image, and a workload image under a docker.io name. Both are
// test fixtures built by oci-image.ts (busybox), not the upstream images.
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Arch } from "./image.js";
import { buildImage, SLEEP_UNTIL_TERM, type OciImage } from "./oci-image.js";
import { startRegistry, type Registry } from "./registry.js";

export const SANDBOX_IMAGE = "registry.k8s.io/pause:3.10.1";
export const WORKLOAD_IMAGE = "docker.io/library/bakeprobe:1";
/** /etc/bakeprobe in the workload image: `crictl exec` prints it */
export const WORKLOAD_MARKER = "bakeprobe 1: bake VM test workload";

export interface PodImage {
  /** the name the guest uses */
  ref: string;
  /** repository and tag inside the mirror */
  repository: string;
  tag: string;
  image: OciImage;
}

export interface PodFixture {
  registry: Registry;
  sandbox: PodImage;
  workload: PodImage;
}

/** registry.k8s.io/pause:3.10.1 -> pause, 3.10.1; docker.io/library/x:1 -> library/x, 1 */
export function inMirror(ref: string): { repository: string; tag: string } {
  const m = /^[^/]+\/(.+):([^:/]+)$/.exec(ref);
  if (!m) throw new Error(`pod fixture: cannot split ${ref}`);
  return { repository: m[1]!, tag: m[2]! };
}

const images = new Map<Arch, Promise<[OciImage, OciImage]>>();

function fixtureImages(arch: Arch): Promise<[OciImage, OciImage]> {
  if (!images.has(arch))
    images.set(
      arch,
      Promise.all([
        buildImage({
          arch,
          entrypoint: SLEEP_UNTIL_TERM,
          files: { "etc/bake-vm-image": "pause stand-in (bake VM test fixture)\n" },
        }),
        buildImage({ arch, entrypoint: SLEEP_UNTIL_TERM, files: { "etc/bakeprobe": `${WORKLOAD_MARKER}\n` } }),
      ]),
    );
  return images.get(arch)!;
}

/** A registry of its own for one boot (its access log is that boot's), with both images pushed. */
export async function startPodFixture(name: string, arch: Arch = "amd64"): Promise<PodFixture> {
  const [pause, probe] = await fixtureImages(arch);
  const registry = await startRegistry(name);
  const sandbox = { ref: SANDBOX_IMAGE, ...inMirror(SANDBOX_IMAGE), image: pause };
  const workload = { ref: WORKLOAD_IMAGE, ...inMirror(WORKLOAD_IMAGE), image: probe };
  for (const i of [sandbox, workload]) await registry.push(i.repository, i.tag, i.image);
  return { registry, sandbox, workload };
}

/**
 * The pod network of pod.sh's pod_net: a CNI bridge with host-local addresses, the shape of
 * containerd's own example (script/setup/install-cni). A harness fixture, not bake's output: a
 * cluster's CNI writes its own. pod.sh installs it as /etc/cni/net.d/10-bake-vm.conflist.
 */
export const POD_NET_CONFLIST = join(dirname(fileURLToPath(import.meta.url)), "..", "guest", "pod-net.conflist");
/**
 * A routed pod network (issue 27 item 4): the ptp plugin, one veth per pod and a host route to it,
 * no bridge; the shape of Calico's cali* interfaces. Its range is a /24 of the pod network, as a
 * cluster's CNI gives each node one.
 */
export const POD_NET_PTP_CONFLIST = join(dirname(POD_NET_CONFLIST), "pod-net-ptp.conflist");

export interface PodNet {
  /** the network's name, as containerd lists it in crictl info */
  name: string;
  /** the subnet pods get their addresses from (the bridge plugin's host-local range) */
  subnet: string;
  /** the plugin binaries a pod's setup runs: containerd's own loopback, the chain's and their IPAM's */
  plugins: string[];
}

interface Conflist {
  name?: string;
  plugins?: { type: string; ipam?: { type: string; ranges?: { subnet: string }[][] } }[];
}

export async function podNet(file = POD_NET_CONFLIST): Promise<PodNet> {
  const conf: Conflist = JSON.parse(await readFile(file, "utf8"));
  const subnet = conf.plugins?.[0]?.ipam?.ranges?.[0]?.[0]?.subnet;
  if (!conf.name || !subnet) throw new Error(`${file}: no name, or no ipam range in its first plugin`);
  const plugins = (conf.plugins ?? []).flatMap((p) => [p.type, ...(p.ipam ? [p.ipam.type] : [])]);
  return { name: conf.name, subnet, plugins: ["loopback", ...plugins] };
}
