#!/usr/bin/env bash
# The one command that runs the whole system on this machine: infrastructure (Kafka from Maven
# Central jars, PostgreSQL, Redis), migrations, the three services, demo data. Ctrl-C stops every
# process this command started, and nothing else.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
RUN_DIR="$ROOT/.infra/run"
mkdir -p "$RUN_DIR"

# Development defaults; a .env file (see .env.example) or the environment overrides them.
[[ -f .env ]] && { set -a; source .env; set +a; }
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ansinh}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export JWT_SECRET="${JWT_SECRET:-dev-only-secret-change-me-in-production-0001}"
# base64 of "dev-only-account-key-never-prod!": development data only, never real account numbers
export ACCOUNT_ENCRYPTION_KEY="${ACCOUNT_ENCRYPTION_KEY:-ZGV2LW9ubHktYWNjb3VudC1rZXktbmV2ZXItcHJvZCE=}"
# base64 of "dev-only-transport-key-not-prod!": account numbers in events from beneficiary to payment
export ACCOUNT_TRANSPORT_KEY="${ACCOUNT_TRANSPORT_KEY:-ZGV2LW9ubHktdHJhbnNwb3J0LWtleS1ub3QtcHJvZCE=}"
# Ed25519 development keys (base64 DER): payment signs instructions, the bank stand-in signs results
export INSTRUCTION_SIGNING_KEY="${INSTRUCTION_SIGNING_KEY:-MC4CAQAwBQYDK2VwBCIEICZ7HgbZ+0kvgqt3f3k47w3Q2hJS6D4AB3g5tLKI75Nc}"
export INSTRUCTION_SIGNING_KEY_ID="${INSTRUCTION_SIGNING_KEY_ID:-ansinh-dev-1}"
export ANSINH_INSTRUCTION_PUBLIC_KEY="${ANSINH_INSTRUCTION_PUBLIC_KEY:-MCowBQYDK2VwAyEAbsWfCmz+niUMEqPt05JUtCokqu7zFvjF6emzqlwtAeI=}"
export BANK_STAND_IN_SIGNING_KEY="${BANK_STAND_IN_SIGNING_KEY:-MC4CAQAwBQYDK2VwBCIEIPTmfVdjrbe8bBee0x/fmVf717So8+F0WzAhXfl3Zdrf}"
export BANK_RESULT_PUBLIC_KEYS="${BANK_RESULT_PUBLIC_KEYS:-{\"*\":\"MCowBQYDK2VwAyEAPgeJ1LCHs2YcQkVxNp8R8rEEkP8pgFGtb9sae4EuqJo=\"}}"
export LOG_LEVEL="${LOG_LEVEL:-info}"
export KAFKA_KEEP_DATA="${KAFKA_KEEP_DATA:-1}"

[[ -d node_modules ]] || npm install --no-audit --no-fund
NODE="$ROOT/node_modules/.bin/node"

started_infra="$(bash scripts/infra.sh down-list | xargs)"
service_pids=()
stop_all() {
  trap - INT TERM EXIT
  echo; echo "stopping AnSinh…"
  for pid in "${service_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${service_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [[ -z "$started_infra" ]] || bash scripts/infra.sh down $started_infra
}
trap stop_all EXIT
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM

bash scripts/infra.sh up
npm run --silent build

database="$(sed -E 's#.*/([^/?]+)(\?.*)?$#\1#' <<<"$DATABASE_URL")"
admin_url="${DATABASE_URL%/*}/postgres"
if [[ "$(psql "$admin_url" -Atc "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]]; then
  psql "$admin_url" -qc "CREATE DATABASE \"$database\""
fi
for service in beneficiary payment notification; do "$NODE" "dist/apps/$service/apps/$service/src/migrate.js"; done

# Stand-ins of external parties first: the services call them as soon as they start. They have no
# authentication, so they stay on loopback whatever HTTP_HOST a .env sets for the services.
HTTP_HOST=127.0.0.1 PORT=4020 REGISTRY_SEED_FILE="$ROOT/scripts/demo/beneficiaries.json" \
  "$NODE" dist/stand-ins/population-registry/stand-ins/population-registry/src/main.js >"$RUN_DIR/population-registry.log" 2>&1 &
service_pids+=("$!")
# The banks, e-wallets and post office: name-enquiry over HTTP, and answers to payment instructions over Kafka
# (signed with BANK_STAND_IN_SIGNING_KEY, after a realistic delay), from its own consumer group.
HTTP_HOST=127.0.0.1 PORT=4010 BANK_STAND_IN_SEED_FILE="$ROOT/scripts/demo/bank-accounts.json" BANK_STAND_IN_KAFKA_ENABLED=true \
  BANK_STAND_IN_RESULT_LATENCY_MIN_MS="${BANK_STAND_IN_RESULT_LATENCY_MIN_MS:-500}" BANK_STAND_IN_RESULT_LATENCY_MAX_MS="${BANK_STAND_IN_RESULT_LATENCY_MAX_MS:-3000}" \
  "$NODE" dist/stand-ins/bank/stand-ins/bank/src/main.js >"$RUN_DIR/bank-stand-in.log" 2>&1 &
