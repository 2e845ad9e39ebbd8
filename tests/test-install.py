#!/usr/bin/env python3
# Copyright 2026 The ScmEnroll Authors
# SPDX-License-Identifier: GPL-3.0-or-later
"""Installs the build into a temporary DESTDIR and checks what a user gets:
every file in its place, valid desktop and metainfo files, a systemd unit
that runs the installed scm-enrollctl, and the installed scm-enroll
speaking German from the installed .mo file, on the command line and in its
window (read back through the accessibility tree, as a screen reader would).

Usage: test-install.py MESON BUILD_ROOT SOURCE_ROOT PREFIX BINDIR DATADIR LOCALEDIR UNIT_DIR
Prints TAP."""

import os
import random
import shutil
import subprocess
import sys
import tempfile

MESON, BUILD_ROOT, SOURCE_ROOT, PREFIX, BINDIR, DATADIR, LOCALEDIR, UNIT_DIR = sys.argv[1:9]
APP_ID = "org.example.ScmEnroll"
HERE = os.path.dirname(os.path.abspath(__file__))

points = []


def point(name, problems):
    points.append((name, problems))


def staged(path):
    """Where an absolute install path lands under DESTDIR."""
    return os.path.join(destdir, os.path.relpath(path, "/"))


def run(argv, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, **kwargs)


def system_python():
    # The accessibility probe needs PyGObject, which Debian installs for its
    # own python3 (python3-gi), not for one a user may have put first on PATH.
    for candidate in ("/usr/bin/python3", shutil.which("python3")):
        if candidate and run([candidate, "-c", "import gi"]).returncode == 0:
            return candidate
    return None


