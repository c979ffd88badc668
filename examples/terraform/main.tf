# Rocky Linux 9 containerd nodes on EC2, with user-data rendered by bake.
#
# Two ways to get bake's output into Terraform:
#   A. render it first and read the file (reviewable, no bake at plan time); bake
#      fails, naming --gzip, when it is over EC2's 16384 bytes:
#        bake cloud-init -c bake.yaml --cloud aws -o user-data.yaml
#        bake cloud-init -c bake.yaml --cloud aws --gzip -o user-data.yaml   # when over
#        terraform apply -var user_data_file=user-data.yaml
#   B. let Terraform run bake through the external data source (the default):
#        terraform apply -var spec=bake.yaml
#      bake-user-data.sh checks EC2's limit and compresses only when it must
#      (gzip_user_data = "auto"); "true" always compresses, "false" never does.
# Either way plain text goes to user_data and gzip+base64 to user_data_base64,
# which cloud-init unpacks. Never templatefile() bake's output: it holds ${...}
# (shell), which Terraform would read as its own interpolation; use file().

terraform {
  required_version = ">= 1.3"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
    external = {
      source  = "hashicorp/external"
      version = ">= 2.3"
    }
  }
}

variable "region" {
  type    = string
  default = "eu-central-1"
}

variable "spec" {
  type        = string
  description = "bake node spec for option B (path relative to where terraform runs)."
  default     = "bake.yaml"
}

variable "user_data_file" {
  type        = string
  description = "Option A: a file written by `bake cloud-init`; empty uses option B."
  default     = ""
}

variable "gzip_user_data" {
  type        = string
  description = "Option B: auto (compress only when over EC2's limit), true or false."
  default     = "auto"
  validation {
    condition     = contains(["auto", "true", "false"], var.gzip_user_data)
    error_message = "gzip_user_data is auto, true or false."
  }
}

variable "node_names" {
  type    = list(string)
  default = ["node-1", "node-2", "node-3"]
}

provider "aws" {
  region = var.region
}

data "external" "bake" {
  count   = var.user_data_file == "" ? 1 : 0
  program = ["sh", "${path.module}/bake-user-data.sh"]
  query = {
    spec  = var.spec
    cloud = "aws"
    gzip  = var.gzip_user_data
  }
}

locals {
  # Option A's file is bake's #cloud-config, or --gzip's base64 (gzip's magic bytes read "H4sI").
  from_file = var.user_data_file != "" ? file(var.user_data_file) : ""
  user_data = (var.user_data_file == "" ? data.external.bake[0].result.user_data
  : startswith(local.from_file, "#cloud-config\n") ? local.from_file : "")
  user_data_base64 = (var.user_data_file == "" ? data.external.bake[0].result.user_data_base64
  : startswith(local.from_file, "H4sI") ? trimspace(local.from_file) : "")
  # EC2 counts user-data before base64 (16384 bytes): the decoded size of its base64.
  sent_base64     = local.user_data_base64 != "" ? local.user_data_base64 : base64encode(local.user_data)
  user_data_bytes = length(local.sent_base64) / 4 * 3 - length(regexall("=", local.sent_base64))
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
  for_each      = toset(var.node_names)
  ami           = data.aws_ami.rocky9.id
  instance_type = "t3.medium"

  # Exactly one of the two is set.
  user_data        = local.user_data != "" ? local.user_data : null
  user_data_base64 = local.user_data_base64 != "" ? local.user_data_base64 : null

  # A new user-data means a new node: cloud-init runs it only on first boot.
  user_data_replace_on_change = true

  lifecycle {
    # Never launch a node without bake's document, whatever produced local.user_data.
    precondition {
      condition     = (local.user_data != "") != (local.user_data_base64 != "")
      error_message = "user_data is neither a #cloud-config document from bake nor its --gzip form; check bake's output."
    }
    precondition {
      condition     = local.user_data_bytes <= 16384
      error_message = "user_data is ${local.user_data_bytes} bytes, over EC2's 16384; render it with bake cloud-init --cloud aws --gzip."
    }
  }

  tags = {
    Name = each.key
  }
}

output "user_data_bytes" {
  value = local.user_data_bytes
}
