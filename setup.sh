#!/usr/bin/env bash
# One command from a fresh clone:
#   ./setup.sh serve [voxgate serve flags…]   install what is missing, build, start the server
#   ./setup.sh test                           install what is missing, build, run every check and test
# Installs the Debian packages in scripts/debian-packages.txt (apt-get, as root or via sudo) and
# the npm packages of package-lock.json, then builds dist/. Safe to run again: it only does what
# is missing.
set -euo pipefail
cd "$(dirname "$0")"

usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; }
[ $# -ge 1 ] || { usage; exit 2; }
command="$1"; shift

# Node.js >= 20 is the one prerequisite (Debian 12's own nodejs package is 18).
if ! command -v node >/dev/null 2>&1 || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "setup: Node.js >= 20 is required (found: $(node --version 2>/dev/null || echo none))." >&2
  echo "       Install it from nodejs.org or NodeSource, then run this again." >&2
  exit 1
fi

missing=()
while read -r pkg; do
  case "$pkg" in ''|'#'*) continue ;; esac
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done < scripts/debian-packages.txt
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm packages exactly as locked; native modules build against the system headers (.npmrc).
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build

case "$command" in
  serve)
    exec node bin/voxgate.js serve "$@"
    ;;
  test)
    # PostgreSQL runs the whole suite a second time when it answers on 127.0.0.1:5432.
    if [ -z "${VOXGATE_TEST_POSTGRES_URL:-}" ] && node -e "
      const c = new (require('pg').Client)({ connectionString: 'postgres://postgres@127.0.0.1:5432/test', connectionTimeoutMillis: 2000 });
      c.connect().then(() => c.end()).then(() => process.exit(0), () => process.exit(1));" 2>/dev/null; then
      export VOXGATE_TEST_POSTGRES_URL='postgres://postgres@127.0.0.1:5432/test'
    fi
    echo "setup: storage backends under test: sqlite${VOXGATE_TEST_POSTGRES_URL:+, postgres ($VOXGATE_TEST_POSTGRES_URL)}" >&2
    npm run --silent typecheck
    npm run --silent lint
    npm run --silent format:check
    exec npm test --silent
    ;;
  *)
    usage; exit 2
    ;;
esac
