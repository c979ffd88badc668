// Types of debian-root.mjs, which plain node reads before anything is built.
export declare function debianRoot(name: string, suite: string, packages: string[]): string;
