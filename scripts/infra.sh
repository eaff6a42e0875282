#!/usr/bin/env bash
# Owns the infrastructure AnSinh needs on loopback: Apache Kafka (KRaft, one node, jars from Maven
# Central), PostgreSQL and Redis. Idempotent: `up` starts only what is not already answering and
# records the pid of what it started; `down` stops only those pids, never a service it found running.
# Usage: scripts/infra.sh up | down [kafka|redis|postgresql ...] | status | down-list | fetch
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${ANSINH_INFRA_DIR:-$ROOT/.infra}"
KAFKA_DIR="$STATE/kafka"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_CLUSTER_ID="${KAFKA_CLUSTER_ID:-4L6g3nShT-eMCtK--X86sw}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
PG_HOST="${PGHOST:-127.0.0.1}"
PG_PORT="${PGPORT:-5432}"
REDIS_PORT="${REDIS_PORT:-6379}"

log() { printf '[infra] %s\n' "$*" >&2; }
die() { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }
pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pid() {  # stop_pid <pidfile> <name> <signal>: SIGTERM-like first, SIGKILL after 30 s, that pid only
  local pidfile="$1" name="$2" sig="${3:-TERM}"
  [[ -f "$pidfile" ]] || return 0
  local pid; pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $name (pid $pid)"
    kill -"$sig" "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# ---------- Kafka ----------
kafka_version() { sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$ROOT/tools/kafka/pom.xml" | head -1; }

kafka_fetch() {
  local v; v="$(kafka_version)"
  [[ -f "$KAFKA_DIR/libs/kafka_2.13-$v.jar" ]] && return 0
  command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch the Kafka jars: apt-get install -y maven"
  command -v java >/dev/null || die "Java 17 is needed to run Kafka: apt-get install -y openjdk-17-jre-headless"
  log "fetching Kafka $v jars from Maven Central (first run only)"
  rm -rf "$KAFKA_DIR/libs"; mkdir -p "$KAFKA_DIR/libs"   # never mix two Kafka versions on one classpath
  mvn -B -q -f "$ROOT/tools/kafka/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$KAFKA_DIR/libs"
}

kafka_write_config() {
  mkdir -p "$KAFKA_DIR/logs"
  # Comments must stay on their own lines: in .properties a trailing '#' becomes part of the value.
  cat >"$KAFKA_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${KAFKA_CONTROLLER_PORT}
listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT},CONTROLLER://127.0.0.1:${KAFKA_CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT}
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${KAFKA_DIR}/data
num.partitions=${KAFKA_NUM_PARTITIONS:-3}
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=true
# one broker: the defaults of 3 keep the group coordinator and transactions unavailable forever
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
background.threads=4
log.cleaner.dedupe.buffer.size=2097152
PROPS
  cat >"$KAFKA_DIR/log4j.properties" <<'L4J'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
L4J
}

kafka_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT") 2>/dev/null; }

kafka_up() {
  local pidfile="$KAFKA_DIR/kafka.pid" log="$KAFKA_DIR/broker.log"
  if pid_alive "$pidfile"; then log "kafka already running (pid $(cat "$pidfile"))"; return 0; fi
  if kafka_answers; then log "kafka: something already listens on 127.0.0.1:$KAFKA_PORT; using it"; return 0; fi
  kafka_fetch
  [[ "${KAFKA_KEEP_DATA:-0}" == 1 ]] || rm -rf "$KAFKA_DIR/data"
  kafka_write_config
  local cp="$KAFKA_DIR/libs/*" log_opts=(-Dlog4j.configuration="file:$KAFKA_DIR/log4j.properties" -Dkafka.logs.dir="$KAFKA_DIR/logs")
  java -Xmx256m -cp "$cp" "${log_opts[@]}" kafka.tools.StorageTool format \
       -t "$KAFKA_CLUSTER_ID" -c "$KAFKA_DIR/server.properties" --ignore-formatted >"$KAFKA_DIR/format.log" 2>&1 \
    || { cat "$KAFKA_DIR/format.log" >&2; die "kafka storage format failed"; }
  # shellcheck disable=SC2086
  nohup java $KAFKA_HEAP_OPTS -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
       -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:TieredStopAtLevel=1 \
       -Djava.awt.headless=true "${log_opts[@]}" \
       -cp "$cp" kafka.Kafka "$KAFKA_DIR/server.properties" >"$log" 2>&1 </dev/null &
  echo $! >"$pidfile"
  local waited=0
  until grep -q "Kafka Server started" "$log" 2>/dev/null; do
    pid_alive "$pidfile" || { tail -n 40 "$log" >&2; rm -f "$pidfile"; die "kafka exited during start-up (log: $log)"; }
    (( waited < KAFKA_START_TIMEOUT * 2 )) || { tail -n 40 "$log" >&2; die "kafka not started after ${KAFKA_START_TIMEOUT}s"; }
    sleep 0.5; waited=$((waited + 1))
  done
  log "kafka $(kafka_version) up on 127.0.0.1:$KAFKA_PORT (pid $(cat "$pidfile"), log $log)"
}

# ---------- PostgreSQL ----------
pg_ready() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; }

