# Install only when a package is missing or at another version: with all in
# place, a re-run refreshes no package index and downloads nothing.
bake_pkg_install() { if bake_pkg_in_place "$@"; then echo "bake: already installed: $*"; else bake_pkg_install_now "$@"; fi; }
