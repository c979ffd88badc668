// What a Kubernetes package repo URL says about itself: the minor (a `v1.XX` path
// segment) and the package format (an `rpm` or `deb` segment), wherever they sit.
// pkgs.k8s.io writes `/core:/stable:/v1.35/rpm/`, Aliyun `/kubernetes-new/core/stable/v1.35/rpm/`,
// TUNA and USTC `/kubernetes/core:/stable:/v1.35/rpm/` (docs/research/2026-12-06-china.md).
// A URL without such a segment (a private mirror's own layout) says nothing, so nothing is checked.

export type RepoFormat = "rpm" | "deb";

const MINOR_SEGMENT = /(?<=\/)v(\d+\.\d+)(?=\/|$)/g;
const FORMAT_SEGMENT = /(?<=\/)(rpm|deb)(?=\/|$)/g;

const lastMatch = (url: string, pattern: RegExp) => [...url.matchAll(pattern)].at(-1);

/** The minor a URL names ("1.35"), or undefined when it has no v1.XX segment. */
export function urlMinor(url: string): string | undefined {
  return lastMatch(url, MINOR_SEGMENT)?.[1];
}

/** The package format a URL names, or undefined when it has no rpm or deb segment. */
export function urlFormat(url: string): RepoFormat | undefined {
  return lastMatch(url, FORMAT_SEGMENT)?.[1] as RepoFormat | undefined;
}

/** The URL with its last v1.XX segment set to `minor`. */
export function withMinor(url: string, minor: string): string {
  const at = lastMatch(url, MINOR_SEGMENT)!;
  return `${url.slice(0, at.index)}v${minor}${url.slice(at.index + at[0].length)}`;
}

/** The URL with its last rpm/deb segment set to `format`. */
export function withFormat(url: string, format: RepoFormat): string {
  const at = lastMatch(url, FORMAT_SEGMENT)!;
  return `${url.slice(0, at.index)}${format}${url.slice(at.index + at[0].length)}`;
}

/** The URL cut after its last rpm/deb segment, set to `format`: the repo a key URL belongs to. */
export function repoOfFormat(url: string, format: RepoFormat): string {
  const at = lastMatch(url, FORMAT_SEGMENT)!;
  return `${url.slice(0, at.index)}${format}/`;
}
