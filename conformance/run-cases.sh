#!/bin/sh
# The conformance suite without Node: POSIX sh, awk, sed, grep, find, mktemp and coreutils'
# `timeout`. It applies Host contract v2's judging rules (§1, §6) and nothing else: no feature
# tags, no `## requires:` (every case runs; gene-ref's limits meet them all), no expectations.
# The runner (`gene conformance`) adds those on top of exactly this.
#
#   usage: conformance/run-cases.sh "GENE COMMAND" [CASES_DIR]
#   e.g.:  conformance/run-cases.sh "node $PWD/bin/gene.js"      (against gene-ref: all pass)
#
# Prints one line per failing case, then `N passed, N failed`; exits 1 when any case failed.
set -u
gene=${1:?usage: run-cases.sh "GENE COMMAND" [CASES_DIR]}
dir=${2:-$(dirname "$0")/cases}
passed=0
failed=0

# §6 step 4: blank lines dropped, each line trimmed, runs of whitespace collapsed.
norm() {
  awk '{ gsub(/[ \t\r]+/, " "); sub(/^ /, ""); sub(/ $/, ""); if ($0 != "") print }'
}

for file in $(find "$dir" -name '*.gene' ! -path '*/.*' ! -path '*/_*' | sort); do
  base=$(basename "$file")
  home=$(dirname "$file")
  # §1: a fresh scratch folder with the case and its fixtures; the host may write there.
  scratch=$(mktemp -d)
  cp "$file" "$scratch/$base"
  for fixture in $(sed -n 's/^## fixtures://p' "$file"); do
    mkdir -p "$scratch/$(dirname "$fixture")" && cp -R "$home/$fixture" "$scratch/$fixture"
  done
  args=$(sed -n 's/^# Args://p' "$file" | tr '\n' ' ')
  kind=$(sed -n 's/^## error: *//p' "$file" | head -n 1 | tr -d ' \r')
  want=$(sed -n 's/^# ExitCode: *//p' "$file" | head -n 1 | tr -d ' \r')
  [ -n "$want" ] || { [ -n "$kind" ] && want=1 || want=0; }
  limit=10
  grep -q '^## timeout: *long' "$file" && limit=60
  out=$(mktemp)
  # §1: cwd = the scratch folder, no stdin, stdout and stderr merged, GENE_CONFORMANCE=1.
  (cd "$scratch" && export GENE_CONFORMANCE=1 && eval "timeout -s KILL $limit $gene run $args \"\$base\"") >"$out" 2>&1 </dev/null
  got=$?
  # §6 step 3: with `## error: Kind`, one uncaught-error line of that kind, left out of step 4.
  actual=$(norm <"$out" | awk -v kind="$kind" '
    BEGIN { found = (kind == ""); name = (kind == "GeneException") ? "(GeneException|Gene exception)" : kind }
    /^Warning:.*Type error:/ { next }
    !found && $0 ~ ("^Error: " name "( at [^ ].*:[0-9]+:[0-9]+)?(:.*)?$") { found = 1; next }
    { print }
    END { if (!found) print "<no uncaught-error line for " kind ">" }')
  problem=
  if [ "$got" -ne "$want" ]; then
    problem="exit status $got, expected $want"
  elif grep -q '^# Expected:' "$file"; then
    expected=$(sed -n 's/^# Expected://p' "$file" | norm)
    [ "$actual" = "$expected" ] || problem="output differs"
  elif [ -n "$kind" ]; then
    case "$actual" in *"<no uncaught-error line for"*) problem="no uncaught-error line for $kind" ;; esac
  fi
  if [ -z "$problem" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $file: $problem"
  fi
  rm -rf "$scratch" "$out"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
