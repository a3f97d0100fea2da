#!/usr/bin/env bash
# The one-way dependencies of docs/architecture.md, checked over every include:
#   domain     -> (nothing)
#   config     -> domain
#   collector  -> domain
#   exporters  -> domain
#   server     -> domain, collector, exporters
#   cmd        -> everything
# plus: no "../" includes (they would step around the include roots), and the
# domain includes only the standard library and itself.
set -euo pipefail
src=${1:-$(dirname "$0")/../..}
cd "$src"
declare -A allowed=(
  [domain]="domain"
  [config]="domain config"
  [collector]="domain collector"
  [exporters]="domain exporters"
  [server]="domain collector exporters server"
)
fail=0
for folder in "${!allowed[@]}"; do
  while IFS=: read -r file line text; do
    inc=$(sed -E 's/.*#include "([^"]+)".*/\1/' <<<"$text")
    top=${inc%%/*}
    if [[ $inc == ../* || $inc == */../* ]]; then
      echo "$file:$line: relative include $inc"; fail=1; continue
    fi
    if [[ $inc == */* && " ${allowed[$folder]} " != *" $top "* ]]; then
      echo "$file:$line: $folder/ may not include $inc"; fail=1
    fi
  done < <(grep -rn --include='*.h' --include='*.cc' '#include "' "$folder" || true)
done
# The domain is standard library only, but for three .cc files, whose
# libraries no domain header names: the archives of the tracker's snapshots
# (Boost.Serialization), the alert index (Boost's flat hash maps) and the
# compressed text of settled incidents (zlib).
if grep -rnE --exclude={tracker_snapshot.cc,alert_index.cc,incident_detail.cc} \
    '#include <(boost|spdlog|fmt|prometheus|sqlite3|yaml-cpp|CLI|zlib|openssl)' domain; then
  echo "domain/ includes a third-party header"; fail=1
fi
[[ $fail -eq 0 ]] && echo "layering: ok"
exit $fail
