// Types of debian-containerd.mjs, which plain node reads before anything is built.
export declare const DEBIAN_CONTAINERDS: Record<"trixie" | "forky", string>;
export declare function debianContainerd(suite: "trixie" | "forky"): string;
export declare function fetchDebianContainerds(): string[];
export declare function withDebianPackages<T>(
  pkg: string,
  suites: string[],
  arch: string,
  use: (unpacked: Map<string, string>, work: string) => T,
): T;
