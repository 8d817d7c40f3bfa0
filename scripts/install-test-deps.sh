#!/usr/bin/env bash
# Installs the Debian packages the test suite runs for real: an OCI registry (docker-registry),
# htpasswd (apache2-utils), skopeo and umoci (independent image checkers), jq, tmux (drives
# interactive prompts in a real terminal), a JDK and real
# JDBC driver jars (SQLite, H2). Safe to run again; does nothing when everything is present.
set -euo pipefail
packages=(docker-registry apache2-utils skopeo umoci jq unzip tmux default-jdk-headless libxerial-sqlite-jdbc-java libh2-java)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "test dependencies: all present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "test dependencies missing (${missing[*]}); run this script as root or install them with apt-get" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "test dependencies: installed"
