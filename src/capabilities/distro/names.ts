// The target distributions, kept apart from the schema so that code which only
// needs the list does not load TypeBox at run time.
export const DISTROS = [
  "rocky8",
  "rocky9",
  "rocky10",
  "alma8",
  "alma9",
  "alma10",
  "rhel8",
  "rhel9",
  "rhel10",
  "alinux3",
  "anolis8",
  "debian13",
  "debian14",
  "ubuntu2204",
  "ubuntu2404",
  "ubuntu2604",
] as const;
