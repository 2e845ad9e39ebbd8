/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "scm-authority.h"
#include "scm-enrollment-client.h"
#include "scm-enrollment-server.h"
#include "scm-secret.h"

/* Enrollment over loopback HTTPS under load: C concurrent clients (8, 64,
 * 200), each doing the whole Secret ID flow (sessions → authorize →
 * certificates with a server-made EC-P256 key in an AES256-SHA256
 * PKCS#12) again and again until the level's enrollments are done. The
 * server runs in this process on the main thread; the clients run on a
 * few threads of their own, each with its own GMainContext, every client
 * with its own SoupSession. Printed beside the in-process issuance rate of
 * the same build (the same certificates through scm_authority_issue on as
 * many threads as there are processors) in the same run.
 * Caveat: glib-networking runs each async TLS handshake, the clients' and
 * the server's, as a blocking handshake in GIO's shared GTask thread pool;
 * with dozens of clients in the same process the clients' handshakes fill
 * that pool and wait for server handshakes queued behind them, until
 * GLib slowly adds threads. The 64 and 200 levels measure that, not the
 * server alone; moving the clients to a child process would.
 * Usage: bench-enroll [ENROLLMENTS-PER-LEVEL] */

#define PASSWORD "Bench-Password-123"
#define MAX_CLIENTS 200
#define CLIENT_THREADS 2

static const guint levels[] = { 8, 64, 200 };

static double
now_seconds (void)
{
  return g_get_monotonic_time () / (double) G_USEC_PER_SEC;
}

static void
check (gboolean    ok,
       GError     *error,
       const char *what)
{
  if (!ok)
    {
      g_printerr ("bench-enroll: %s: %s\n", what, error ? error->message : "failed");
      exit (1);
    }
}

/* One level's shared state. */
typedef struct
{
  char *url;
  gint64 account_id;
  gint64 profile_id;
  char **emails;
  char **secrets;

  gint remaining;              /* enrollments not yet started (atomic) */
  gint running_threads;        /* client threads still working (atomic) */

  GMutex lock;
  GArray *latencies;           /* seconds, double */
  guint errors;
  char *first_error;
} Level;

typedef struct
{
  Level *level;
  GMainLoop *loop;
  ScmEnrollmentClient *client;
  guint index;
  double started;
  guint *active;               /* clients still running on this thread */
} Client;

static void next_enrollment (Client *c);

static void
record (Client *c,
        GError *error)
{
  Level *level = c->level;
  double latency = now_seconds () - c->started;

  g_mutex_lock (&level->lock);
  if (error != NULL)
    {
      level->errors++;
      if (level->first_error == NULL)
        level->first_error = g_strdup (error->message);
    }
  else
    g_array_append_val (level->latencies, latency);
  g_mutex_unlock (&level->lock);
  next_enrollment (c);
}

static void
certificate_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Client *c = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) issued = scm_enrollment_client_request_certificate_finish (c->client, result,
                                                                                   &error);

  if (issued != NULL && !json_object_has_member (issued, "pkcs12"))
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "The answer has no PKCS#12");
  record (c, error);
}

static void
authorized_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Client *c = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) authorized = scm_enrollment_client_authorize_account_finish (c->client, result,
                                                                                     &error);

  if (authorized == NULL)
    {
      record (c, error);
      return;
    }
  scm_enrollment_client_request_certificate_async (c->client, c->level->account_id,
                                                   c->level->profile_id, 0, "EC-P256", NULL,
                                                   PASSWORD, "AES256-SHA256", NULL,
                                                   certificate_cb, c);
}

static void
session_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Client *c = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) session = scm_enrollment_client_create_session_finish (c->client, result,
                                                                               &error);

  if (session == NULL)
    {
      record (c, error);
      return;
    }
  scm_enrollment_client_authorize_account_async (c->client, c->level->account_id, NULL, NULL,
                                                 NULL, authorized_cb, c);
}

