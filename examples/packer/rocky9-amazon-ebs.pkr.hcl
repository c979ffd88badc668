# A Rocky Linux 9 containerd AMI, provisioned by bake.
#
#   cd examples/packer                 # paths below are relative to here
#   bake packer -c ../../bake.yaml -o out/provision.sh
#   packer init  rocky9-amazon-ebs.pkr.hcl          # Packer >= 1.7 (plugins)
#   packer build rocky9-amazon-ebs.pkr.hcl
#
# bake runs once, as the shell provisioner (its script ends by checking the
# node); cloud-init is reset at the end so instances launched from the AMI run
# their own user-data.
#
# Or give the build instance bake's user-data; cloud-init then provisions it,
# the first provisioner waits for that (and fails the build if cloud-init
# failed), and bake's script re-runs as a check that changes nothing (its steps
# are idempotent). Add `--merge your.yaml --mime` to send your own cloud-config
# beside it.
#   bake cloud-init -c ../../bake.yaml --cloud aws -o out/user-data
#   packer build -var user_data_file=out/user-data rocky9-amazon-ebs.pkr.hcl
# Over EC2's 16 KB, `--gzip --cloud aws` prints gzip+base64 instead: pass that
# file as it is. Packer base64-encodes user_data_file for EC2 only when the
# file does not already decode as base64 (packer-plugin-amazon,
# builder/common/step_run_source_instance.go, read 2026-12-06), so text goes
# encoded once and bake's base64 goes unchanged, never twice.

packer {
  required_plugins {
    amazon = {
      source  = "github.com/hashicorp/amazon"
      version = ">= 1.2.0"
    }
  }
}

variable "region" {
  type    = string
  default = "eu-central-1"
}

variable "instance_type" {
  type    = string
  default = "t3.medium"
}

variable "user_data_file" {
  type        = string
  description = "Optional user-data for the build instance: bake cloud-init output (text, or --gzip's base64)."
  default     = null
}

variable "provision_script" {
  type        = string
  description = "bake packer output."
  default     = "out/provision.sh"
}

source "amazon-ebs" "rocky9" {
  region        = var.region
  instance_type = var.instance_type
  ami_name      = "rocky9-containerd-{{timestamp}}"

  # Rocky Linux's official images (the Rocky Enterprise Software Foundation account).
  source_ami_filter {
    filters = {
      name                = "Rocky-9-EC2-Base-9.*x86_64"
      architecture        = "x86_64"
      root-device-type    = "ebs"
      virtualization-type = "hvm"
    }
    owners      = ["792107900819"]
    most_recent = true
  }

  ssh_username   = "rocky"
  user_data_file = var.user_data_file

  launch_block_device_mappings {
    device_name           = "/dev/sda1"
    volume_size           = 20
    volume_type           = "gp3"
    iops                  = 3000
    throughput            = 125
    delete_on_termination = true
  }

  tags = {
    Name      = "rocky9-containerd"
    BuiltWith = "bake"
    SourceAMI = "{{ .SourceAMI }}"
  }
}

build {
  sources = ["source.amazon-ebs.rocky9"]

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

  provisioner "shell" {
    remote_folder = "/var/tmp"
    inline = [
      "sudo truncate -s 0 /etc/machine-id",
      "sudo cloud-init clean --logs",
    ]
  }
}
