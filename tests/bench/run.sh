#!/usr/bin/env bash
# run.sh - every benchmark of tests/bench/, each printing its figures and
# its ratios against a baseline measured in the same run.  Benchmarks are
# not tests: run them by hand on a quiet machine, e.g.
#   bash tests/bench/run.sh            # all
#   bash tests/bench/run.sh esxconf    # the ones whose name matches
# They build into build-bench (Release) first.  Installs missing Debian
# packages as root, like the quick-start commands.
set -euo pipefail
VIFS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export VIFS_TOP VIFS_SRCDIR=$VIFS_TOP
# shellcheck source=tests/lib/deps.sh
. "$VIFS_TOP/tests/lib/deps.sh"
vifs_deps
vifs_build "$VIFS_TOP/build-bench" -DCMAKE_BUILD_TYPE=Release
export VIFS_BUILDDIR=$VIFS_TOP/build-bench
export VIFS_BIN=$VIFS_BUILDDIR/remote/vifs
export VIFS_AGENT_BIN=$VIFS_BUILDDIR/agent/vifs-agent
export VIFS_FIXTURES=$VIFS_TOP/tests/fixtures
filter=${1:-}
status=0
for b in "$VIFS_BUILDDIR"/tests/bench_* "$VIFS_TOP"/tests/bench/bench_*.sh; do
    [ -e "$b" ] || continue
    name=$(basename "$b")
    name=${name%.sh}
    case $name in *"$filter"*) ;; *) continue ;; esac
    echo "== $name"
    case $b in
        *.sh) bash "$b" || status=1 ;;
        *) "$b" || status=1 ;;
    esac
done
exit $status
