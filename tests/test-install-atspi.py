#!/usr/bin/env python3
# Copyright 2026 The ScmEnroll Authors
# SPDX-License-Identifier: GPL-3.0-or-later
"""Starts the program given on the command line, waits for its window and
reads its labels through AT-SPI, as a screen reader would. Fails unless the
sidebar's pages carry their German names (from the installed .mo file)
and none carries its English one, or if the program exits early.

Usage: test-install-atspi.py PROGRAM [ARGS…]   (on a private session bus)"""

import subprocess
import sys
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi, GLib  # noqa: E402

GERMAN = ["Registrierungsformulare", "Personen", "Zertifikate", "Prüfprotokoll"]
ENGLISH = ["Enrollment Forms", "Persons", "Certificates", "Audit Log"]


def names(accessible, found, depth=0):
    if depth > 60:
        return
    try:
        name = accessible.get_name()
        count = accessible.get_child_count()
    except GLib.Error:
        return
    if name:
        found.add(name)
    for i in range(count):
        try:
            child = accessible.get_child_at_index(i)
        except GLib.Error:
            continue
        if child is not None:
            names(child, found, depth + 1)


def find_app():
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is not None and app.get_name() == "scm-enroll":
            return app
    return None


app_process = subprocess.Popen(sys.argv[1:])
found = set()
try:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if app_process.poll() is not None:
            sys.exit("the app exited with status %d before showing its window" % app_process.returncode)
        app = find_app()
        if app is not None:
            found = set()
            names(app, found)
            if all(word in found for word in GERMAN):
                break
        time.sleep(0.5)
    print("labels: " + ", ".join(sorted(found)[:60]))
    missing = [word for word in GERMAN if word not in found]
    english = [word for word in ENGLISH if word in found]
    if missing:
        sys.exit("the window shows no %s" % ", ".join(missing))
    if english:
        sys.exit("the window still shows %s in English" % ", ".join(english))
    if app_process.poll() is not None:
        sys.exit("the app exited with status %d" % app_process.returncode)
    print("the window shows " + ", ".join(GERMAN))
finally:
    if app_process.poll() is None:
        app_process.terminate()
        try:
            app_process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            app_process.kill()
