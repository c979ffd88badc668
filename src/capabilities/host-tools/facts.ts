// The package that brings a command a minimal image may lack, per family.
import type { DistroInfo } from "../distro/identity.js";

/**
 * By family (Rocky 9 minimal and EL8 minimal have no tar); undefined where the
 * family needs no such package (Debian downloads with apt-helper when curl is absent).
 */
const TOOL_PACKAGES: Record<string, { el: string; debian?: string }> = {
  tar: { el: "tar", debian: "tar" },
  curl: { el: "curl" },
  // bake_rpm_key reads a repo key's fingerprint with gpg.
  gpg: { el: "gnupg2" },
  modprobe: { el: "kmod", debian: "kmod" },
  modinfo: { el: "kmod", debian: "kmod" },
  sysctl: { el: "procps-ng", debian: "procps" },
};

export function toolPackage(info: DistroInfo, command: string): string | undefined {
  return TOOL_PACKAGES[command]?.[info.family];
}
