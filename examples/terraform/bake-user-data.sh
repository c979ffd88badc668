#!/bin/sh
# Terraform's external data source: runs `bake cloud-init` on the spec given
# in the query and answers {"user_data": "..."}. Needs bake on PATH (npm i -g
# bake-node) or BAKE="npx bake-node"; node is there anyway, so no jq is needed.
set -eu
query=$(cat)
spec=$(printf '%s' "$query" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).spec))')
${BAKE:-bake} cloud-init -q -c "$spec" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.stringify({user_data:s})))'
