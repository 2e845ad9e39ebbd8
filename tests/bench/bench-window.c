/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scm-application.h"
#include "scm-authority.h"
#include "scm-key.h"
#include "scm-list-page.h"
#include "scm-store.h"
#include "scm-test-util.h"
#include "scm-window.h"

/* The admin window with many persons and certificates: the time from
 * launch to the persons page drawn (the first frame after its list is
 * loaded), and the time a search keystroke takes to update the list,
 * beside the sqlite3 shell running the same search on the same file in
 * the same run. Targets: first frame <= 500 ms, keystroke <= 50 ms.
 *
 * Usage: bench-window [N [DATA-DIR]]  (N persons and N certificates,
 * 100,000 by default; an existing DATA-DIR of a previous run is reused,
 * since building it issues N certificates.) */

#define FIRST_FRAME_TARGET_MS 500.0
#define KEYSTROKE_TARGET_MS 50.0

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static void
check (gboolean      ok,
       const GError *error,
       const char   *what)
{
  if (!ok)
    {
      g_printerr ("bench-window: %s failed: %s\n", what, error ? error->message : "?");
      exit (1);
    }
}

/* N persons through the person batch, then a certificate each through
 * scm_authority_issue_many() (one CSR for all: the key is not what is
 * measured here). */
static void
build_data (const char *data_dir,
            guint       n)
{
  g_autoptr (ScmStore) store = NULL;
  g_autoptr (ScmAuthority) authority = NULL;
  g_autoptr (ScmOrganization) organization = scm_organization_new ();
  g_autoptr (ScmDomain) domain = scm_domain_new ();
  g_autoptr (ScmProfile) profile = NULL;
  g_autoptr (GPtrArray) persons = NULL;
  g_autoptr (GBytes) key = NULL;
  g_autoptr (GBytes) csr = NULL;
  g_autoptr (GError) error = NULL;
  ScmStorePersonBatch *batch;
  const guint chunk = 5000;
  double start = now_ms ();

  store = scm_store_open (data_dir, &error);
  check (store != NULL, error, "opening the store");
  if (scm_store_count_persons (store, 0) >= n)
    return;
  authority = scm_authority_open (store, NULL, &error);
  check (authority != NULL, error, "opening the CA");

  scm_organization_set_name (organization, "Bench Organization");
  check (scm_store_create_organization (store, organization, &error), error, "an organization");
  scm_domain_set_name (domain, "example.com");
  scm_domain_set_organization_id (domain, scm_organization_get_id (organization));
  check (scm_store_create_domain (store, domain, &error), error, "a domain");
  check (scm_store_set_domain_validated (store, domain, TRUE, &error), error, "validating the domain");

  batch = scm_store_person_batch_begin (store, "bench-window", &error);
  check (batch != NULL, error, "beginning the batch");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (ScmPerson) person = scm_person_new ();
      g_autofree char *email = g_strdup_printf ("person%06u@example.com", i);
      g_autofree char *first = g_strdup_printf ("First%u", i % 997);
      g_autofree char *last = g_strdup_printf ("Lovelace%05u", i);

      scm_person_set_email (person, email);
      scm_person_set_first_name (person, first);
      scm_person_set_last_name (person, last);
      scm_person_set_organization_id (person, scm_organization_get_id (organization));
      check (scm_store_person_batch_create (batch, person, NULL, NULL, &error), error, "a person");
    }
  check (scm_store_person_batch_commit (batch, &error), error, "committing the persons");
  g_print ("built %u persons in %.1f s\n", n, (now_ms () - start) / 1000);

  start = now_ms ();
  profile = scm_store_find_profile_by_name (store, "Client Authentication", &error);
  check (profile != NULL, error, "the profile");
  key = scm_key_generate (SCM_KEY_TYPE_EC_P256, &error);
  check (key != NULL, error, "a key");
  csr = scm_csr_create (key, "person@example.com", &error);
  check (csr != NULL, error, "a CSR");
  persons = scm_store_list_persons (store, 0, FALSE, &error);
  check (persons != NULL, error, "listing the persons");
  for (guint done = 0; done < persons->len; done += chunk)
    {
      guint count = MIN (chunk, persons->len - done);
      g_autofree ScmIssueRequest *requests = g_new0 (ScmIssueRequest, count);
      g_autoptr (GPtrArray) results = NULL;

      for (guint i = 0; i < count; i++)
        {
          requests[i].person = persons->pdata[done + i];
          requests[i].profile = profile;
          requests[i].csr = csr;
          requests[i].requested_via = SCM_REQUESTED_VIA_ADMIN;
        }
      results = scm_authority_issue_many (authority, requests, count, 2, NULL);
      for (guint i = 0; i < results->len; i++)
        {
          ScmIssueResult *result = results->pdata[i];

          check (result->error == NULL, result->error, "issuing");
        }
    }
  g_print ("issued %u certificates in %.1f s\n", persons->len, (now_ms () - start) / 1000);
}

