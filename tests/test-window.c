/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "scm-application.h"
#include "scm-window.h"

static const struct
{
  const char *name;
  const char *title;
} expected_pages[] = {
  { "forms", "Enrollment Forms" },
  { "accounts", "Accounts" },
  { "persons", "Persons" },
  { "certificates", "Certificates" },
  { "domains", "Domains" },
  { "organizations", "Organizations" },
  { "profiles", "Certificate Profiles" },
  { "audit", "Audit Log" },
};

static void
test_window_sidebar_pages (void)
{
  g_autoptr (ScmApplication) app = scm_application_new ();
  g_autoptr (GListModel) pages = NULL;
  ScmWindow *window;
  GtkStack *stack;

  g_application_register (G_APPLICATION (app), NULL, NULL);
  window = scm_window_new (app);
  gtk_window_present (GTK_WINDOW (window));

  /* The sidebar lists the design's pages, in its order, with its titles. */
  stack = scm_window_get_stack (window);
  pages = G_LIST_MODEL (gtk_stack_get_pages (stack));
  g_assert_cmpuint (g_list_model_get_n_items (pages), ==, G_N_ELEMENTS (expected_pages));
  for (guint i = 0; i < G_N_ELEMENTS (expected_pages); i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (pages, i);
      GtkStackPage *page = GTK_STACK_PAGE (item);

      g_assert_cmpstr (gtk_stack_page_get_name (page), ==, expected_pages[i].name);
      g_assert_cmpstr (gtk_stack_page_get_title (page), ==, expected_pages[i].title);
    }

  g_assert_cmpstr (scm_window_get_visible_page (window), ==, "forms");
  scm_window_set_visible_page (window, "persons");
  g_assert_cmpstr (scm_window_get_visible_page (window), ==, "persons");

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
