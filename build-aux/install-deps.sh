#!/bin/sh
# Installs the Debian 12 packages ScmEnroll needs to build, run and test.
# Safe to run again: it only calls apt-get when something is missing.
set -eu

PACKAGES="
  meson ninja-build pkg-config gcc
  libglib2.0-dev libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev
  libjson-glib-dev libssl-dev libsqlite3-dev libcurl4-openssl-dev
  glib-networking desktop-file-utils appstream gettext
  xvfb xauth dbus dbus-x11 imagemagick
  openssl sqlite3 libnss3-tools gnutls-bin default-jre-headless
  strongswan-pki libstrongswan-extra-plugins curl
  python3 python3-gi gir1.2-atspi-2.0 at-spi2-core librsvg2-bin xdotool
"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  exit 0
fi

echo "Installing:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
$SUDO apt-get update -q
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