pg_up() {
  command -v pg_isready >/dev/null || die "PostgreSQL client tools are missing: apt-get install -y postgresql"
  if pg_ready; then log "postgresql answering on $PG_HOST:$PG_PORT"; return 0; fi
  command -v pg_ctlcluster >/dev/null && [[ -d /etc/postgresql ]] \
    || die "PostgreSQL is not running on $PG_HOST:$PG_PORT and no local cluster is installed: apt-get install -y postgresql"
  local version; version="$(ls /etc/postgresql | sort -V | tail -1)"
  log "starting postgresql $version cluster 'main'"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  local pgdata; pgdata="$(pg_conftool -s "$version" main show data_directory 2>/dev/null || echo "/var/lib/postgresql/$version/main")"
  mkdir -p "$STATE"; head -1 "$pgdata/postmaster.pid" >"$STATE/postgres.pid"
  for _ in $(seq 1 60); do pg_ready && break; sleep 0.5; done
  pg_ready || die "postgresql did not become ready"
}

# ---------- Redis ----------
redis_ready() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

redis_up() {
  command -v redis-cli >/dev/null || die "Redis is missing: apt-get install -y redis-server"
  if redis_ready; then
    local policy; policy="$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" config get maxmemory-policy | tail -1)"
    [[ "$policy" == noeviction ]] || log "WARNING: redis maxmemory-policy is '$policy'; BullMQ needs 'noeviction' or jobs can vanish"
    log "redis answering on 127.0.0.1:$REDIS_PORT"; return 0
  fi
  mkdir -p "$STATE/redis"
  log "starting redis-server on 127.0.0.1:$REDIS_PORT"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --maxmemory-policy noeviction --dir "$STATE/redis" --pidfile "$STATE/redis.pid" --logfile "$STATE/redis/redis.log"
  for _ in $(seq 1 40); do redis_ready && break; sleep 0.25; done
  redis_ready || die "redis did not become ready (log: $STATE/redis/redis.log)"
}

status() {
  local rc=0
  if kafka_answers; then echo "kafka       up   127.0.0.1:$KAFKA_PORT$(pid_alive "$KAFKA_DIR/kafka.pid" && echo " (started by us, pid $(cat "$KAFKA_DIR/kafka.pid"))")"; else echo "kafka       down"; rc=1; fi
  if pg_ready; then echo "postgresql  up   $PG_HOST:$PG_PORT$(pid_alive "$STATE/postgres.pid" && echo " (started by us)")"; else echo "postgresql  down"; rc=1; fi
  if redis_ready; then echo "redis       up   127.0.0.1:$REDIS_PORT$(pid_alive "$STATE/redis.pid" && echo " (started by us)")"; else echo "redis       down"; rc=1; fi
  return $rc
}

case "${1:-}" in
  up) mkdir -p "$STATE"; pg_up; redis_up; kafka_up ;;
  down)
    # `down` alone stops everything this script started; `down kafka redis` only those components.
    shift; components=("${@:-kafka redis postgresql}"); components=(${components[*]})
    for component in "${components[@]}"; do
      case "$component" in
        kafka) stop_pid "$KAFKA_DIR/kafka.pid" kafka TERM ;;
        redis) stop_pid "$STATE/redis.pid" redis TERM ;;
        postgresql) stop_pid "$STATE/postgres.pid" postgresql INT ;;
        *) die "unknown component '$component' (kafka, redis, postgresql)" ;;
      esac
    done ;;
  down-list)
    # Components that are down now: what an `up` would start, and so what its caller should stop.
    kafka_answers || echo kafka; redis_ready || echo redis; pg_ready || echo postgresql ;;
  status) status ;;
  fetch) kafka_fetch ;;
  *) echo "usage: $0 up|down|status|fetch" >&2; exit 2 ;;
esac
