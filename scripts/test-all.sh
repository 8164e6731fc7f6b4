#!/usr/bin/env bash
# The whole test suite, as CI runs it: setup, typecheck, lint, build, unit tests, the real Pacemaker lab, the real Nova lab.
# NOVA_LAB=skip leaves out the real Nova stage (say so loudly); PACEMAKER_LAB=skip and PACEMAKER3_LAB=skip likewise.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
REPORTS=$(mktemp -d /tmp/nova-ha-test.XXXXXX)
started=$(date +%s)
status=0
stage() { echo; echo "=== $1 ($(($(date +%s) - started)) s)"; }

stage "setup"
bash scripts/setup.sh || { echo "setup failed"; exit 1; }

stage "typecheck"
npx tsc --noEmit -p . || status=1

stage "lint"
npm run --silent lint || status=1

stage "build"
npm run --silent build || { echo "build failed"; exit 1; }

run_vitest() { # project
  npx vitest run --project "$1" --reporter=default --reporter=json --outputFile="$REPORTS/$1.json" || status=1
}

stage "unit tests"
run_vitest unit

stage "fault campaign (npm run chaos, sized down; docs/reliability.md)"
mkdir -p "$REPORTS/chaos"
npx tsx test/chaos/main.ts --runs "${CHAOS_RUNS:-60}" --seed "${CHAOS_SEED:-1}" --parallel 3 --quiet --json "$REPORTS/chaos/result.json" || status=1

if [ "${PACEMAKER_LAB:-run}" = skip ]; then
  echo "PACEMAKER_LAB=skip: the real-Pacemaker integration tests were NOT run"
else
  stage "integration tests (real Pacemaker lab)"
  run_vitest integration
fi

if [ "${PACEMAKER3_LAB:-run}" = skip ]; then
  echo "PACEMAKER3_LAB=skip: the integration tests on Pacemaker 3.0 (Debian 13 chroot) were NOT run"
else
  stage "integration tests on Pacemaker 3.0 (Debian 13 chroot; made once per machine, see test/lab/pacemaker/README.md)"
  # Every scenario of the 2.1 stage but the demo (a presentation of node-failure's scenario): a node dies and comes
  # back, the mixes with the peers, the controller failing mid-recovery and attrd losing the flag, a rack failing node
  # after node, the remote reconnect that purges attrd mid-recovery, and the operator's tools (pcs 0.12, OCF 1.1 schemas).
  pacemaker3_files=()
  for name in node-failure peer-mixes recovery-resilience rack-failure remote-reconnect operator-tools; do
    pacemaker3_files+=("test/integration/$name.test.ts")
  done
  # Inside the chroot the repository is /work/repo and /tmp is the chroot's: the report goes to the repository's .lab/.
  mkdir -p .lab
  LAB_SUITE=trixie bash test/lab/pacemaker/lab-suite.sh vitest --project integration --reporter=default --reporter=json \
    --outputFile=/work/repo/.lab/integration-pacemaker-3.0.json "${pacemaker3_files[@]}" || status=1
  mv -f .lab/integration-pacemaker-3.0.json "$REPORTS/" 2>/dev/null || true
fi

if [ "${NOVA_LAB:-run}" = skip ]; then
  echo "NOVA_LAB=skip: the real-Nova tests were NOT run"
else
  stage "real Nova lab"
  # One retry after a clean stop: a bring-up has failed now and then before any test ran (Keystone's uwsgi
  # start-up; see docs/testing.md). A second failure fails the run.
  nova_up() { bash test/lab/nova/nova-up.sh >>"$REPORTS/nova-up.log" 2>&1; }
  if nova_up || { echo "the real Nova lab did not come up; stopping it and trying once more"; bash test/lab/nova/nova-down.sh >/dev/null 2>&1; nova_up; }; then
    tail -n 5 "$REPORTS/nova-up.log"
    stage "tests against the real Nova lab"
    run_vitest nova
    if [ "${BACKENDS_LAB:-run}" = skip ]; then
      echo "BACKENDS_LAB=skip: NovaEvacuate through Masakari and Mistral was NOT run"
    else
      # The same lab plus Masakari 14 and Mistral 15 (Debian packages, installed on first use): one failure recovered
      # end to end through NovaEvacuate with each back-end, then Masakari's API down at fencing and its engine killed
      # mid-recovery; the rest of the backends project runs on demand (docs/backends.md).
      stage "recovery back-ends (Masakari, Mistral) through NovaEvacuate on the real Nova lab"
      if bash test/lab/backends/masakari-up.sh >>"$REPORTS/backends-up.log" 2>&1 && bash test/lab/backends/mistral-up.sh >>"$REPORTS/backends-up.log" 2>&1; then
        npx vitest run --project backends test/backends/nova-evacuate-drivers.test.ts test/backends/nova-evacuate-backend-faults.test.ts --reporter=default --reporter=json --outputFile="$REPORTS/backends.json" || status=1
      else
        echo "Masakari or Mistral did not come up; last lines of their log:"; tail -n 30 "$REPORTS/backends-up.log"; status=1
      fi
      bash test/lab/backends/backends-down.sh >/dev/null 2>&1 || true
    fi
  else
    echo "the real Nova lab did not come up; last lines of its log:"; tail -n 30 "$REPORTS/nova-up.log"; status=1
  fi
  bash test/lab/nova/nova-down.sh >/dev/null 2>&1 || true
fi

stage "summary"
node -e '
  const fs = require("fs"); let passed = 0, failed = 0, skipped = 0;
  for (const file of fs.readdirSync(process.argv[1]).filter((f) => f.endsWith(".json"))) {
    const r = JSON.parse(fs.readFileSync(process.argv[1] + "/" + file, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + (r.numTodoTests || 0);
    console.log(`${file.replace(".json", "")}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
  }
  console.log(`total: ${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$REPORTS"
echo "took $(($(date +%s) - started)) s"
exit $status
