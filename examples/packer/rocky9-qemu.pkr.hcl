# A Rocky Linux 9 containerd node image with qemu, provisioned by bake.
#
#   cd examples/packer                 # paths below are relative to here
#   bake packer -c ../../bake.yaml -o out/provision.sh
#   packer init  rocky9-qemu.pkr.hcl          # Packer >= 1.7 (plugins, templatefile, cd_content)
#   packer build rocky9-qemu.pkr.hcl
#
# The build VM boots from Rocky's GenericCloud image with a NoCloud seed
# (cd_content, volume label cidata) that only lets Packer in: a build user whose
# password is var.ssh_password. bake runs once, as the shell provisioner (its
# script ends by checking the node); the last provisioner resets machine-id and
# cloud-init so every VM started from the image boots fresh, and the shutdown
# command locks the build user and removes its sudo rule.

packer {
  required_plugins {
    qemu = {
      source  = "github.com/hashicorp/qemu"
      version = ">= 1.1.0"
    }
  }
}

variable "image_url" {
  type    = string
  default = "https://dl.rockylinux.org/pub/rocky/9/images/x86_64/Rocky-9-GenericCloud-Base.latest.x86_64.qcow2"
}

variable "image_checksum" {
  type    = string
  default = "file:https://dl.rockylinux.org/pub/rocky/9/images/x86_64/CHECKSUM"
}

variable "provision_script" {
  type        = string
  description = "bake packer output."
  default     = "out/provision.sh"
}

variable "ssh_password" {
  type      = string
  default   = "packer-build-only"
  sensitive = true
}

source "qemu" "rocky9" {
  iso_url      = var.image_url
  iso_checksum = var.image_checksum
  disk_image   = true
  disk_size    = "20G"
  format       = "qcow2"
  accelerator  = "kvm"
  headless     = true
  memory       = 2048
  cpus         = 2

  # NoCloud seed: build-time access only, with the password from var.ssh_password.
  cd_content = {
    "meta-data" = file("${path.root}/seed/meta-data")
    "user-data" = templatefile("${path.root}/seed/user-data.pkrtpl", { ssh_password_json = jsonencode(var.ssh_password) })
  }
  cd_label = "cidata"

  ssh_username = "packer"
  ssh_password = var.ssh_password
  ssh_timeout  = "20m"
  # The build user's only sudo right is the seed's rule (it is in no wheel group),
  # and sudo reads it at every call: the rule goes in the last command Packer
  # sends, in one sudo call that then powers off. `&&`: should the lock fail, the
  # VM stays up and Packer fails the build at shutdown_timeout rather than ship it.
  shutdown_command = "sudo sh -c 'passwd -l packer && rm -f /etc/sudoers.d/90-cloud-init-users && systemctl poweroff'"

  output_directory = "output-rocky9-containerd"
  vm_name          = "rocky9-containerd.qcow2"
}

build {
  sources = ["source.qemu.rocky9"]

  # Let first boot finish before bake installs packages. /var/tmp, not /tmp: a
  # hardened image mounts /tmp noexec, and Packer runs an inline script directly.
  provisioner "shell" {
    remote_folder = "/var/tmp"
    inline        = ["sudo cloud-init status --wait --long"]
  }

  # bake: the one block to paste into an existing template (docs/guide.md, With Packer).
  provisioner "shell" {
    script          = var.provision_script
    remote_folder   = "/var/tmp"
    execute_command = "chmod 0700 '{{ .Path }}'; sudo -S env {{ .Vars }} bash '{{ .Path }}'"
  }

  # Leave no logs and no instance state in the image (the build user goes in
  # shutdown_command); Packer checks these exit codes, not the shutdown's.
  provisioner "shell" {
    remote_folder = "/var/tmp"
    inline = [
      "sudo truncate -s 0 /etc/machine-id",
      "sudo cloud-init clean --logs --seed",
    ]
  }
}
