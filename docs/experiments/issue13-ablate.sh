#!/bin/bash
# Issue 13, fourth pass: alternates the middleware test binary of main
# (/tmp/base.test) and of main with issue13-ablation.patch applied
# (/tmp/abl.test), three rounds, printing ns/op and cpu-ns/msg. Build:
#   (cd middleware && go test -c -o /tmp/base.test .)
#   git worktree add /tmp/abl HEAD --detach && cd /tmp/abl &&
#     git apply docs/experiments/issue13-ablation.patch &&
#     (cd middleware && go test -c -o /tmp/abl.test .)
cd /tmp || exit 1
for r in 1 2 3; do
  echo "round $r  load $(cut -d' ' -f1 /proc/loadavg)"
  for v in base "abl NOTRACK=1" "abl NOWIN=1" "abl NOTRACK=1 NOWIN=1"; do
    set -- $v; bin=$1; shift
    line=$(env "$@" ./$bin.test -test.run '^$' -test.bench '^BenchmarkThroughput$/^(Plain|PlainAck|Tracked)$' -test.benchtime 2s 2>&1 |
      awk '/Throughput\//{split($1,a,"/"); sub(/-[0-9]+$/,"",a[2]); printf "%s %s/%s  ", a[2], $3, $5}')
    printf '  %-26s %s\n' "$v" "$line"
  done
done
