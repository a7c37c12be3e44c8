#!/usr/bin/env bash
# Runs the whole suite RUNS times (default 5) under extra CPU load — one busy loop per core —
# and lists every test that failed at least once, with its error, and how many runs in a row
# at the end were clean (exit 0 only when all were).
#   scripts/flake-hunt.sh [RUNS]      (FACTORY_TEST_PG_URL and CI are passed through as they are)
set -uo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-5}"
LOGS="$(mktemp -d -t okto-flake-hunt-XXXXXX)"

# A busy loop per core: the suite then runs as on a loaded 2-core cabinet or CI machine.
LOAD_PIDS=()
for _ in $(seq "$(nproc)"); do
  ( while :; do :; done ) &
  LOAD_PIDS+=("$!")
done
trap 'kill "${LOAD_PIDS[@]}" 2>/dev/null' EXIT

clean_in_a_row=0
for run in $(seq "$RUNS"); do
  log="$LOGS/run-$run.log"
  started=$(date +%s)
  npm test -- --reporter dot --no-color >"$log" 2>&1
  rc=$?
  summary=$(grep -E '^[[:space:]]*[0-9]+ (passing|failing|pending)' "$log" | tr -s ' ' | tr '\n' ' ')
  echo "run $run: exit $rc in $(( $(date +%s) - started )) s —$summary"
  if [ "$rc" -eq 0 ]; then clean_in_a_row=$((clean_in_a_row + 1)); else clean_in_a_row=0; fi
done

echo
echo "tests that failed at least once (logs in $LOGS):"
# Mocha lists each failure as "  N) suite … title:" followed by its error; print those blocks.
found=0
for log in "$LOGS"/run-*.log; do
  if grep -qE '^[[:space:]]+[0-9]+ failing' "$log"; then
    found=1
    echo "--- $(basename "$log")"
    sed -n '/^[[:space:]]*[0-9]* failing/,$p' "$log" | grep -E '^[[:space:]]+[0-9]+\) |Error|expected' | head -n 60
  fi
done
[ "$found" -eq 0 ] && echo "(none)"
echo "clean runs in a row at the end: $clean_in_a_row of $RUNS"
[ "$clean_in_a_row" -eq "$RUNS" ]
