/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-enroll"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "scm-application.h"

/* Translations installed next to this binary: a tree installed with
 * DESTDIR or moved after "meson install" still finds its own .mo files
 * instead of those (if any) under the configured prefix. */
static char *
find_localedir (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *bindir = NULL;
  g_autofree char *localedir = NULL;
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (exe == NULL || g_path_is_absolute (LOCALEDIR_RELATIVE))
    return g_strdup (LOCALEDIR);
  bindir = g_path_get_dirname (exe);
  if (g_strcmp0 (bindir, BINDIR) == 0)
    return g_strdup (LOCALEDIR);

  localedir = g_build_filename (bindir, "..", LOCALEDIR_RELATIVE, NULL);
  dir = g_dir_open (localedir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *mo = g_build_filename (localedir, name, "LC_MESSAGES",
                                              GETTEXT_PACKAGE ".mo", NULL);

      if (g_file_test (mo, G_FILE_TEST_IS_REGULAR))
        return g_canonicalize_filename (localedir, NULL);
    }
  return g_strdup (LOCALEDIR);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (ScmApplication) app = NULL;
  g_autofree char *localedir = find_localedir ();

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = scm_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