/* Starts this client's next enrollment, or retires it when the level's
 * count is reached. */
static void
next_enrollment (Client *c)
{
  if (g_atomic_int_add (&c->level->remaining, -1) <= 0)
    {
      if (--*c->active == 0)
        g_main_loop_quit (c->loop);
      return;
    }
  c->started = now_seconds ();
  scm_enrollment_client_create_session_secret_id_async (c->client, c->level->emails[c->index],
                                                        c->level->secrets[c->index], NULL,
                                                        session_cb, c);
}

typedef struct
{
  Level *level;
  guint first;
  guint count;
} ThreadWork;

static gpointer
client_thread (gpointer data)
{
  ThreadWork *work = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (context, FALSE);
  g_autofree Client *clients = g_new0 (Client, work->count);
  guint active = work->count;

  g_main_context_push_thread_default (context);
  for (guint i = 0; i < work->count; i++)
    {
      g_autoptr(GError) error = NULL;

      clients[i].level = work->level;
      clients[i].loop = loop;
      clients[i].index = work->first + i;
      clients[i].active = &active;
      clients[i].client = scm_enrollment_client_new (work->level->url, &error);
      check (clients[i].client != NULL, error, "client");
    }
  for (guint i = 0; i < work->count; i++)
    next_enrollment (&clients[i]);
  if (active > 0)
    g_main_loop_run (loop);
  for (guint i = 0; i < work->count; i++)
    g_object_unref (clients[i].client);
  /* Let the sessions close their connections. */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
  g_atomic_int_add (&work->level->running_threads, -1);
  g_main_context_wakeup (NULL);
  return NULL;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *sorted,
            double  p)
{
  guint i;

  if (sorted->len == 0)
    return 0;
  i = (guint) (p * (sorted->len - 1) + 0.5);
  return g_array_index (sorted, double, i);
}

/* Runs one level with @clients concurrent clients; enrollments/s. */
static double
run_level (Level *level,
           guint  clients,
           guint  enrollments)
{
  ThreadWork works[CLIENT_THREADS];
  GThread *threads[CLIENT_THREADS];
  guint n_threads = MIN (clients, CLIENT_THREADS);
  guint first = 0;
  double start, elapsed, rate;

  level->remaining = enrollments;
  level->running_threads = n_threads;
  level->latencies = g_array_new (FALSE, FALSE, sizeof (double));
  level->errors = 0;
  g_clear_pointer (&level->first_error, g_free);

  start = now_seconds ();
  for (guint t = 0; t < n_threads; t++)
    {
      works[t].level = level;
      works[t].first = first;
      works[t].count = clients / n_threads + (t < clients % n_threads ? 1 : 0);
      first += works[t].count;
      threads[t] = g_thread_new ("bench-client", client_thread, &works[t]);
    }
  /* The server answers on this thread. */
  while (g_atomic_int_get (&level->running_threads) > 0)
    g_main_context_iteration (NULL, TRUE);
  elapsed = now_seconds () - start;
  for (guint t = 0; t < n_threads; t++)
    g_thread_join (threads[t]);

  g_array_sort (level->latencies, compare_doubles);
  rate = level->latencies->len / elapsed;
  g_print ("  %3u clients: %7.1f enrollments/s   p50 %7.1f ms   p99 %7.1f ms   errors %u/%u%s%s\n",
           clients, rate, 1000 * percentile (level->latencies, 0.50),
           1000 * percentile (level->latencies, 0.99), level->errors, enrollments,
           level->first_error != NULL ? "  first: " : "",
           level->first_error != NULL ? level->first_error : "");
  g_clear_pointer (&level->latencies, g_array_unref);
  return rate;
}

typedef struct
{
  ScmAuthority *authority;
  ScmPerson *person;
  ScmProfile *profile;
  guint n;
} IssueWork;

