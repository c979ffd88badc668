#!/bin/sh
# Terraform's external data source: runs `bake cloud-init` on the spec named in
# the query and answers {"user_data": "..."}. When bake fails (a bad spec, bake
# missing, an npm error with BAKE="npx bake-node"), this exits non-zero with
# bake's message, so `terraform apply` stops instead of launching nodes with
# empty user-data. Needs bake on PATH, or BAKE="npx bake-node" or
# BAKE="node /path/to/bake/dist/cli.js"; node is there anyway, so no jq.
set -eu
out=$(mktemp)
trap 'rm -f "$out"' EXIT
spec=$(node -e '
  let s = "";
  process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const spec = JSON.parse(s).spec;
    if (typeof spec !== "string" || spec === "") { console.error("bake-user-data: the query needs a \"spec\" path"); process.exit(1); }
    process.stdout.write(spec);
  });')
# BAKE may hold a command and its arguments, so it is split on purpose.
# shellcheck disable=SC2086
${BAKE:-bake} cloud-init -q -c "$spec" -o "$out"
node -e '
  const s = require("fs").readFileSync(process.argv[1], "utf8");
  if (!s.startsWith("#cloud-config\n")) { console.error("bake-user-data: bake wrote no #cloud-config document"); process.exit(1); }
  process.stdout.write(JSON.stringify({ user_data: s }));' "$out"
