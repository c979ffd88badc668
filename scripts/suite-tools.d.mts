// Types of suite-tools.mjs, which plain node reads before anything is built.
export declare const SUITE_TOOLS: Record<"fast" | "ecosystem" | "el" | "vm", Record<string, string>>;
export declare const VM_IMAGE_TOOLS: string[];
export declare const ARM64_FIRMWARE: string;
