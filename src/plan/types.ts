// The plan: what a node gets, as files to write, steps to run and checks to
// pass. Emitters only decide how to write it down.
import type { DistroInfo } from "../capabilities/distro/identity.js";
import type { NodeSpec } from "../schema/node-spec.js";
import type { ShellCode } from "../render/shell.js";

export interface PlannedFile {
  path: string;
  content: string;
  /** Octal permission string, e.g. "0644". */
  mode: string;
  /** Spec keys this file is made from, for explain and diff. */
  from: string[];
  /**
   * Written aside, not where it takes effect: this step puts it there. An apt source
   * waits so for its key, since apt fails on a source whose key is absent.
   */
  installedBy?: string;
}

export interface PlannedStep {
  /** Short, stable name printed on success and failure, e.g. install-containerd. */
  id: string;
  title: string;
  run: ShellCode;
  /** Commands it runs that a minimal image may lack (see capabilities/host-tools/facts.ts). */
  needs?: string[];
}

export interface PlannedCheck {
  /** What a passing check proves, e.g. "containerd is active". */
  description: string;
  /** A command that succeeds when the check passes. */
  test: ShellCode;
  /** Commands it runs that a minimal image may lack. */
  needs?: string[];
  /**
   * It starts a Go program (containerd, crictl, kubeadm) or sudo: a second or more
   * under emulation. Slow checks start first, so the quick ones run beside them.
   */
  slow?: boolean;
  /**
   * It cannot pass before the reboot the plan may need (kubeadm's preflight on a node
   * still booted with cgroup v1): skipped, and said so, while that reboot is pending.
   */
  afterReboot?: boolean;
  /** Set by batchedCheck: the wording and test this check shares with others, and its own item. */
  batch?: { what: string; test: string; item: string };
}

/** A reboot the node may need to finish: the provisioner creates `marker` when it does. */
export interface PlannedReboot {
  marker: string;
  /** For messages, e.g. "cgroup v2". */
  reason: string;
}

/** What one capability contributes. */
export interface Contribution {
  files?: PlannedFile[];
  /** Steps that start work in the background (downloads) right after the host tools, to overlap the package install; a later step waits for it. */
  background?: PlannedStep[];
  steps?: PlannedStep[];
  checks?: PlannedCheck[];
  reboot?: PlannedReboot;
}

export interface Plan {
  spec: NodeSpec;
  distro: DistroInfo;
  /** containerd config schema version written: 2 for 1.x, 3 for 2.x. */
  configVersion: 2 | 3;
  files: PlannedFile[];
  steps: PlannedStep[];
  /** Set when a step may leave the node needing a reboot; emitters decide who reboots. */
  reboot?: PlannedReboot;
}

export interface PlanContext {
  spec: NodeSpec;
  distro: DistroInfo;
  configVersion: 2 | 3;
  /** containerd's package: its name, and the spec (name and version glob) the install asks for. */
  containerdPackage: { name: string; wanted: string };
}
