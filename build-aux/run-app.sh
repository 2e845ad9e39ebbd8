#!/bin/sh
# Builds ScmEnroll and runs the admin window on its embedded default:
# a data directory of its own (created on first run, with its own CA).
# Arguments are passed to scm-enroll (e.g. --data-dir DIR, --enroll URL).
set -eu
cd "$(dirname "$0")/.."

build-aux/install-deps.sh
[ -f build/build.ninja ] || meson setup build
meson compile -C build
# Uninstalled, the app finds its GSettings schema (compiled into the build
# directory) only through GSETTINGS_SCHEMA_DIR.
GSETTINGS_SCHEMA_DIR="$PWD/build/data${GSETTINGS_SCHEMA_DIR:+:$GSETTINGS_SCHEMA_DIR}"
export GSETTINGS_SCHEMA_DIR
exec build/src/scm-enroll "$@"
