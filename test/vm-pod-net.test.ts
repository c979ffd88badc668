// The host's reading of pod.sh's pod-net sections (test/vm/lib/pod-checks.ts), on report text
// shaped like a trixie boot's: what passes, and what each kind of broken pod network shows.
import { describe, expect, it } from "vitest";
import { inSubnet, missingCniPlugin, podNetBlockedProblems, podNetProblems } from "./vm/lib/pod-checks.js";
import { podNet, POD_NET_PTP_CONFLIST } from "./vm/lib/pod-fixture.js";

const MARKER = "bakeprobe 1: bake VM test workload";
const ID = (c: string) => c.repeat(64);

function pod(prefix: string, id: string): string {
  return [
    `${prefix}runp-exit: 0`,
    `${prefix}pod-id: ${ID(id)}`,
    `${prefix}create-exit: 0`,
    `${prefix}container-id: ${ID("c")}`,
    `${prefix}start-exit: 0`,
    `${prefix}container-state: CONTAINER_RUNNING`,
  ].join("\n");
}

const PASSING = [
  "expect: pass",
  "node-eth0: 10.0.2.15/24",
  pod("a-", "a"),
  "a-ip: 10.244.0.2",
  "a-eth0: 3: eth0    inet 10.244.0.2/16 brd 10.244.255.255 scope global eth0",
  pod("b-", "b"),
  "b-ip: 10.244.0.3",
  "ping-a-b-exit: 0",
  "ping-a-b: 3 packets transmitted, 3 packets received, 0% packet loss",
  "http-a-b-exit: 0",
  `http-a-b: ${MARKER}`,
  "http-a-registry-exit: 0",
  "http-a-registry: {}",
  "b-stopp-exit: 0",
  "b-rmp-exit: 0",
  "a-stopp-exit: 0",
  "a-rmp-exit: 0",
  "pods-left: 0",
  "containers-left: 0",
].join("\n");

/** trixie's containerd 1.7 searching its default /usr/lib/cni while the plugins are in /opt/cni/bin */
const NO_PLUGIN = [
  "expect: pass",
  "a-runp-exit: 1",
  "a-pod-id: ",
  'a-runp-stderr: time="2026-12-06T03:00:00Z" level=fatal msg="run pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \\"1234\\": plugin type=\\"loopback\\" failed (add): failed to find plugin \\"loopback\\" in path [/usr/lib/cni]"',
  "pods-left: 0",
  "containers-left: 0",
].join("\n");

const opts = { subnet: "10.244.0.0/16", marker: MARKER };

describe("pod-net report", () => {
  it("the fixture's conflist gives the network's name, the pods' subnet and the plugins a pod's setup runs", async () => {
    expect(await podNet()).toEqual({
      name: "bake-vm-pod-net",
      subnet: "10.244.0.0/16",
      plugins: ["loopback", "bridge", "host-local", "portmap"],
    });
  });
  it("the routed fixture is ptp, in a /24 of the same pod network", async () => {
    expect(await podNet(POD_NET_PTP_CONFLIST)).toEqual({
      name: "bake-vm-pod-ptp",
      subnet: "10.244.64.0/24",
      plugins: ["loopback", "ptp", "host-local", "portmap"],
    });
  });
  it("inSubnet compares the network bits only", () => {
    expect(inSubnet("10.244.0.2", "10.244.0.0/16")).toBe(true);
    expect(inSubnet("10.244.255.254", "10.244.0.0/16")).toBe(true);
    expect(inSubnet("10.245.0.2", "10.244.0.0/16")).toBe(false);
    expect(inSubnet("10.0.2.15", "10.244.0.0/16")).toBe(false);
    expect(inSubnet("", "10.244.0.0/16")).toBe(false);
  });
  it("two pods with CNI addresses that reach each other and the registry pass", () => {
    expect(podNetProblems(PASSING, opts)).toEqual([]);
  });
  it("pods on the node's network (the host's address) fail", () => {
    const hostNet = PASSING.replace(/10\.244\.0\.[23]/g, "10.0.2.15");
    expect(podNetProblems(hostNet, opts)).toEqual(
      expect.arrayContaining([
        "pod a's address '10.0.2.15' is not in 10.244.0.0/16",
        "pod a has the node's address 10.0.2.15",
        "both pods have the address 10.0.2.15",
      ]),
    );
  });
  it("lost packets, a failed HTTP request or no answer from the registry fail", () => {
    const dropped = PASSING.replace(", 3 packets received, 0%", ", 0 packets received, 100%")
      .replace("http-a-b-exit: 0", "http-a-b-exit: 1")
      .replace("http-a-registry: {}", "http-a-registry: wget: can't connect to remote host: No route to host");
    expect(podNetProblems(dropped, opts)).toHaveLength(3);
  });
  it("a runp that cannot find a CNI plugin fails, naming the plugin and the dirs searched", () => {
    const problems = podNetProblems(NO_PLUGIN, opts);
    expect(problems[0]).toContain('failed to find plugin \\"loopback\\" in path [/usr/lib/cni]');
    expect(missingCniPlugin(NO_PLUGIN)).toEqual({ plugin: "loopback", path: "/usr/lib/cni" });
    expect(missingCniPlugin(PASSING)).toBeUndefined();
  });
  it("a negative control passes only when the pods run with addresses and all three probes fail", () => {
    // what firewalld's reject shows: the pods are up, their packets go nowhere
    const blocked = PASSING.replace("expect: pass", "expect: fail")
      .replace(", 3 packets received, 0%", ", 0 packets received, 100%")
      .replace("ping-a-b-exit: 0", "ping-a-b-exit: 1")
      .replace("http-a-b-exit: 0", "http-a-b-exit: 1")
      .replace(`http-a-b: ${MARKER}`, "http-a-b: wget: can't connect to remote host (10.244.0.3): No route to host")
      .replace("http-a-registry-exit: 0", "http-a-registry-exit: 1")
      .replace("http-a-registry: {}", "http-a-registry: wget: can't connect to remote host: No route to host");
    expect(podNetBlockedProblems(blocked, opts)).toEqual([]);
    // traffic that passed is no negative control, nor is one whose pods never ran
    expect(podNetBlockedProblems(PASSING, opts)).toHaveLength(3);
    expect(podNetBlockedProblems(blocked.replace("http-a-registry-exit: 1", "http-a-registry-exit: 0"), opts)).toEqual([
      "http-a-registry exited '0', not failed: wget: can't connect to remote host: No route to host",
    ]);
    expect(podNetBlockedProblems(NO_PLUGIN, opts).length).toBeGreaterThan(3);
  });
});
