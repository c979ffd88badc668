// The tools each test suite needs, as command -> Debian package: scripts/test-setup.mjs
// installs them before the suite, and the VM harness (test/vm/lib/host.ts) checks them.
// A key with a leading "/" is a file the package installs, not a command.

/** edk2 for qemu's arm64 `virt` machine: the trixie-arm64 boot starts its kernel through UEFI */
export const ARM64_FIRMWARE = "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd";
/** Per suite: the command each test calls, and the Debian package that provides it. */
export const SUITE_TOOLS = {
  // unit, golden, property, validator and sandbox tests (npm test)
  fast: {
    shellcheck: "shellcheck",
    containerd: "containerd",
    "systemd-analyze": "systemd",
    unshare: "util-linux",
    // the package helpers' tests run the real dpkg-query and rpm
    "dpkg-query": "dpkg",
    rpm: "rpm",
    // shells whose completion scripts the CLI tests load (bash is always there)
    zsh: "zsh",
    fish: "fish",
    // a pseudo-terminal for the colour test (test/diff.test.ts)
    script: "bsdutils",
    // bake's apt functions against the real apt, dpkg and gpg (test/apt-real.test.ts)
    "apt-get": "apt",
    gpg: "gnupg",
    curl: "curl",
    python3: "python3",
  },
  // cloud-init's schema in a Debian trixie root, packer validate, npm pack (npm run test:ecosystem)
  ecosystem: {
    mmdebstrap: "mmdebstrap",
    packer: "packer",
  },
  // bake's rocky8/rocky9/rocky10 scripts against real dnf and rpm and a signed local repo (npm run test:el)
  el: {
    dnf: "dnf",
    rpm: "rpm",
    rpmbuild: "rpm",
    rpmsign: "rpm",
    createrepo_c: "createrepo-c",
    gpg: "gnupg",
    curl: "curl",
  },
  // qemu boots of bake's output, with a registry and images on the host's loopback (npm run test:vm)
  vm: {
    "qemu-system-x86_64": "qemu-system-x86",
    // the arm64 boot (trixie-arm64): the emulator, and qemu-user through binfmt to build its root
    "qemu-system-aarch64": "qemu-system-arm",
    [ARM64_FIRMWARE]: "qemu-efi-aarch64",
    "qemu-aarch64-static": "qemu-user-static",
    "update-binfmts": "binfmt-support",
    // mmdebstrap's check that a foreign architecture can run
    "arch-test": "arch-test",
    "qemu-img": "qemu-utils",
    "mkfs.vfat": "dosfstools",
    mcopy: "mtools",
    tar: "tar",
    gzip: "gzip",
    // only to build the Debian images (VM_IMAGE_TOOLS), not with --image
    mmdebstrap: "mmdebstrap",
    "mkfs.ext4": "e2fsprogs",
    debugfs: "e2fsprogs",
    "docker-registry": "docker-registry",
    // the pod proof: a static busybox for the images pushed to the loopback registry
    busybox: "busybox-static",
    // GNU time gives qemu's peak RSS; the shell builtin cannot.
    time: "time",
    // the kubeadm-ready boot: a signed stand-in of pkgs.k8s.io's deb repo
    gpg: "gnupg",
    "dpkg-deb": "dpkg",
  },
};

/** The vm suite's tools that only build the Debian images (not needed with --image). */
export const VM_IMAGE_TOOLS = [
  "mmdebstrap",
  "mkfs.ext4",
  "debugfs",
  "qemu-aarch64-static",
  "update-binfmts",
  "arch-test",
];