/* Waiting ------------------------------------------------------------------------ */

static double painted_at;

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       data)
{
  painted_at = now_ms ();
}

/* Runs the main loop until @page's list is shown and then drawn; returns
 * when that frame was painted. */
static double
wait_for_list_painted (ScmListPage *page,
                       guint        n_rows)
{
  GtkColumnView *view = scm_list_page_get_column_view (page);
  GListModel *rows = G_LIST_MODEL (gtk_column_view_get_model (view));
  double shown;
  double deadline = now_ms () + 600000;

  while (g_strcmp0 (scm_list_page_get_state (page), n_rows == 0 ? "no-results" : "list") != 0 ||
         (n_rows != G_MAXUINT && g_list_model_get_n_items (rows) != n_rows))
    {
      g_main_context_iteration (NULL, TRUE);
      if (now_ms () > deadline)
        {
          g_printerr ("bench-window: the list never showed\n");
          exit (1);
        }
    }
  shown = now_ms ();
  painted_at = 0;
  /* The frame that draws the new rows (queued by the change already; a
   * redraw request makes sure one comes). */
  gtk_widget_queue_draw (GTK_WIDGET (view));
  gdk_frame_clock_request_phase (gtk_widget_get_frame_clock (GTK_WIDGET (view)),
                                 GDK_FRAME_CLOCK_PHASE_PAINT);
  while (painted_at < shown)
    g_main_context_iteration (NULL, TRUE);
  return painted_at;
}

static double search_changed_at;

static void
search_changed_cb (GtkSearchEntry *entry,
                   gpointer        data)
{
  search_changed_at = now_ms ();
}

/* The persons that contain @text in the search's fields, as the page's
 * search does (email, name, organization, department). */
static guint
count_matches (const char *text,
               guint       n)
{
  guint count = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *email = g_strdup_printf ("person%06u@example.com", i);
      /* Without regard to case, as the page searches. */
      g_autofree char *name = g_strdup_printf ("first%u lovelace%05u bench organization", i % 997, i);

      if (strstr (email, text) != NULL || strstr (name, text) != NULL)
        count++;
    }
  return count;
}

static double
run_sqlite3 (const char *database,
             const char *text,
             char      **out)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM persons WHERE deleted_at IS NULL AND "
                                          "(email LIKE '%%%s%%' OR first_name || ' ' || last_name LIKE '%%%s%%');",
                                          text, text);
  const char *argv[] = { "sqlite3", "-readonly", database, sql, NULL };
  g_autoptr (GError) error = NULL;
  double start = now_ms ();
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, out, NULL, &status, &error))
    {
      g_printerr ("bench-window: sqlite3: %s (Debian package sqlite3)\n", error->message);
      return -1;
    }
  return now_ms () - start;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

