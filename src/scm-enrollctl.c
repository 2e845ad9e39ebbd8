/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-enrollctl"

#include "config.h"

#include <glib.h>
#include <locale.h>

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  if (argc < 2)
    {
      g_printerr ("Usage: scm-enrollctl COMMAND [ARGS…]\n");
      return 2;
    }
  g_printerr ("scm-enrollctl: unknown command “%s”\n", argv[1]);
  return 2;
}
