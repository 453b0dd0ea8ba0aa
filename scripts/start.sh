#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and starts w2w-server on
# 127.0.0.1:50051 with TLS and its embedded RocksDB store in ./var/w2w-data, loaded with a
# generated demo dataset (20,000 candidates, 4,000 vacancies) the first time. Ctrl-C stops
# it cleanly.
#   W2W_ADDRESS        listen address (default 127.0.0.1:50051)
#   W2W_HTTP_ADDRESS   the web page and /metrics (default 127.0.0.1:8080; empty = off)
#   W2W_DATA           data folder (default ./var/w2w-data)
#   W2W_DEMO_CANDIDATES / W2W_DEMO_VACANCIES   demo size (default 20000 / 4000; 0 = no demo)
#   W2W_TLS            1 (default): TLS with a self-signed demo certificate, made with openssl
#                      the first time (and again when it expires) in $W2W_DATA/tls/; it names
#                      localhost, 127.0.0.1 and ::1 only. 0: plaintext, loopback addresses only.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
address=${W2W_ADDRESS:-127.0.0.1:50051}
http_address=${W2W_HTTP_ADDRESS-127.0.0.1:8080}
data=${W2W_DATA:-$root/var/w2w-data}
demo_c=${W2W_DEMO_CANDIDATES:-20000}
demo_v=${W2W_DEMO_VACANCIES:-4000}
tls=${W2W_TLS:-1}

"$root/scripts/install-deps.sh"
W2W_BUILD_TYPE=${W2W_BUILD_TYPE:-Release} W2W_BUILD_DIR=${W2W_BUILD_DIR:-$root/build-release} \
  "$root/scripts/build.sh" w2w-server w2w w2w-datagen
bin=${W2W_BUILD_DIR:-$root/build-release}
mkdir -p "$data"

# Fresh: nothing in the data folder but (maybe) the certificate folder.
fresh=0
[[ -z "$(find "$data" -mindepth 1 -maxdepth 1 ! -name tls -print -quit)" ]] && fresh=1

server_flags=()
cli_flags=()
[[ -n $http_address ]] && server_flags+=(--web --http_address="$http_address")
tls_dir=$data/tls
cert=$tls_dir/server.pem
key=$tls_dir/server.key
if [[ $tls == 1 ]]; then
  # A new pair when there is none or the certificate expires within a day.
  if [[ ! -s $cert || ! -s $key ]] || ! openssl x509 -checkend 86400 -noout -in "$cert" >/dev/null; then
    mkdir -p "$tls_dir"
    chmod 700 "$tls_dir"
    if ! made=$(umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -nodes -days 365 -subj "/CN=w2w demo (self-signed)" \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
        -keyout "$key" -out "$cert" 2>&1); then
      echo "start.sh: openssl could not make the demo certificate: $made" >&2
      exit 1
    fi
    chmod 600 "$key"
    chmod 644 "$cert"
    echo "Made a self-signed TLS certificate for localhost, 127.0.0.1 and ::1: $cert" >&2
  fi
  server_flags+=(--tls_cert_file="$cert" --tls_key_file="$key")
  cli_flags=(--ca_file="$cert")
fi

# The CLI connects to a wildcard listen address through loopback, which the certificate names.
client_address=$address
case $address in
  0.0.0.0:*) client_address=127.0.0.1:${address##*:} ;;
  \[::\]:*) client_address=[::1]:${address##*:} ;;
esac

log=$(mktemp)
"$bin/service/w2w-server" --address="$address" --data_dir="$data" "${server_flags[@]}" \
  > >(tee "$log") &
server=$!
trap 'kill -TERM $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -f "$log"; exit 0' INT TERM
for _ in $(seq 1 600); do
  grep -q "listening on" "$log" && break
  kill -0 $server 2>/dev/null || { echo "w2w-server did not start" >&2; exit 1; }
  sleep 0.1
done

# The server wrote the first administrator token there at its first start.
token_file=$data/admin.token
cli_flags+=(--token_file="$token_file")

if [[ $fresh == 1 && $demo_c -gt 0 ]]; then
  demo=$(mktemp -d)
  echo "Generating and loading the demo dataset ($demo_c candidates, $demo_v vacancies)..." >&2
  # With a year of outcomes (signals, placements, tracks, follow-ups; outcomes.jsonl) for
  # the same people, loaded after them, so the first `w2w report --by region` has figures.
  "$bin/clients/w2w-datagen" --candidates="$demo_c" --vacancies="$demo_v" --seed=42 \
    --format=csv --outcomes --out="$demo" >/dev/null
  "$bin/clients/w2w" --server="$client_address" "${cli_flags[@]}" import vacancies "$demo/vacancies.csv"
  "$bin/clients/w2w" --server="$client_address" "${cli_flags[@]}" import candidates "$demo/candidates.csv"
  "$bin/clients/w2w" --server="$client_address" "${cli_flags[@]}" import events "$demo/outcomes.jsonl"
  rm -rf "$demo"
fi
if [[ $tls == 1 ]]; then
  how="TLS with the certificate $cert"
  point="  export W2W_CA_FILE=$cert   # the CLI verifies the server against it (or --ca_file)
"
else
  how="plaintext (loopback only)"
  point=""
fi
web=$(sed -n 's/^w2w-server web page on //p' "$log" | head -1)
web_line=""
if [[ -n $web ]]; then
  web_line="The coach's web page: $web/ (log in with the token in $token_file;
the browser will warn about the self-signed certificate). Metrics: $web/metrics
"
fi
cat >&2 <<MSG

w2w-server is serving on $address, $how; data in $data.
$web_line
Try, in another terminal:
$point  export W2W_TOKEN=\$(cat $token_file)   # the administrator token (or --token_file)
  $bin/clients/w2w --server=$client_address info
  $bin/clients/w2w --server=$client_address list vacancies --limit 5
  $bin/clients/w2w --server=$client_address report --by region
  $bin/clients/w2w --server=$client_address shortlist v000002
Press Ctrl-C to stop.
MSG
wait $server