def start_xvfb():
    """An X server of our own; returns (process, display) once it is ready
    (-displayfd says when). The display comes from a range that desktops
    and xvfb-run leave alone; a taken one makes Xvfb exit, and the next is
    tried. -ac: only its local socket listens, and no cookie is set up.
    -noreset: the accessibility bus launcher connects and leaves before the
    app starts, and a server resetting then refuses the app's connection."""
    for number in random.sample(range(150, 400), 40):
        read_end, write_end = os.pipe()
        process = subprocess.Popen(["Xvfb", ":%d" % number, "-displayfd", str(write_end),
                                    "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-ac", "-noreset"],
                                   pass_fds=(write_end,),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as f:
            ready = f.readline().strip()
        if ready:
            return process, ":%d" % number
        process.wait()
    return None, None


destdir = tempfile.mkdtemp(prefix="scm-install-")
try:
    # 1. The install itself.
    result = run([MESON, "install", "-C", BUILD_ROOT, "--no-rebuild", "--quiet", "--destdir", destdir])
    point("meson install --destdir succeeds",
          [] if result.returncode == 0 else ["meson install failed:\n" + result.stdout + result.stderr])

    # 2. Every file a desktop needs, where the desktop looks for it.
    expected = [
        os.path.join(BINDIR, "scm-enroll"),
        os.path.join(BINDIR, "scm-enrollctl"),
        os.path.join(DATADIR, "applications", APP_ID + ".desktop"),
        os.path.join(DATADIR, "metainfo", APP_ID + ".metainfo.xml"),
        os.path.join(DATADIR, "icons", "hicolor", "scalable", "apps", APP_ID + ".svg"),
        os.path.join(DATADIR, "icons", "hicolor", "symbolic", "apps", APP_ID + "-symbolic.svg"),
        os.path.join(DATADIR, "glib-2.0", "schemas", APP_ID + ".gschema.xml"),
        os.path.join(LOCALEDIR, "de", "LC_MESSAGES", "scm-enroll.mo"),
        os.path.join(UNIT_DIR, "scm-enrollctl.service"),
    ]
    missing = ["%s is not installed" % path for path in expected if not os.path.isfile(staged(path))]
    for program in expected[:2]:
        if os.path.isfile(staged(program)) and not os.access(staged(program), os.X_OK):
            missing.append("%s is not executable" % program)
    outside = []
    for folder, _dirs, files in os.walk(destdir):
        for name in files:
            path = "/" + os.path.relpath(os.path.join(folder, name), destdir)
            if not path.startswith(PREFIX.rstrip("/") + "/"):
                outside.append("%s is installed outside the prefix %s" % (path, PREFIX))
    point("every file is installed under the prefix", missing + outside)

    # 3. The installed data files are valid for the tools that read them,
    #    and carry the German translation.
    problems = []
    desktop = staged(expected[2])
    metainfo = staged(expected[3])
    if os.path.isfile(desktop):
        result = run(["desktop-file-validate", desktop])
        if result.returncode != 0:
            problems.append("desktop-file-validate: " + result.stdout + result.stderr)
        with open(desktop, encoding="utf-8") as f:
            text = f.read()
        if "Comment[de]=" not in text:
            problems.append("the installed desktop file has no German Comment")
    if os.path.isfile(metainfo):
        result = run(["appstreamcli", "validate", "--no-net", metainfo])
        if result.returncode != 0:
            problems.append("appstreamcli validate: " + result.stdout + result.stderr)
        with open(metainfo, encoding="utf-8") as f:
            if 'xml:lang="de"' not in f.read():
                problems.append("the installed metainfo has no German text")
    schemas = os.path.dirname(staged(expected[6]))
    result = run(["glib-compile-schemas", "--strict", schemas])
    if result.returncode != 0:
        problems.append("glib-compile-schemas: " + result.stderr)
    point("the installed desktop file, metainfo and schema are valid and translated", problems)

    # 4. The unit runs the scm-enrollctl that was installed with it.
    problems = []
    unit = staged(expected[8])
    if os.path.isfile(unit):
        with open(unit, encoding="utf-8") as f:
            exec_lines = [l for l in f.read().splitlines() if l.startswith("ExecStart=")]
        want = "ExecStart=%s serve" % os.path.join(BINDIR, "scm-enrollctl")
        if exec_lines != [want]:
            problems.append("the unit says %r, not %r" % (exec_lines, want))
    else:
        problems.append("no unit installed")
    point("the systemd unit starts the installed scm-enrollctl", problems)

    # 5. The installed programs start and speak German with LANGUAGE=de.
    #    C.UTF-8 is always there; gettext honours LANGUAGE with any locale
    #    but "C" itself, so no German locale needs to be generated.
    env = dict(os.environ)
    for var in ("LC_ALL", "LC_MESSAGES", "NO_AT_BRIDGE", "GTK_A11Y"):
        env.pop(var, None)
    env.update(LANG="C.UTF-8", LANGUAGE="de", GSETTINGS_BACKEND="memory",
               GSETTINGS_SCHEMA_DIR=schemas,
               XDG_DATA_DIRS=staged(DATADIR) + ":" + env.get("XDG_DATA_DIRS", "/usr/local/share:/usr/share"))
    problems = []
    result = run([staged(expected[0]), "--help"], env=env)
    # The --data-dir option's description, from our .mo (GLib's own
    # "Hilfeoptionen" would come from the system's glib20.mo).
    if result.returncode != 0 or "für die Datenbank" not in result.stdout:
        problems.append("scm-enroll --help is not German:\n" + result.stdout + result.stderr)
    result = run([staged(expected[1]), "--version"], env=env)
    if result.returncode != 0:
        problems.append("scm-enrollctl --version failed: " + result.stderr)
    point("the installed programs run and scm-enroll --help is German", problems)

    python = system_python()
    if shutil.which("Xvfb") is None:
        point("the installed app shows German strings in its window", ["Xvfb is missing (Debian: xvfb)"])
    elif python is None:
        point("the installed app shows German strings in its window",
              ["no python3 with PyGObject (Debian: python3-gi, gir1.2-atspi-2.0)"])
    else:
        data_dir = os.path.join(destdir, "data")
        # An X server and a session bus of its own: the accessibility bus
        # that starts for the probe announces itself on the X root window
        # (AT_SPI_BUS), and on a shared display the other GTK tests would
        # then try to reach it after it is gone.
        xvfb, display = start_xvfb()
        if xvfb is None:
            point("the installed app shows German strings in its window", ["Xvfb did not start"])
        else:
            try:
                for var in ("WAYLAND_DISPLAY", "XAUTHORITY"):
                    env.pop(var, None)
                env["DISPLAY"] = display
                result = run(["dbus-run-session", "--", python, os.path.join(HERE, "test-install-atspi.py"),
                              staged(expected[0]), "--data-dir", data_dir],
                             env=env, timeout=240)
            finally:
                xvfb.terminate()
                xvfb.wait()
            sys.stdout.write("".join("# " + l + "\n" for l in result.stdout.splitlines()))
            point("the installed app shows German strings in its window",
                  [] if result.returncode == 0 else ["the window check failed:\n" + result.stderr[-3000:]])
finally:
    shutil.rmtree(destdir, ignore_errors=True)

print("1..%d" % len(points))
failed = False
for number, (name, problems) in enumerate(points, 1):
    for problem in problems:
        print("# " + problem.replace("\n", "\n# "))
    print("%s %d - %s" % ("not ok" if problems else "ok", number, name))
    failed = failed or bool(problems)
sys.exit(1 if failed else 0)
