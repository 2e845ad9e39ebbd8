/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "scm-authority.h"
#include "scm-list-page.h"
#include "scm-test-ui.h"
#include "scm-window.h"

ScmApplication *
scm_test_ui_get_application (void)
{
  static ScmApplication *app;

  if (app == NULL)
    {
      app = scm_application_new ();
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
    }
  return app;
}

ScmStore *
scm_test_ui_get_store (void)
{
  return scm_authority_get_store (scm_application_get_authority (scm_test_ui_get_application ()));
}

static gboolean
wait_timeout_cb (gpointer data)
{
  g_error ("timed out waiting for %s", (const char *) data);
  return G_SOURCE_REMOVE;
}

void
scm_test_ui_wait_for (ScmTestCondition condition,
                      gpointer         data,
                      const char      *what)
{
  guint timeout = g_timeout_add_seconds (120, wait_timeout_cb, (gpointer) what);

  while (!condition (data))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
}

void
scm_test_ui_drain_main_loop (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
set_done_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
scm_test_ui_wait_for_toast_shown (void)
{
  gboolean done = FALSE;

  g_timeout_add (600, set_done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

gboolean
scm_test_ui_window_is_ready (gpointer data)
{
  return g_strcmp0 (scm_window_get_state_page (data), "main") == 0 &&
         scm_application_get_authority (scm_test_ui_get_application ()) != NULL;
}

gboolean
scm_test_ui_page_is_loaded (gpointer data)
{
  return !scm_list_page_get_loading (data) &&
         g_strcmp0 (scm_list_page_get_state (data), "loading") != 0;
}
