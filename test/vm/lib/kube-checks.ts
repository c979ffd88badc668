// Reading the kubeadm-ready boot's report (guest/kube.sh). Each function returns the
// problems it finds, so a test can show it fails on a node that lacks bake's step.

/** Active swap areas in a /proc/swaps text (its first line is the header). */
export function activeSwaps(procSwaps: string): string[] {
  return procSwaps
    .split("\n")
    .slice(1)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** The part of a kube.sh section between "--- <title>" and the next "--- " line. */
export function part(section: string, title: string): string {
  const lines = section.split("\n");
  const start = lines.indexOf(`--- ${title}`);
  if (start < 0) return "";
  const end = lines.findIndex((l, i) => i > start && l.startsWith("--- "));
  return lines.slice(start + 1, end < 0 ? undefined : end).join("\n");
}

/** Commands kube.sh reported as MISSING. */
export function missingTools(section: string): string[] {
  return section
    .split("\n")
    .filter((l) => / MISSING$/.test(l))
    .map((l) => l.split(":")[0]!);
}

/** Images of `wanted` that `ctr -n k8s.io images ls -q` did not list. */
export function imagesAbsent(ctrList: string, wanted: string[]): string[] {
  const have = new Set(ctrList.split("\n").map((l) => l.trim()));
  return wanted.filter((i) => !have.has(i));
}
