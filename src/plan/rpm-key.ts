// What a capability's plan uses for an EL repository whose key is pinned by fingerprint:
// bake_rpm_key (packages/el.sh) fetches and checks the key into /etc/pki/rpm-gpg/<name>.asc,
// and the repo file's gpgkey= names that file instead of the URL.
import { sh } from "../render/shell.js";
import type { PlannedStep } from "./types.js";

interface RepoKey {
  gpgkey: string;
  gpgkeySha256: string;
  gpgkeyFingerprint: string;
}

/** The gpgkey= the repo file gets: the checked local copy when the key is pinned, else the URL. */
export function rpmKeyLocation(name: string, repo: RepoKey): string {
  return repo.gpgkeyFingerprint ? `file:///etc/pki/rpm-gpg/${name}.asc` : repo.gpgkey;
}

/** The step that puts the pinned key in place (none when the key is not pinned). */
export function rpmKeySteps(id: string, title: string, name: string, repo: RepoKey): PlannedStep[] {
  if (!repo.gpgkeyFingerprint) return [];
  const sha256 = repo.gpgkeySha256 || "-";
  return [
    {
      id,
      title,
      run: sh`bake_rpm_key ${name} ${repo.gpgkey} ${sha256} ${repo.gpgkeyFingerprint}`,
      needs: ["curl", "gpg"],
    },
  ];
}
