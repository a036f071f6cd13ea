#!/usr/bin/env bash
# System packages the test suite and the optional runners need (Debian/Ubuntu). Safe to run again:
# each ensure_* function checks first and installs only what is missing; `apt-get update` runs at
# most once, and only when something must be installed. Add new needs as ensure_* functions and
# call them at the bottom.
set -euo pipefail

APT_UPDATED=0

log() {
    echo "system-deps: $*" >&2
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        log "need root to run: $*"
        return 1
    fi
}

apt_update_once() {
    if ! command -v apt-get >/dev/null 2>&1; then
        log "apt-get not found: install the missing packages by hand"
        return 1
    fi
    if [ "$APT_UPDATED" -eq 0 ]; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        APT_UPDATED=1
    fi
}

apt_install() {
    apt_update_once
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# Install the first of the given packages that the package lists offer.
apt_install_first() {
    local pkg
    apt_update_once
    for pkg in "$@"; do
        if apt-cache show "$pkg" >/dev/null 2>&1; then
            apt_install "$pkg"
            return 0
        fi
    done
    log "none of these packages is available: $*"
    return 1
}

# The major version of the `java` on PATH (0 when there is none).
java_major() {
    local version
    command -v java >/dev/null 2>&1 || { echo 0; return; }
    version="$(java -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\)\(\.[0-9]*\)*.*".*/\1/p' | head -n 1)"
    echo "${version:-0}"
}

# Java 17+ for PySpark (accords.spark, `accords spark-extract`, tests/test_spark.py).
ensure_java() {
    local major
    major="$(java_major)"
    if [ "$major" -ge 17 ]; then
        return 0
    fi
    log "installing a Java 17 runtime (found: ${major/#0/none})"
    # 17 where the distribution has it; a newer LTS (which PySpark 4 also runs on) otherwise
    apt_install_first openjdk-17-jre-headless openjdk-21-jre-headless default-jre-headless
    major="$(java_major)"
    if [ "$major" -lt 17 ]; then
        log "Java 17 was installed but \`java\` on PATH is version $major; set JAVA_HOME or update-alternatives"
        return 1
    fi
}

# Chromium for the browser tests of the dashboard (tests/test_web.py: Playwright drives
# /usr/bin/chromium; the tests never download a browser). chromium-driver comes with it.
ensure_chromium() {
    if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
        return 0
    fi
    log "installing chromium and chromium-driver"
    apt_install chromium chromium-driver
    if ! command -v chromium >/dev/null 2>&1; then
        log "chromium was installed but is not on PATH"
        return 1
    fi
}

# A PostgreSQL server's binaries (initdb, pg_ctl, postgres) and the contrib extensions (unaccent)
# for the PostgreSQL storage tests (tests/conftest_pg.py starts a throwaway cluster with them; no
# service is started or enabled here).
postgres_bindir() {
    local initdb
    initdb="$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)"
    [ -n "$initdb" ] && dirname "$initdb"
}

ensure_postgres() {
    local bindir
    bindir="$(postgres_bindir || true)"
    if [ -n "$bindir" ] && [ -x "$bindir/pg_ctl" ] && ls /usr/share/postgresql/*/extension/unaccent.control >/dev/null 2>&1; then
        return 0
    fi
    log "installing PostgreSQL (server binaries and contrib) for the storage tests"
    apt_install postgresql postgresql-contrib
    bindir="$(postgres_bindir || true)"
    if [ -z "$bindir" ] || [ ! -x "$bindir/pg_ctl" ]; then
        log "postgresql was installed but no /usr/lib/postgresql/*/bin/pg_ctl was found"
        return 1
    fi
}

ensure_java
ensure_chromium
ensure_postgres