static gpointer
issue_thread (gpointer data)
{
  IssueWork *work = data;
  ScmIssueRequest request = { 0 };

  request.person = work->person;
  request.profile = work->profile;
  request.key_type = SCM_KEY_TYPE_EC_P256;
  request.pkcs12_password = PASSWORD;
  request.protection = SCM_PKCS12_AES256_SHA256;
  request.requested_via = SCM_REQUESTED_VIA_SELF_ENROLLMENT;
  for (guint i = 0; i < work->n; i++)
    {
      GError *error = NULL;
      g_autoptr(ScmIssueResult) result = scm_authority_issue (work->authority, &request, NULL, &error);

      check (result != NULL && result->pkcs12 != NULL, error, "issue");
    }
  return NULL;
}

/* The same certificates without HTTP, TLS or authentication, one request
 * at a time on each of @threads threads; certificates/s. */
static double
issue_in_process (IssueWork work,
                  guint     n,
                  guint     threads)
{
  g_autoptr(GPtrArray) running = g_ptr_array_new ();
  double start = now_seconds ();

  work.n = n / threads;
  for (guint t = 0; t < threads; t++)
    g_ptr_array_add (running, g_thread_new ("bench-issue", issue_thread, &work));
  for (guint t = 0; t < threads; t++)
    g_thread_join (g_ptr_array_index (running, t));
  return work.n * threads / (now_seconds () - start);
}

