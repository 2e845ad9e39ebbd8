/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes of scm-enrollctl, as the design fixes them. */
enum
{
  SCM_CTL_EXIT_OK = 0,
  SCM_CTL_EXIT_FAILURE = 1,
  SCM_CTL_EXIT_USAGE = 2,
};

/* Runs scm-enrollctl with its command line; returns the exit code. */
int scm_ctl_run (int    argc,
                 char **argv);

G_END_DECLS
