# Checks run side by side, four at a time: most start a process or two, a
# second each under emulation. Each prints to its own file, shown in order.
bake_check() { bake_check_bg bake_check_now "$@"; }
# $1 the reboot marker, then as bake_check: a check that needs the kernel the pending
# reboot brings is skipped while $1 exists, and said so in order; the run after the
# reboot makes it.
bake_check_after_reboot() { if [ -f "$1" ]; then bake_check_bg echo "bake: skip - $2: not before the reboot for $(<"$1")"; else bake_check "${@:2}"; fi; }
# $1 what each check proves ({}: the item, its first = spaced out), $2 the
# test, then the items, checked in turn (they share caches).
bake_check_each() { bake_check_bg bake_check_each_now "$@"; }
# $1 what the check proves, then the command that proves it.
bake_check_now() { if "${@:2}"; then echo "bake: ok   - $1"; else echo "bake: FAIL - $1"; fi; }
bake_check_each_now() { local i; for i in "${@:3}"; do bake_check_now "${1//"{}"/"${i/=/ = }"}" "$2" "$i"; done; }
bake_check_pids=()
bake_check_bg() {
  # From the fifth on, each waits for one to end: counting jobs would start two processes a check.
  [ "${#bake_check_pids[@]}" -lt 4 ] || wait -n || true
  "$@" > "$BAKE_STATE/checks/$((${#bake_check_pids[@]} + 100))" 2>&1 &
  bake_check_pids+=($!)
}
bake_checks_passed() {
  local f l failed=0
  # Never empty (the plan makes sure): a bare wait would wait for tee too.
  wait "${bake_check_pids[@]}" || true
  # Shown and counted by bash: cat and grep would be three processes.
  for f in "$BAKE_STATE"/checks/*; do while read -r l; do printf '%s\n' "$l"; [[ $l != "bake: FAIL"* ]] || ((++failed)); done < "$f"; done
  rm -r "$BAKE_STATE/checks"
  [ "$failed" = 0 ] || { echo "bake: $failed check(s) failed" >&2; return 1; }
}
