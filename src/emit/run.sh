# Times come from bash 5's EPOCHREALTIME, which costs no process (a date call costs
# a tenth of a second under emulation); EL8's bash 4.4 lacks it and calls date.
bake_step() { bake_step_took; BAKE_STEP=$2; BAKE_STEP_T0=${EPOCHREALTIME:-$(date +%s.%6N)}; echo "bake: [$1] $2: $3"; }
# How long the step that just ended took, on the console and in the log.
bake_step_took() { local t=${EPOCHREALTIME:-$(date +%s.%6N)}; [ -z "${BAKE_STEP_T0:-}" ] || echo "bake: $BAKE_STEP took $(((${t/./} - ${BAKE_STEP_T0/./}) / 1000)) ms"; }
bake_quiet() { "$@" >/dev/null 2>&1; }

# Network operations get three more tries; a package no repository has gets none.
# Its output is kept per process: a download and a package install may retry at once.
bake_retry() {
  local n miss out=$BAKE_STATE/retry.$BASHPID
  for n in 1 2 3 4; do
    "$@" 2>&1 | tee "$out" && { rm -f "$out"; return 0; }
    if miss=$(grep -m 1 -E "No match for arg|Unable to (find a match|locate package)|' was not found|no installation candidate" "$out"); then
      echo "bake: not retrying: ${miss#E: } (repos: ${BAKE_PKG_REPO:-all enabled})" >&2
      break
    fi
    if [ "$n" = 4 ]; then echo "bake: gave up after 4 tries: $*" >&2; else echo "bake: retry $n/3 in $((n * 5))s: $*" >&2; sleep $((n * 5)); fi
  done
  rm -f "$out"
  return 1
}

# Download $1 to $2 only if its sha256 is $3 (bake_fetch: see the package functions).
bake_download() {
  local tmp sum
  tmp=$(mktemp "$2.bake-XXXXXX")
  bake_retry bake_fetch "$1" "$tmp" || { rm -f "$tmp"; return 1; }
  sum=$(sha256sum < "$tmp" | cut -d' ' -f1)
  [ "$sum" = "$3" ] || { echo "bake: sha256 of $1 is $sum, expected $3; not using it" >&2; rm -f "$tmp"; return 1; }
  mv -f "$tmp" "$2"
}

# bake_background CMD... runs CMD beside the steps that follow, its output kept
# apart; bake_joined STEP waits for the one that background step started and,
# if it failed, shows that output and fails as STEP.
bake_background() { "$@" > "$BAKE_STATE/$BAKE_STEP.log" 2>&1 & echo $! > "$BAKE_STATE/$BAKE_STEP.pid"; }
bake_joined() { wait "$(<"$BAKE_STATE/$1.pid")" || { BAKE_STEP=$1; cat "$BAKE_STATE/$1.log" >&2; return 1; }; rm "$BAKE_STATE/$1".*; }

