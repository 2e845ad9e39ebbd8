#!/usr/bin/env python3
# Copyright 2026 The ScmEnroll Authors
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the files that package ScmEnroll for the desktop: the Flatpak
manifest, po/POTFILES.in against the sources, and every translation.

Usage: test-desktop-files.py SOURCE_ROOT MSGFMT
Prints TAP; each check is one test point."""

import json
import os
import re
import subprocess
import sys

SOURCE_ROOT, MSGFMT = sys.argv[1], sys.argv[2]
APP_ID = "org.example.ScmEnroll"

# What marks a string for translation in C: _("…"), N_("…"), C_(…),
# NC_(…) and the ngettext family, as xgettext's glib preset knows them.
MARKED_C = re.compile(r"(?<![A-Za-z0-9_])(?:N?C?_|g_dngettext|ngettext)\s*\(")
MARKED_UI = re.compile(r'translatable="yes"')

results = []


def check(name, problems):
    results.append((name, problems))


def read(path):
    with open(os.path.join(SOURCE_ROOT, path), encoding="utf-8") as f:
        return f.read()


def flatpak_manifest():
    path = "build-aux/flatpak/%s.json" % APP_ID
    problems = []
    try:
        manifest = json.loads(read(path))
    except (OSError, ValueError) as e:
        return ["%s does not parse as JSON: %s" % (path, e)]
    expect = {
        "id": APP_ID,
        "command": "scm-enroll",
        "runtime": "org.gnome.Platform",
        "sdk": "org.gnome.Sdk",
    }
    for key, value in expect.items():
        if manifest.get(key) != value:
            problems.append("%s: %s is %r, not %r" % (path, key, manifest.get(key), value))
    if manifest.get("runtime-version") is None or not str(manifest["runtime-version"]).isdigit():
        problems.append("%s: runtime-version names no GNOME release" % path)
    args = manifest.get("finish-args", [])
    notes = manifest.get("x-notes", {})
    for arg in args:
        if arg not in notes:
            problems.append("%s: %s has no justification in x-notes" % (path, arg))
    for arg in args:
        if arg.startswith("--filesystem=") and arg.split("=", 1)[1].split(":")[0] in ("home", "host", "host-os"):
            problems.append("%s: %s gives away the home directory; files go through the portal" % (path, arg))
    for needed in ("--share=network", "--socket=wayland", "--socket=fallback-x11"):
        if needed not in args:
            problems.append("%s: finish-args lacks %s" % (path, needed))
    modules = manifest.get("modules", [])
    if not modules or modules[-1].get("name") != "scm-enroll":
        problems.append("%s: the last module is not scm-enroll" % path)
    else:
        sources = modules[-1].get("sources", [])
        if not any(s.get("type") == "dir" for s in sources):
            problems.append("%s: scm-enroll is not built from the local directory" % path)
    return problems


def potfiles():
    problems = []
    listed = []
    for line in read("po/POTFILES.in").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            listed.append(line)
    for path in listed:
        if not os.path.isfile(os.path.join(SOURCE_ROOT, path)):
            problems.append("po/POTFILES.in lists %s, which does not exist" % path)
    if len(set(listed)) != len(listed):
        problems.append("po/POTFILES.in lists a file twice")

    wanted = []
    for folder, _dirs, files in os.walk(os.path.join(SOURCE_ROOT, "src")):
        for name in files:
            if name.endswith(".c"):
                path = os.path.relpath(os.path.join(folder, name), SOURCE_ROOT)
                if MARKED_C.search(read(path)):
                    wanted.append(path)
    for name in os.listdir(os.path.join(SOURCE_ROOT, "data", "ui")):
        if name.endswith(".ui"):
            path = "data/ui/" + name
            if MARKED_UI.search(read(path)):
                wanted.append(path)
    wanted += [
        "%s.desktop" % APP_ID,
        "data/%s.metainfo.xml.in" % APP_ID,
        "data/%s.gschema.xml" % APP_ID,
    ]
    for path in sorted(wanted):
        if path not in listed:
            problems.append("%s has translatable strings but is not in po/POTFILES.in" % path)
    return problems


def translations():
    problems = []
    linguas = read("po/LINGUAS").split()
    if not linguas:
        problems.append("po/LINGUAS lists no language")
    for lang in linguas:
        po = os.path.join(SOURCE_ROOT, "po", lang + ".po")
        if not os.path.isfile(po):
            problems.append("po/LINGUAS lists %s but po/%s.po does not exist" % (lang, lang))
            continue
        run = subprocess.run([MSGFMT, "--check", "--statistics", "-o", os.devnull, po],
                             capture_output=True, text=True)
        # The statistics go to stderr; show them in the log either way.
        print("# po/%s.po: %s" % (lang, run.stderr.strip().replace("\n", "\n# ")))
        if run.returncode != 0:
            problems.append("msgfmt --check refuses po/%s.po" % lang)
    return problems


check("flatpak manifest parses and names the app id, command and justified permissions", flatpak_manifest())
check("po/POTFILES.in lists every file with translatable strings, and only existing files", potfiles())
check("every translation in po/LINGUAS passes msgfmt --check", translations())

print("1..%d" % len(results))
failed = False
for number, (name, problems) in enumerate(results, 1):
    for problem in problems:
        print("# " + problem)
    print("%s %d - %s" % ("not ok" if problems else "ok", number, name))
    failed = failed or bool(problems)
sys.exit(1 if failed else 0)
