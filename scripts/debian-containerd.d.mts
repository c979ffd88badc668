// Types of debian-containerd.mjs, which plain node reads before anything is built.
export declare const DEBIAN_CONTAINERDS: Record<"trixie" | "forky", string>;
export declare function debianContainerd(suite: "trixie" | "forky"): string;
export declare function debianContainerdDeb(suite: "trixie" | "forky"): string;
export declare function fetchDebianContainerds(suites?: ("trixie" | "forky")[]): string[];
export declare function withDebianPackages<T>(
  pkg: string,
  suites: string[],
  arch: string,
  use: (unpacked: Map<string, string>, work: string, debs: Map<string, string>) => T,
): T;
