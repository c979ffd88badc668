# Rocky Linux 9 containerd nodes on EC2, with user-data rendered by bake.
#
# Two ways to get bake's output into Terraform:
#   A. render it first and read the file (reviewable, no bake at plan time):
#        bake cloud-init -c bake.yaml -o user-data.yaml
#        terraform apply -var user_data_file=user-data.yaml
#   B. let Terraform run bake through the external data source (the default):
#        terraform apply -var spec=bake.yaml
# gzip_user_data = true sends it gzip-compressed and base64-encoded
# (user_data_base64 = base64gzip(...)); cloud-init unpacks it. Use it when the
# raw user-data nears EC2's 16384-byte limit (bake -v prints both sizes).

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
  type    = bool
  default = false
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
    spec = var.spec
  }
}

locals {
  user_data = var.user_data_file != "" ? file(var.user_data_file) : data.external.bake[0].result.user_data
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
  user_data        = var.gzip_user_data ? null : local.user_data
  user_data_base64 = var.gzip_user_data ? base64gzip(local.user_data) : null

  # A new user-data means a new node: cloud-init runs it only on first boot.
  user_data_replace_on_change = true

  lifecycle {
    # Never launch a node without bake's document, whatever produced local.user_data.
    precondition {
      condition     = startswith(local.user_data, "#cloud-config\n")
      error_message = "user_data is not a #cloud-config document from bake; check bake's output."
    }
  }

  tags = {
    Name = each.key
  }
}

output "user_data_bytes" {
  value = length(local.user_data)
}
