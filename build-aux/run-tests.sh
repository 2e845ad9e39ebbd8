#!/bin/sh
# Builds ScmEnroll and runs every test: once in a normal build, once with
# AddressSanitizer + UndefinedBehaviorSanitizer. GTK tests need a display and
# a session bus, so the whole run happens under xvfb-run and dbus-run-session.
# Ends with the line "N passed, N failed".
set -u
cd "$(dirname "$0")/.."

# Without the packages nothing can run: say so in the summary line too.
build-aux/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }

status=0
run_suite () {
  dir=$1
  shift
  # --reconfigure also resets options an earlier local setup changed
  # (e.g. -Dui_tests=false), so every suite always runs here.
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" || return 1
  else
    meson setup --reconfigure "$dir" -Dui_tests=true "$@" || return 1
  fi
  # A log left by an earlier run must not count: a build that fails now
  # leaves no log, and count-results.py counts that as a failure.
  rm -f "$dir/meson-logs/testlog.json"
  meson compile -C "$dir" || return 1
  dbus-run-session -- xvfb-run -a -s "-screen 0 1280x1024x24" \
    meson test -C "$dir" --print-errorlogs --num-processes 2 || return 1
}

run_suite build || status=1
ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  run_suite build-asan -Db_sanitize=address,undefined -Db_lundef=false || status=1

python3 build-aux/count-results.py build build-asan
exit $status
