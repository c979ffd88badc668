#!/bin/sh
# Terraform's external data source: runs `bake cloud-init --cloud CLOUD` on the spec
# named in the query and answers {"user_data": "...", "user_data_base64": "..."}, one
# of them empty. Query: spec (required), cloud (default aws: EC2's 16384 bytes, the
# smallest common limit), gzip: auto (default: plain text when it fits the cloud's
# limit, else --gzip), true or false.
# Plain text comes back in user_data; --gzip's whole-document form (AWS, Azure,
# OpenStack) in user_data_base64, for the provider's base64 argument. Over the limit
# even compressed, or when bake fails (a bad spec, bake missing, an npm error with
# BAKE="npx bake-node"), this exits non-zero with bake's message, so `terraform
# apply` stops instead of launching nodes with empty or oversized user-data.
# Needs bake on PATH, or BAKE="npx bake-node" or BAKE="node /path/to/bake/dist/cli.js";
# node is there anyway, so no jq.
set -eu
out=$(mktemp)
trap 'rm -f "$out"' EXIT
query=$(node -e '
  let s = "";
  process.stdin.on("data", (d) => (s += d)).on("end", () => {
    const { spec, cloud = "aws", gzip = "auto" } = JSON.parse(s);
    if (typeof spec !== "string" || spec === "") { console.error("bake-user-data: the query needs a \"spec\" path"); process.exit(1); }
    if (!["auto", "true", "false"].includes(gzip)) { console.error("bake-user-data: gzip is auto, true or false"); process.exit(1); }
    process.stdout.write([spec, cloud, gzip].join("\n"));
  });')
spec=$(printf '%s\n' "$query" | sed -n 1p)
cloud=$(printf '%s\n' "$query" | sed -n 2p)
gzip=$(printf '%s\n' "$query" | sed -n 3p)

# BAKE may hold a command and its arguments, so it is split on purpose.
# shellcheck disable=SC2086
render() { ${BAKE:-bake} cloud-init -q -c "$spec" --cloud "$cloud" "$@" -o "$out"; }

# bake fails before writing when the user-data is over the cloud's limit; auto then
# compresses. A bad spec fails both ways, and the second run's message is the one shown.
case $gzip in
  true) render --gzip ;;
  false) render ;;
  *) render 2>/dev/null || render --gzip ;;
esac
node -e '
  const s = require("fs").readFileSync(process.argv[1], "utf8");
  const gzipBase64 = /^H4sI[A-Za-z0-9+\/=]*\n?$/.test(s);
  if (!s.startsWith("#cloud-config\n") && !gzipBase64) { console.error("bake-user-data: bake wrote no #cloud-config document"); process.exit(1); }
  process.stdout.write(JSON.stringify(gzipBase64 ? { user_data: "", user_data_base64: s.trim() } : { user_data: s, user_data_base64: "" }));' "$out"
