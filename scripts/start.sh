#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and starts w2w-server on
# 127.0.0.1:50051 with its embedded RocksDB store in ./var/w2w-data, loaded with a generated
# demo dataset (20,000 candidates, 4,000 vacancies) the first time. Ctrl-C stops it cleanly.
#   W2W_ADDRESS        listen address (default 127.0.0.1:50051)
#   W2W_DATA           data folder (default ./var/w2w-data)
#   W2W_DEMO_CANDIDATES / W2W_DEMO_VACANCIES   demo size (default 20000 / 4000; 0 = no demo)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
address=${W2W_ADDRESS:-127.0.0.1:50051}
data=${W2W_DATA:-$root/var/w2w-data}
demo_c=${W2W_DEMO_CANDIDATES:-20000}
demo_v=${W2W_DEMO_VACANCIES:-4000}

"$root/scripts/install-deps.sh"
W2W_BUILD_TYPE=${W2W_BUILD_TYPE:-Release} W2W_BUILD_DIR=${W2W_BUILD_DIR:-$root/build-release} \
  "$root/scripts/build.sh" w2w-server w2w w2w-datagen
bin=${W2W_BUILD_DIR:-$root/build-release}
mkdir -p "$data"

fresh=0
[[ -z "$(ls -A "$data" 2>/dev/null)" ]] && fresh=1

log=$(mktemp)
"$bin/service/w2w-server" --address="$address" --data_dir="$data" > >(tee "$log") &
server=$!
trap 'kill -TERM $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -f "$log"; exit 0' INT TERM
for _ in $(seq 1 600); do
  grep -q "listening on" "$log" && break
  kill -0 $server 2>/dev/null || { echo "w2w-server did not start" >&2; exit 1; }
  sleep 0.1
done

if [[ $fresh == 1 && $demo_c -gt 0 ]]; then
  demo=$(mktemp -d)
  echo "Generating and loading the demo dataset ($demo_c candidates, $demo_v vacancies)..." >&2
  "$bin/clients/w2w-datagen" --candidates="$demo_c" --vacancies="$demo_v" --seed=42 \
    --format=csv --out="$demo" >/dev/null
  "$bin/clients/w2w" --server="$address" import vacancies "$demo/vacancies.csv"
  "$bin/clients/w2w" --server="$address" import candidates "$demo/candidates.csv"
  rm -rf "$demo"
fi
cat >&2 <<MSG

w2w-server is serving on $address (data in $data). Try, in another terminal:
  $bin/clients/w2w --server=$address info
  $bin/clients/w2w --server=$address list vacancies --limit 5
  $bin/clients/w2w --server=$address shortlist v000002
Press Ctrl-C to stop.
MSG
wait $server
