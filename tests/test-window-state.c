/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "scm-application.h"
#include "scm-window.h"

/* The tests run with GSETTINGS_BACKEND=memory: nothing reaches the
 * user's dconf, and each test program starts from the schema's defaults. */

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
assert_default_size (ScmWindow *window,
                     int        expected_width,
                     int        expected_height)
{
  int width;
  int height;

  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, expected_width);
  g_assert_cmpint (height, ==, expected_height);
}

static void
test_window_state_defaults (void)
{
  g_autoptr (GSettings) settings = g_settings_new (SCHEMA_ID);
  ScmWindow *window;

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");

  /* A first start opens at the schema's default size. */
  window = scm_window_new (get_application ());
  assert_default_size (window,
                       g_settings_get_int (settings, "window-width"),
                       g_settings_get_int (settings, "window-height"));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1100);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_state_restore (void)
{
  g_autoptr (GSettings) settings = g_settings_new (SCHEMA_ID);
  ScmWindow *window;

  g_settings_set_int (settings, "window-width", 900);
  g_settings_set_int (settings, "window-height", 640);
  g_settings_set_boolean (settings, "window-maximized", FALSE);

  window = scm_window_new (get_application ());
  assert_default_size (window, 900, 640);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_state_save_on_close (void)
{
  g_autoptr (GSettings) settings = g_settings_new (SCHEMA_ID);
  ScmWindow *window;

  window = scm_window_new (get_application ());
  gtk_window_present (GTK_WINDOW (window));
  gtk_window_set_default_size (GTK_WINDOW (window), 1010, 650);

  /* Closing (the user's close button, Ctrl+W) remembers the size ... */
  g_object_ref (window);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1010);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 650);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));
  g_object_unref (window);

  /* ... and the next window opens at it. */
  window = scm_window_new (get_application ());
  assert_default_size (window, 1010, 650);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_window_state_too_small (void)
{
  g_autoptr (GSettings) settings = g_settings_new (SCHEMA_ID);
  ScmWindow *window;

  /* A size below the schema's range is kept at its minimum instead of
   * being refused with a critical warning (fatal in these tests). */
  window = scm_window_new (get_application ());
  gtk_window_present (GTK_WINDOW (window));
  gtk_window_set_default_size (GTK_WINDOW (window), 120, 80);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 360);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 294);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/window-state/defaults", test_window_state_defaults);
  g_test_add_func ("/window-state/restore", test_window_state_restore);
  g_test_add_func ("/window-state/save-on-close", test_window_state_save_on_close);
  g_test_add_func ("/window-state/too-small", test_window_state_too_small);

  return g_test_run ();
}
