#!/usr/bin/env bash
# Clears the C shims' compiled module from every scratch path of this checkout (.build, and the
# .build-fuzz, .build-asan and .build-tsan of `make fuzz` and `make sanitize`) when a file of
# Sources/CSelloShims is newer than it.
#
# Why: clang caches the shims as a module (CSelloShims-*.pcm) and checks the headers it was
# built from, but not the include folder for headers added since. After a header is added (a
# `git pull`, a branch switch), every build of an existing scratch path fails with "cannot find
# 'textshim_…' in scope" although the header is there. A fresh clone never sees it. The module
# is only a cache: deleting it costs one rebuild of the shims.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
newest=$(find "$root/Sources/CSelloShims" -type f -printf '%T@ %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
[[ -n $newest ]] || exit 0
for scratch in "$root"/.build "$root"/.build-*; do
  [[ -d $scratch ]] || continue
  find "$scratch" -name 'CSelloShims-*.pcm' ! -newer "$newest" -print -delete |
    sed 's|^|clear-stale-modules: the C shims changed since this cached module was built, removed: |' >&2
done
