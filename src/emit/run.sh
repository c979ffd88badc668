# Times come from bash 5's EPOCHREALTIME, which costs no process (a date call costs
# a tenth of a second under emulation); EL8's bash 4.4 lacks it and calls date.
bake_step() { bake_step_took; BAKE_STEP=$2; echo "bake: [$1] $2: $3"; }
# How long the step that just ended took, on the console and in the log; the next starts now.
bake_step_took() { local t=${EPOCHREALTIME:-$(date +%s.%6N)}; [ -z "${BAKE_STEP_T0:-}" ] || echo "bake: $BAKE_STEP took $(((${t/./} - ${BAKE_STEP_T0/./}) / 1000)) ms"; BAKE_STEP_T0=$t; }
bake_quiet() { "$@" >/dev/null 2>&1; }

# Network operations get three more tries. A download or repository not found, or
# what the package functions' bake_pkg_no_retry matches (a package no repository has,
# a repository apt cannot trust), gets none: each try would fail alike. A lock another package
# manager holds (apt-daily, unattended-upgrades on a first boot) is waited for, up to
# 600 s as DPkg::Lock::Timeout waits for dpkg's: apt-get update's lists lock and dpkg
# --set-selections have no such option. The output is kept per process: a download and
# a package install may retry at once.
bake_retry() {
  local n=1 miss out=$BAKE_STATE/retry.$BASHPID end=$((SECONDS + 600))
  until "$@" 2>&1 | tee "$out"; do
    if grep -qE 'Could not get lock|locked by' "$out" && [ $SECONDS -lt $end ]; then sleep 5; continue; fi
    if miss=$(grep -m 1 -E "$bake_pkg_no_retry|[: ]404" "$out"); then echo "bake: not retrying: ${miss#E: } (repos: ${BAKE_PKG_REPO:-all enabled})" >&2
    elif [ $n = 4 ]; then echo "bake: gave up after 4 tries: $*" >&2
    else echo "bake: retry $n/3 in $((n * 5))s: $*" >&2; sleep $((n * 5)); n=$((n + 1)); continue
    fi
    rm -f "$out"; return 1
  done
  rm -f "$out"
}

# Download $1 to $2 only if its sha256 is $3 (- for any; bake_fetch: see the package functions).
bake_download() {
  local tmp sum
  tmp=$(mktemp "$2.bake-XXXXXX")
  bake_retry bake_fetch "$1" "$tmp" || { rm -f "$tmp"; return 1; }
  sum=$(sha256sum < "$tmp")
  [ "$3" = - ] || [ "$sum" = "$3  -" ] || { echo "bake: sha256 of $1 is ${sum%% *}, expected $3; not using it" >&2; rm -f "$tmp"; return 1; }
  mv -f "$tmp" "$2"
}

# bake_background CMD... runs CMD beside the steps that follow, its output kept
# apart; bake_joined STEP waits for the one that background step started and,
# if it failed, shows that output and fails as STEP.
bake_background() { "$@" > "$BAKE_STATE/$BAKE_STEP.log" 2>&1 & echo $! > "$BAKE_STATE/$BAKE_STEP.pid"; }
bake_joined() { wait "$(<"$BAKE_STATE/$1.pid")" || { BAKE_STEP=$1; cat "$BAKE_STATE/$1.log" >&2; return 1; }; rm "$BAKE_STATE/$1".*; }

