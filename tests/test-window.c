/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "scm-application.h"
#include "scm-authority.h"
#include "scm-store.h"
#include "scm-test-util.h"
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

/* One application for the whole test program, as in a real session. */
static ScmApplication *
get_application (void)
{
  static ScmApplication *app;

  if (app == NULL)
    {
      app = scm_application_new ();
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
    }
  return app;
}

static void
test_window_sidebar_pages (void)
{
  ScmApplication *app = get_application ();
  g_autoptr (GListModel) pages = NULL;
  ScmWindow *window;
  GtkStack *stack;

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

static gboolean
wait_timeout_cb (gpointer data)
{
  g_error ("timed out waiting for the window to leave “%s”", (const char *) data);
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until the window shows @page (the application opens
 * its data directory in a thread, so this is how a user would wait). */
static void
wait_for_state_page (ScmWindow  *window,
                     const char *page)
{
  guint timeout = g_timeout_add_seconds (60, wait_timeout_cb, (gpointer) page);

  while (g_strcmp0 (scm_window_get_state_page (window), page) != 0)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
}

static ScmWindow *
open_window (ScmApplication *app,
             const char     *data_dir)
{
  ScmWindow *window;

  scm_application_set_data_dir (app, data_dir);
  window = scm_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  scm_application_open_data (app, NULL);
  return window;
}

static void
test_window_first_start (void)
{
  g_autofree char *dir = scm_test_make_tmp_dir ("scm-window-XXXXXX");
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  g_autofree char *passphrase_file = g_build_filename (data_dir, "ca.passphrase", NULL);
  ScmApplication *app = get_application ();
  ScmWindow *window = open_window (app, data_dir);

  /* The embedded default: a new data directory with its own CA. */
  wait_for_state_page (window, "main");
  g_assert_nonnull (scm_application_get_authority (app));
  g_assert_true (g_file_test (passphrase_file, G_FILE_TEST_EXISTS));

  gtk_window_destroy (GTK_WINDOW (window));
  scm_test_remove_tree (dir);
}

static void
test_window_unlock (void)
{
  g_autofree char *dir = scm_test_make_tmp_dir ("scm-window-XXXXXX");
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  ScmApplication *app = get_application ();
  g_autoptr (GError) error = NULL;
  ScmWindow *window;
  GtkWidget *entry;

  /* A CA someone protected with a passphrase of their own. */
  {
    g_autoptr (ScmStore) store = scm_store_open (data_dir, &error);
    g_autoptr (ScmAuthority) authority = NULL;

    g_assert_no_error (error);
    authority = scm_authority_open (store, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (scm_authority_set_passphrase (authority, "tangerine Okapi 93 drift quilt", &error));
    g_assert_no_error (error);
  }

  window = open_window (app, data_dir);
  wait_for_state_page (window, "locked");
  g_assert_null (scm_application_get_authority (app));

  /* A wrong passphrase says so and stays locked. */
  entry = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_true (GTK_IS_TEXT (entry) || GTK_IS_PASSWORD_ENTRY (entry));
  scm_application_open_data (app, "not the passphrase");
  wait_for_state_page (window, "loading");
  wait_for_state_page (window, "locked");
  g_assert_nonnull (scm_application_get_state_message (app));

  scm_application_open_data (app, "tangerine Okapi 93 drift quilt");
  wait_for_state_page (window, "main");
  g_assert_nonnull (scm_application_get_authority (app));

  gtk_window_destroy (GTK_WINDOW (window));
  scm_test_remove_tree (dir);
}

static void
test_window_unusable_data_dir (void)
{
  g_autofree char *dir = scm_test_make_tmp_dir ("scm-window-XXXXXX");
  g_autofree char *data_dir = g_build_filename (dir, "a-file", NULL);
  ScmApplication *app = get_application ();
  ScmWindow *window;

  /* A file where the data directory should be: an error that says what
   * to do, not a crash. */
  g_assert_true (g_file_set_contents (data_dir, "", 0, NULL));
  window = open_window (app, data_dir);
  wait_for_state_page (window, "error");
  g_assert_nonnull (strstr (scm_application_get_state_message (app), "--data-dir"));

  gtk_window_destroy (GTK_WINDOW (window));
  scm_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/window/sidebar-pages", test_window_sidebar_pages);
  g_test_add_func ("/window/first-start", test_window_first_start);
  g_test_add_func ("/window/unlock", test_window_unlock);
  g_test_add_func ("/window/unusable-data-dir", test_window_unusable_data_dir);

  return g_test_run ();
}
