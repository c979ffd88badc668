# bake's user-data as one part of Terraform's cloudinit_config, beside your own.
#
#   bake cloud-init -c bake.yaml -o bake-user-data.yaml
#   bake validate -c bake.yaml --merge users.yaml --merge setup.sh --mime --cloud aws --gzip
#   terraform apply -var bake_user_data_file=bake-user-data.yaml
#
# The whole is gzip'd (EC2 takes it through user_data_base64), and EC2's 16384-byte
# limit applies to that: bake validate above checks the same parts, compressed, before
# Terraform runs; the precondition below checks what Terraform rendered. Read bake's
# file with file(), never templatefile(): it holds ${...} (shell) that Terraform would
# read as its own interpolation.
#
# The parts below are what `bake cloud-init --merge users.yaml --merge setup.sh
# --mime` writes itself (bake's part first, the same merge_type); bake also
# refuses a user write_files path it writes, which Terraform cannot check.

terraform {
  required_version = ">= 1.3"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
    cloudinit = {
      source  = "hashicorp/cloudinit"
      version = ">= 2.3"
    }
  }
}

variable "bake_user_data_file" {
  type        = string
  description = "A file written by `bake cloud-init` (plain #cloud-config, no --gzip)."
}

variable "users_file" {
  type        = string
  description = "Your own #cloud-config: users, keys, hostname, packages, runcmd."
  default     = "users.yaml"
}

variable "script_file" {
  type        = string
  description = "Your own #! script; cloud-init runs it after bake's provisioner."
  default     = "setup.sh"
}

data "cloudinit_config" "node" {
  # EC2 takes gzip through user_data_base64; the 16384-byte limit is on the whole.
  gzip          = true
  base64_encode = true

  # bake's part first: it sets runcmd and write_files.
  part {
    filename     = "bake.cfg"
    content_type = "text/cloud-config"
    content      = file(var.bake_user_data_file)
  }

  # cloud-init's default for a later cloud-config part is dict(replace), which
  # would drop bake's runcmd and write_files; append the lists instead.
  part {
    filename     = "users.cfg"
    content_type = "text/cloud-config"
    merge_type   = "list(append)+dict(no_replace,recurse_list)+str()"
    content      = file(var.users_file)
  }

  # Script parts run sorted by name with runcmd's script ("runcmd"): "user-"
  # sorts after it, so this runs after bake's provisioner.
  part {
    filename     = "user-01-setup.sh"
    content_type = "text/x-shellscript"
    content      = file(var.script_file)
  }
}

locals {
  # EC2 counts user-data before base64 (16384 bytes): the decoded size of rendered.
  rendered_bytes = length(data.cloudinit_config.node.rendered) / 4 * 3 - length(regexall("=", data.cloudinit_config.node.rendered))
}

data "aws_ami" "rocky9" {
  most_recent = true
  owners      = ["792107900819"] # Rocky Linux (RESF)
  filter {
    name   = "name"
    values = ["Rocky-9-EC2-Base-9.*x86_64"]
  }
}

resource "aws_instance" "node" {
  ami                         = data.aws_ami.rocky9.id
  instance_type               = "t3.medium"
  user_data_base64            = data.cloudinit_config.node.rendered
  user_data_replace_on_change = true

  lifecycle {
    precondition {
      condition     = startswith(file(var.bake_user_data_file), "#cloud-config\n")
      error_message = "bake_user_data_file is not a #cloud-config from bake cloud-init (gzip is applied to the whole here, not with --gzip)."
    }
    precondition {
      condition     = local.rendered_bytes <= 16384
      error_message = "the gzip'd user-data is ${local.rendered_bytes} bytes, over EC2's 16384; move files into the image with bake packer, or drop parts."
    }
  }
}
