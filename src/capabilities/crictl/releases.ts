// Built-in sha256 of crictl release tarballs, from upstream release data as
// pinned by kubespray (roles/kubespray_defaults/vars/main/checksums.yml,
// crictl_checksums). A version not listed here needs crictl.sha256.
export const DEFAULT_CRICTL_VERSION = "v1.35.0";

export const CRICTL_SHA256: Record<string, { amd64: string; arm64: string }> = {
  "v1.35.0": {
    amd64: "2e141e5b22cb189c40365a11807d69b76b9b3caced89fac2f4ec879408ce2177",
    arm64: "519071de89b64c43e2a1661bb5489c6c3fd5e9e5fcef75e50e542b0c891f1118",
  },
  "v1.34.0": {
    amd64: "a8ff2a3edb37a98daf3aba7c3b284fe0aa5bff24166d896ab9ef64c8913c9f51",
    arm64: "c31d252e203df5f4cf37f314bd3092eb79087e791631c1e607087c74b6d0423f",
  },
  "v1.33.0": {
    amd64: "8307399e714626e69d1213a4cd18c8dec3d0201ecdac009b1802115df8973f0f",
    arm64: "e1f34918d77d5b4be85d48f5d713ca617698a371b049ea1486000a5e86ab1ff3",
  },
};

export function crictlReleaseUrl(version: string, arch: string): string {
  return `https://github.com/kubernetes-sigs/cri-tools/releases/download/${version}/crictl-${version}-linux-${arch}.tar.gz`;
}