service_pids+=("$!")
# SMS gateway and Zalo OA on :4030, an SMTP server on :4025: where the notification service's defaults point.
HTTP_HOST=127.0.0.1 PORT=4030 SMTP_PORT=4025 "$NODE" dist/stand-ins/messaging-providers/stand-ins/messaging-providers/src/main.js >"$RUN_DIR/messaging-providers.log" 2>&1 &
service_pids+=("$!")
for stand_in in 4020 4010 4030; do
  for _ in $(seq 1 120); do curl -s -o /dev/null "http://127.0.0.1:$stand_in/" && break; sleep 0.5; done
done
# One demo account refuses payments (blocked, AC06): its owner's allowance falls back to cash at the post office.
curl -fs -o /dev/null -X PUT -H 'content-type: application/json' -d '{"outcome":"rejected","reasonCode":"AC06"}' \
  http://127.0.0.1:4010/forced-outcomes/52010000123456 || echo "bank stand-in: could not force the demo refusal" >&2

declare -A ports=([beneficiary]=3001 [payment]=3002 [notification]=3003)
for service in beneficiary payment notification; do
  PORT="${ports[$service]}" "$NODE" "dist/apps/$service/apps/$service/src/main.js" >"$RUN_DIR/$service.log" 2>&1 &
  service_pids+=("$!")
done
for service in beneficiary payment notification; do
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:${ports[$service]}/health" >/dev/null && break
    sleep 0.5
  done
  curl -fs "http://127.0.0.1:${ports[$service]}/health" >/dev/null \
    || { echo "$service did not become healthy; see $RUN_DIR/$service.log" >&2; tail -n 30 "$RUN_DIR/$service.log" >&2; exit 1; }
done

token() { "$NODE" dist/apps/beneficiary/libs/platform/src/auth/mint-token.cli.js "$@"; }
officer="$(token --role officer --sub can.bo.ha.tinh --province 42)"
supervisor="$(token --role supervisor --sub lanh.dao.ha.tinh --province 42)"
auditor="$(token --role auditor --sub kiem.toan)"
"$NODE" scripts/demo/load-demo-data.mjs http://127.0.0.1:3001 "$officer"
"$NODE" scripts/demo/link-demo-accounts.mjs http://127.0.0.1:3001 "$officer"
period="$(TZ=Asia/Ho_Chi_Minh date +%Y-%m)"
# Opens, prepares and approves this month for Hà Tĩnh (idempotent); prints the cycle id, progress on stderr.
cycle_id="$("$NODE" scripts/demo/pay-demo-month.mjs http://127.0.0.1:3001 http://127.0.0.1:3002 "$officer" "$supervisor" 42 "$period" \
  "$KAFKA_BROKERS" "${KAFKA_CONSUMER_GROUP_SUFFIX:-}")" \
  || { echo "the demo month could not be paid (see above); the services keep running" >&2; cycle_id="<cycle id>"; }
# Coverage reporting: Hà Tĩnh's months of 2023 as payment rows, summarised by the coverage views. Loaded after
# the demo month is opened, so this month's cycle holds the 12 demo beneficiaries, not 106,413 historical ones.
"$NODE" scripts/demo/load-coverage-demo.mjs "$DATABASE_URL"

cat <<INFO

AnSinh is running.
  beneficiary   http://127.0.0.1:3001   docs http://127.0.0.1:3001/docs   health http://127.0.0.1:3001/health
  payment       http://127.0.0.1:3002   docs http://127.0.0.1:3002/docs   health http://127.0.0.1:3002/health
  notification  http://127.0.0.1:3003   docs http://127.0.0.1:3003/docs   health http://127.0.0.1:3003/health
  population registry (stand-in)  http://127.0.0.1:4020   e.g. POST /citizens/<cccd>/death {"dateOfDeath":"2026-11-20"}
  bank (stand-in)                 http://127.0.0.1:4010   e.g. PUT /accounts/970436/<account> {"holderName":"NGUYEN THI DAO"}
                                  answers instructions on Kafka; force one: PUT /forced-outcomes/<account|cccd> {"outcome":"rejected","reasonCode":"AC04"}
  messaging providers (stand-in)  http://127.0.0.1:4030   SMS / Zalo / e-mail (SMTP :4025) the notification service sent
  kafka         127.0.0.1:9092          postgres $DATABASE_URL          redis $REDIS_URL
  logs          $RUN_DIR/<service>.log
  coverage dashboard  http://127.0.0.1:3002/bao-cao?ky=2023-11   (paste a token below)

Dev tokens (8 h; mint more with: npm run token -- --role officer --province 42):
  officer (Hà Tĩnh)     $officer
  supervisor (Hà Tĩnh)  $supervisor
  auditor (national)    $auditor

This month's allowances ($period, Hà Tĩnh) were approved and are being paid; watch them settle, one fall back to cash:
  export AUDITOR=$auditor
  curl -s -H "authorization: Bearer \$AUDITOR" http://127.0.0.1:3002/cycles/$cycle_id/conservation
  curl -s -H "authorization: Bearer \$AUDITOR" "http://127.0.0.1:3002/payouts?cycleId=$cycle_id"
  curl -s http://127.0.0.1:4010/ledger            what the banks and the post office received and answered
  curl -s http://127.0.0.1:4030/messages          the notices beneficiaries got (SMS, Zalo, e-mail), in Vietnamese

Press Ctrl-C to stop everything this command started.
INFO
wait -n "${service_pids[@]}" || true
echo "a service exited; see $RUN_DIR/*.log" >&2