int
main (int   argc,
      char *argv[])
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  g_autofree char *dir = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *database = NULL;
  g_autofree char *sqlite_out = NULL;
  ScmApplication *app;
  ScmWindow *window;
  ScmListPage *page;
  GtkEditable *entry;
  const char *typed = "lovelace0421";
  GArray *keystrokes = g_array_new (FALSE, FALSE, sizeof (double));
  double launch, ready = 0, first_frame, sqlite_ms, median, worst;
  gboolean first_ok, keystroke_ok;

  if (n == 0)
    n = 100000;
  if (argc > 2)
    data_dir = g_strdup (argv[2]);
  else
    {
      dir = scm_test_make_tmp_dir ("scm-bench-window-XXXXXX");
      data_dir = g_build_filename (dir, "data", NULL);
    }

  gtk_init ();
  adw_init ();
  build_data (data_dir, n);
  database = g_build_filename (data_dir, "scm-enroll.db", NULL);

  /* Launch: the application opens the data directory (store, CA keys) in
   * a thread and the window shows the persons page. */
  launch = now_ms ();
  app = scm_application_new ();
  g_application_register (G_APPLICATION (app), NULL, NULL);
  scm_application_set_data_dir (app, data_dir);
  window = scm_window_new (app);
  scm_window_set_visible_page (window, "persons");
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (after_paint_cb), NULL);
  scm_application_open_data (app, NULL);
  page = SCM_LIST_PAGE (gtk_stack_get_child_by_name (scm_window_get_stack (window), "persons"));
  while (scm_application_get_authority (app) == NULL)
    g_main_context_iteration (NULL, TRUE);
  ready = now_ms ();
  first_frame = wait_for_list_painted (page, n) - launch;

  /* Keystrokes: each one types a character more; the time from the
   * search entry's search-changed to the list drawn with its result. */
  entry = scm_list_page_get_search_entry (page);
  g_signal_connect (entry, "search-changed", G_CALLBACK (search_changed_cb), NULL);
  for (gsize i = 1; i <= strlen (typed); i++)
    {
      g_autofree char *text = g_strndup (typed, i);
      double painted;

      search_changed_at = 0;
      gtk_editable_set_text (entry, text);
      while (search_changed_at == 0)
        g_main_context_iteration (NULL, TRUE);
      painted = wait_for_list_painted (page, count_matches (text, n));
      g_array_append_val (keystrokes, (double) { painted - search_changed_at });
    }
  g_array_sort (keystrokes, compare_doubles);
  median = g_array_index (keystrokes, double, keystrokes->len / 2);
  worst = g_array_index (keystrokes, double, keystrokes->len - 1);

  sqlite_ms = run_sqlite3 (database, typed, &sqlite_out);

  g_print ("bench-window: %u persons, %u certificates\n", n, n);
  g_print ("  launch to the persons page drawn: %.0f ms (data directory and CA keys opened at %.0f ms)\n",
           first_frame, ready - launch);
  g_print ("  search keystroke to the list drawn: median %.1f ms, worst %.1f ms over %u keystrokes\n",
           median, worst, keystrokes->len);
  g_print ("  sqlite3 shell, the same search on the same file: %.1f ms (%s matches)\n",
           sqlite_ms, sqlite_out ? g_strstrip (sqlite_out) : "?");
  first_ok = first_frame <= FIRST_FRAME_TARGET_MS;
  keystroke_ok = worst <= KEYSTROKE_TARGET_MS;
  g_print ("  target first frame <= %.0f ms: %s\n", FIRST_FRAME_TARGET_MS, first_ok ? "held" : "MISSED");
  g_print ("  target keystroke <= %.0f ms: %s\n", KEYSTROKE_TARGET_MS, keystroke_ok ? "held" : "MISSED");

  gtk_window_destroy (GTK_WINDOW (window));
  g_array_unref (keystrokes);
  if (dir != NULL)
    scm_test_remove_tree (dir);
  return 0;
}
