/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A fresh temporary directory, removed with everything in it by
 * scm_test_remove_tree(). */
char     *scm_test_make_tmp_dir (const char *template_name);
void      scm_test_remove_tree  (const char *path);

/* Runs @argv (NULL-terminated) with optional @stdin_text; returns the exit
 * status and fills @out_stdout / @out_stderr (nullable). */
int       scm_test_run          (const char *const *argv,
                                 const char        *stdin_text,
                                 char             **out_stdout,
                                 char             **out_stderr);

/* TRUE if @program is on PATH; otherwise marks the test skipped with the
 * Debian package that provides it. */
gboolean  scm_test_require_tool (const char *program,
                                 const char *package);

G_END_DECLS