static void
set_setting (ScmStore   *store,
             const char *key,
             const char *value)
{
  GError *error = NULL;

  check (scm_store_set_setting (store, key, value, &error), error, key);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("scm-bench-enroll-XXXXXX", &error);
  g_autofree char *data_dir = NULL;
  g_autoptr(ScmStore) store = NULL;
  g_autoptr(ScmAuthority) authority = NULL;
  g_autoptr(ScmEnrollmentServer) server = NULL;
  g_autoptr(ScmOrganization) organization = scm_organization_new ();
  g_autoptr(ScmDomain) domain = scm_domain_new ();
  g_autoptr(ScmProfile) profile = NULL;
  g_autoptr(ScmForm) form = scm_form_new ();
  g_autoptr(ScmAccount) account = scm_account_new ();
  g_autoptr(GPtrArray) persons = g_ptr_array_new_with_free_func (g_object_unref);
  guint enrollments = argc > 1 ? (guint) atoi (argv[1]) : 100;
  guint processors = g_get_num_processors ();
  double rates[G_N_ELEMENTS (levels)];
  double in_process, in_process_one;
  Level level = { 0 };
  IssueWork issue = { 0 };

  check (dir != NULL, error, "temporary directory");
  data_dir = g_build_filename (dir, "data", NULL);
  store = scm_store_open (data_dir, &error);
  check (store != NULL, error, "store");
  authority = scm_authority_open (store, NULL, &error);
  check (authority != NULL, error, "authority");

  /* Every client comes from 127.0.0.1: no lockout may get in the way. */
  set_setting (store, "limits.max-attempts", "1000");

  scm_organization_set_name (organization, "Bench Inc.");
  check (scm_store_create_organization (store, organization, &error), error, "organization");
  scm_domain_set_name (domain, "bench.example");
  scm_domain_set_organization_id (domain, scm_organization_get_id (organization));
  check (scm_store_create_domain (store, domain, &error), error, "domain");
  check (scm_store_set_domain_validated (store, domain, TRUE, &error), error, "validate");
  profile = scm_store_find_profile_by_name (store, "Client Authentication", &error);
  check (profile != NULL, error, "profile");

  scm_form_set_name (form, "Staff");
  scm_form_set_authentication (form, SCM_AUTHENTICATION_SECRET_ID);
  check (scm_store_create_form (store, form, &error), error, "form");
  scm_account_set_form_id (account, scm_form_get_id (form));
  scm_account_set_name (account, "Staff");
  scm_account_set_organization_id (account, scm_organization_get_id (organization));
  scm_account_set_authorization (account, SCM_AUTHORIZATION_NONE);
  scm_account_set_csr_methods (account, SCM_CSR_METHOD_SERVER);
  scm_account_add_profile_id (account, scm_profile_get_id (profile));
  check (scm_store_create_account (store, account, &error), error, "account");

  /* One person per client, each with a Secret ID. */
  level.emails = g_new0 (char *, MAX_CLIENTS + 1);
  level.secrets = g_new0 (char *, MAX_CLIENTS + 1);
  for (guint i = 0; i < MAX_CLIENTS; i++)
    {
      ScmPerson *person = scm_person_new ();

      level.emails[i] = g_strdup_printf ("person%03u@bench.example", i);
      scm_person_set_email (person, level.emails[i]);
      scm_person_set_first_name (person, "Bench");
      scm_person_set_last_name (person, level.emails[i]);
      scm_person_set_organization_id (person, scm_organization_get_id (organization));
      check (scm_store_create_person (store, person, &error), error, "person");
      check (scm_store_generate_person_secret_id (store, person, &level.secrets[i], &error),
             error, "Secret ID");
      g_ptr_array_add (persons, person);
    }

  server = scm_enrollment_server_new (authority);
  scm_enrollment_server_set_listen_address (server, "127.0.0.1");
  scm_enrollment_server_set_port (server, 0);
  check (scm_enrollment_server_start (server, &error), error, "server");
  level.url = g_strconcat (scm_enrollment_server_get_url (server), "/enroll/",
                           scm_form_get_uri_extension (form), "#sha256=",
                           scm_ca_get_root_fingerprint (scm_authority_get_ca (authority)), NULL);
  level.account_id = scm_account_get_id (account);
  level.profile_id = scm_profile_get_id (profile);
  g_mutex_init (&level.lock);

  issue.authority = authority;
  issue.person = g_ptr_array_index (persons, 0);
  issue.profile = profile;
  in_process_one = issue_in_process (issue, enrollments / 2, 1);
  in_process = issue_in_process (issue, enrollments, processors);

  g_print ("Enrolling EC-P256 certificates (server-made key, AES256-SHA256 PKCS#12) over loopback\n"
           "HTTPS, Secret ID sign-in + authorize + issue, %u enrollments per level, %u client\n"
           "threads, %u processors:\n", enrollments, CLIENT_THREADS, processors);
  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    rates[i] = run_level (&level, levels[i], enrollments);
  g_print ("  in-process issuance (scm_authority_issue): %7.1f certificates/s on 1 thread,"
           " %.1f on %u threads\n", in_process_one, in_process, processors);

  {
    double best = MAX (rates[0], MAX (rates[1], rates[2]));
    double overhead = in_process / best - 1;
    double overhead_200 = in_process / rates[2] - 1;

    g_print ("  => errors at 200 clients: %u (target 0): %s\n", level.errors,
             level.errors == 0 ? "holds" : "MISSED");
    g_print ("  => HTTP + TLS + authentication overhead over in-process issuance: %.0f%% at the best\n"
             "     level, %.0f%% at 200 clients (target <= 30%%): %s\n",
             100 * overhead, 100 * overhead_200, overhead <= 0.30 ? "holds" : "MISSED");
    g_print ("     (the clients' TLS and JSON run on the same processors as the server)\n");
  }

  scm_enrollment_server_stop (server);
  g_clear_object (&server);
  g_clear_object (&authority);
  g_clear_object (&store);
  g_strfreev (level.emails);
  for (guint i = 0; i < MAX_CLIENTS; i++)
    scm_secret_free (level.secrets[i]);
  g_free (level.secrets);
  g_free (level.url);
  g_free (level.first_error);
  g_mutex_clear (&level.lock);
  {
    const char *rm[] = { "rm", "-rf", dir, NULL };
    g_autoptr(GSubprocess) p = g_subprocess_newv (rm, G_SUBPROCESS_FLAGS_NONE, NULL);

    if (p != NULL)
      g_subprocess_wait (p, NULL, NULL);
  }
  return 0;
}
