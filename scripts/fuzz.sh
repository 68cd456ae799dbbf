#!/usr/bin/env bash
# Sends malformed requests to a real server process over the network (FuzzIT with more requests) and keeps the
# result in bench/results/fuzz-<UTC time>.txt.
#   scripts/fuzz.sh [requests] [seed]      default: 1000000 requests, seed 20261207
set -euo pipefail
cd "$(dirname "$0")/.."
requests="${1:-1000000}"
seed="${2:-20261207}"
out="$PWD/bench/results/fuzz-$(date -u +%Y%m%dT%H%M%SZ).txt"
./mvnw -B -o -pl server -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=FuzzIT \
    -Dspotless.check.skip=true \
    -Dleadmatch.fuzz.requests="$requests" -Dleadmatch.fuzz.seed="$seed" -Dleadmatch.fuzz.result="$out"
echo "result: $out"
