#!/bin/sh
# Recreates data/screenshots/*.png, the screenshots the AppStream metainfo
# shows: the admin window with sample data (an organization, delegated
# domains, persons, certificates, a form) and the enroll window signed in
# to that form, taken from the app itself under Xvfb.
#
# Usage: build-aux/take-screenshots.sh [BUILD_DIR]   (default: build)
# Needs Xvfb, xdotool and ImageMagick's import (build-aux/install-deps.sh).
set -eu
cd "$(dirname "$0")/.."
top=$PWD
build=${1:-build}

[ -f "$build/build.ninja" ] || meson setup "$build"
meson compile -C "$build"
build=$(cd "$build" && pwd)

tmp=$(mktemp -d)
pids=""
cleanup () {
  for pid in $pids; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# A display of our own, the size of a common laptop screen.
display=60
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do
  display=$((display + 1))
done
Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
pids="$pids $!"
export DISPLAY=":$display"
# The same look everywhere: no user settings, no accessibility bus, English.
export GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" NO_AT_BRIDGE=1
export LANGUAGE=C LC_ALL=C.UTF-8
for _ in 1 2 3 4 5 6 7 8 9 10; do
  xdotool getmouselocation >/dev/null 2>&1 && break
  sleep 0.5
done

# Sample data, made the way an administrator would with scm-enrollctl.
data="$tmp/data"
port=18443
while ss -ltn 2>/dev/null | grep -q ":$port "; do port=$((port + 1)); done
ctl () { "$build/src/scm-enrollctl" --data-dir "$data" "$@" >/dev/null; }
ctl settings set server.listen "127.0.0.1:$port"
ctl settings set server.public-url "https://127.0.0.1:$port"
ctl org add "Example Inc." --secondary-name "Example Incorporated" --country DE
ctl dept add "Example Inc." Sales
ctl dept add "Example Inc." Engineering
ctl domain add example.com --org "Example Inc." --validated
ctl domain add lab.example.com --org "Example Inc." --dept Engineering
ctl org add "Northwind Research" --country NL
ctl domain add northwind.example --org "Northwind Research" --validated
ctl form add "Staff Certificates" --auth secret-id --uri-extension staff-certificates \
  --help-text "Sign in with your work email and the Secret ID from the IT welcome letter." \
  --help-link-text "PKI help pages" --help-link-url "https://pki.example.com/help" \
  --contact "IT service desk, ext. 4357"
ctl form add "Northwind Enrollment" --uri-extension northwind-research
ctl account add "Staff Certificates" "All Staff" --org "Example Inc." \
  --profile "Client Authentication" --profile "S/MIME Mailbox (Strict)" --csr server --csr client
ctl account add "Northwind Enrollment" "Researchers" --org "Northwind Research" \
  --profile "S/MIME + Client (Multipurpose)" --authorization access-code
printf 'Harbour-Lantern-Quartz-42\n' > "$tmp/secret"
ctl person add ada@example.com --first Ada --last Lovelace --org "Example Inc." --dept Engineering \
  --secret-id-file "$tmp/secret"
ctl person add grace@example.com --first Grace --last Hopper --org "Example Inc." --dept Engineering \
  --generate-secret-id
ctl person add alan@example.com --first Alan --last Turing --org "Example Inc." --dept Sales
ctl person add katherine@example.com --first Katherine --last Johnson --org "Example Inc." \
  --validation high
ctl person add emmy@northwind.example --first Emmy --last Noether --org "Northwind Research" \
  --phone "+31 20 555 0100"
ctl person add hedy@northwind.example --first Hedy --last Lamarr --org "Northwind Research"
printf 'correct horse battery staple\n' > "$tmp/p12-password"
for who in grace@example.com alan@example.com emmy@northwind.example; do
  ctl issue "$who" --profile "S/MIME + Client (Multipurpose)" --password-file "$tmp/p12-password" \
    --out "$tmp/$who.p12"
done
ctl issue grace@example.com --profile "Client Authentication" --key-type RSA-3072 \
  --password-file "$tmp/p12-password" --out "$tmp/grace-rsa.p12"
ctl revoke --person alan@example.com --reason affiliation-changed

mkdir -p data/screenshots
# Waits for a visible window whose title matches $1; prints its id.
window () {
  for _ in $(seq 1 120); do
    id=$(xdotool search --onlyvisible --name "$1" 2>/dev/null | head -n 1) || true
    if [ -n "$id" ]; then echo "$id"; return 0; fi
    sleep 0.5
  done
  echo "no window “$1” appeared" >&2
  return 1
}
# Captures window $1 into data/screenshots/$2.png, small and without metadata.
shoot () {
  sleep 1.5   # let the list load and the frame settle
  import -window "$1" "$tmp/shot.png"
  convert "$tmp/shot.png" -strip -define png:compression-level=9 "data/screenshots/$2.png"
  echo "data/screenshots/$2.png"
}
# Clicks at $2,$3 inside window $1.
click () {
  xdotool mousemove --window "$1" "$2" "$3" click 1
}

# The admin window, 1180×700, its enrollment server running: the persons,
# the certificates, the forms.
"$build/src/scm-enroll" --data-dir "$data" &
pids="$pids $!"
admin=$(window '^ScmEnroll$')
xdotool windowsize "$admin" 1180 700 windowmove "$admin" 0 0
sleep 3
click "$admin" 1030 28      # the header bar's server switch
sleep 3
# The sidebar's rows, 38 pixels apart below the header bar.
click "$admin" 100 152      # Persons
shoot "$admin" admin-persons
click "$admin" 100 190      # Certificates
shoot "$admin" admin-certificates
click "$admin" 100 76       # Enrollment Forms
shoot "$admin" admin-forms

# The enroll window of an end user, signed in to the Secret ID form of the
# server the admin window runs, at the request step.
pin=$("$build/src/scm-enrollctl" --data-dir "$data" ca show | sed -n 's/^Root pin: *//p')
[ -n "$pin" ] || { echo "scm-enrollctl ca show printed no pin" >&2; exit 1; }
"$build/src/scm-enroll" --enroll "https://127.0.0.1:$port/enroll/staff-certificates#$pin" &
pids="$pids $!"
enroll=$(window '^Enroll a Certificate$')
xdotool windowsize "$enroll" 600 760 windowmove "$enroll" 0 0
sleep 1
if [ -n "${SCM_SCREENSHOT_DEBUG:-}" ]; then
  echo "DISPLAY=$DISPLAY enroll=$enroll data=$data; waiting" >&2
  sleep 600
fi
click "$enroll" 285 427     # Connect
sleep 3
click "$enroll" 200 305     # Email Address
xdotool type --delay 15 ada@example.com
click "$enroll" 200 360     # Secret ID
xdotool type --delay 15 "$(cat "$tmp/secret")"
xdotool mousemove 1270 790  # no hover highlight in the picture
shoot "$enroll" enroll-sign-in
click "$enroll" 285 427     # Sign In
sleep 3
click "$enroll" 285 388     # Continue with the account
sleep 3
xdotool mousemove 1270 790
shoot "$enroll" enroll-request
rm -f data/screenshots/enroll-link.png
echo "Screenshots are in $top/data/screenshots"
