/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
/* sched_setaffinity(), RUSAGE_THREAD */
#define _GNU_SOURCE
#include "config.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "scm-authority.h"
#include "scm-enrollment-client.h"
#include "scm-enrollment-server.h"
#include "scm-secret.h"

/* Enrollment over loopback HTTPS under load: C concurrent clients (8, 64,
 * 200), each doing the whole Secret ID flow (sessions → authorize →
 * certificates with a server-made EC-P256 key in an AES256-SHA256
 * PKCS#12) again and again until the level's enrollments are done.
 *
 * The server runs in this process (its main loop and worker pools); the
 * clients run in child processes of up to CLIENTS_PER_PROCESS clients
 * (this program again, with --clients), which make their clients first
 * and then start together. So the server's TLS handshakes and issuance
 * never share a thread pool with the clients', and with two or more
 * processors the server is pinned to the first half of them and the
 * clients to the rest: the clients' TLS and JSON never take the server's
 * processor time, as they would not on a real network.
 *
 * Beside each level, right before it and on the server's processors: the
 * in-process issuance rate of the same build — the same certificates
 * (EC-P256 key made here, signed, AES256-SHA256 PKCS#12, pending row and
 * certificate committed) through scm_authority_issue(), one request at a
 * time on as many threads as the server has processors, for the same
 * persons. The HTTP path does that work plus TLS, HTTP, JSON, sign-in,
 * authorization and the session's store writes. Processor time is printed
 * too, server ms per enrollment against in-process ms per certificate:
 * other load on the machine disturbs it less than the rates.
 *
 * Usage: bench-enroll [ENROLLMENTS-PER-LEVEL]   (default 400)
 *        bench-enroll --clients URL ACCOUNT PROFILE CLIENTS ENROLLMENTS
 *          (a client process: "EMAIL SECRET-ID" lines on standard input) */

#define PASSWORD "Bench-Password-123"
#define MAX_CLIENTS 200
#define CLIENT_THREADS 2
#define CLIENTS_PER_PROCESS 8
#define DEFAULT_ENROLLMENTS 400
#define OVERHEAD_TARGET 0.30

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

static void
scm_secret_free_cb (gpointer secret)
{
  scm_secret_free (secret);
}

/* The processors the clients run on (set in the child before exec). */
static cpu_set_t client_cpus;
static gboolean pinned;

/* The server and the in-process reference on the first half of the
 * processors, the clients on the rest: on a small machine the clients'
 * TLS and JSON would otherwise take processor time from the server that
 * the in-process reference never has to share. */
static void
pin_processors (void)
{
  cpu_set_t all, server;
  int n, k = 0;

  if (sched_getaffinity (0, sizeof all, &all) != 0 || (n = CPU_COUNT (&all)) < 2)
    return;
  CPU_ZERO (&server);
  CPU_ZERO (&client_cpus);
  for (int i = 0; i < CPU_SETSIZE; i++)
    if (CPU_ISSET (i, &all))
      CPU_SET (i, k++ < n / 2 ? &server : &client_cpus);
  pinned = sched_setaffinity (0, sizeof server, &server) == 0;
}

static guint
count_processors (void)
{
  cpu_set_t set;

  if (sched_getaffinity (0, sizeof set, &set) != 0)
    return g_get_num_processors ();
  return MAX (CPU_COUNT (&set), 1);
}

static void
pin_clients_cb (gpointer data)
{
  if (pinned)
    sched_setaffinity (0, sizeof client_cpus, &client_cpus);
}

static double
cpu_seconds (int who)
{
  struct rusage usage;

  getrusage (who, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
         + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* The clients (child process) ---------------------------------------------------- */

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
  GThread *thread;
} ThreadWork;

/* The start line: each thread makes its clients (a SoupSession belongs to
 * the thread it is made on), then all start at once. */
static GMutex start_lock;
static GCond start_cond;
static guint threads_ready;
static gboolean started;

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

  g_mutex_lock (&start_lock);
  threads_ready++;
  g_cond_broadcast (&start_cond);
  while (!started)
    g_cond_wait (&start_cond, &start_lock);
  g_mutex_unlock (&start_lock);

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

/* bench-enroll --clients URL ACCOUNT PROFILE CLIENTS ENROLLMENTS: makes
 * the clients (each with its own SoupSession), says "ready", starts at
 * "go" on standard input; then prints "result OK ERRORS START END
 * CPU-SECONDS [FIRST-ERROR]" (monotonic seconds) and "latencies" with
 * every successful enrollment's seconds. */
static int
run_clients (int   argc,
             char *argv[])
{
  ThreadWork works[CLIENT_THREADS];
  Level level = { 0 };
  guint clients, enrollments, n_threads, first = 0;
  char line[512];
  double start, end, cpu;

  if (argc != 7)
    {
      g_printerr ("bench-enroll: --clients URL ACCOUNT PROFILE CLIENTS ENROLLMENTS\n");
      return 2;
    }
  level.url = argv[2];
  level.account_id = g_ascii_strtoll (argv[3], NULL, 10);
  level.profile_id = g_ascii_strtoll (argv[4], NULL, 10);
  clients = CLAMP ((guint) atoi (argv[5]), 1, MAX_CLIENTS);
  enrollments = (guint) atoi (argv[6]);
  /* glib-networking reads the system's trust store again for every new
   * connection without a database of its own (about 10 ms of processor
   * time, which the client process here would pay 200 times over while
   * the server waits in the handshakes): read it once. */
  {
    GTlsBackend *backend = g_tls_backend_get_default ();
    g_autoptr(GTlsDatabase) database = g_tls_backend_get_default_database (backend);

    g_tls_backend_set_default_database (backend, database);
  }
  level.emails = g_new0 (char *, clients + 1);
  level.secrets = g_new0 (char *, clients + 1);
  for (guint i = 0; i < clients && fgets (line, sizeof line, stdin) != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (g_strchomp (line), " ", 2);

      check (g_strv_length (fields) == 2, NULL, "input line");
      level.emails[i] = g_strdup (fields[0]);
      level.secrets[i] = g_strdup (fields[1]);
    }
  check (level.emails[clients - 1] != NULL, NULL, "fewer persons than clients on input");
  g_mutex_init (&level.lock);
  level.latencies = g_array_new (FALSE, FALSE, sizeof (double));
  level.remaining = enrollments;

  n_threads = MIN (clients, CLIENT_THREADS);
  for (guint t = 0; t < n_threads; t++)
    {
      works[t].level = &level;
      works[t].first = first;
      works[t].count = clients / n_threads + (t < clients % n_threads ? 1 : 0);
      first += works[t].count;
      works[t].thread = g_thread_new ("bench-client", client_thread, &works[t]);
    }
  g_mutex_lock (&start_lock);
  while (threads_ready < n_threads)
    g_cond_wait (&start_cond, &start_lock);
  g_print ("ready\n");
  fflush (stdout);
  check (fgets (line, sizeof line, stdin) != NULL && g_str_equal (line, "go\n"), NULL, "go");
  cpu = cpu_seconds (RUSAGE_SELF);
  start = now_seconds ();
  started = TRUE;
  g_cond_broadcast (&start_cond);
  g_mutex_unlock (&start_lock);
  for (guint t = 0; t < n_threads; t++)
    g_thread_join (works[t].thread);
  end = now_seconds ();
  cpu = cpu_seconds (RUSAGE_SELF) - cpu;

  g_print ("result %u %u %.6f %.6f %.6f%s%s\nlatencies", level.latencies->len, level.errors,
           start, end, cpu, level.first_error != NULL ? " " : "",
           level.first_error != NULL ? level.first_error : "");
  for (guint i = 0; i < level.latencies->len; i++)
    g_print (" %.6f", g_array_index (level.latencies, double, i));
  g_print ("\n");

  g_array_unref (level.latencies);
  g_free (level.first_error);
  g_strfreev (level.emails);
  for (guint i = 0; i < clients; i++)
    scm_secret_free (level.secrets[i]);
  g_free (level.secrets);
  g_mutex_clear (&level.lock);
  return 0;
}

/* The server and the in-process reference (parent process) ---------------------- */

typedef struct
{
  ScmAuthority *authority;
  GPtrArray *persons;
  ScmProfile *profile;
  guint first;
  guint n;
} IssueWork;

static gpointer
issue_thread (gpointer data)
{
  IssueWork *work = data;
  ScmIssueRequest request = { 0 };

  request.profile = work->profile;
  request.key_type = SCM_KEY_TYPE_EC_P256;
  request.pkcs12_password = PASSWORD;
  request.protection = SCM_PKCS12_AES256_SHA256;
  request.requested_via = SCM_REQUESTED_VIA_SELF_ENROLLMENT;
  for (guint i = 0; i < work->n; i++)
    {
      GError *error = NULL;
      g_autoptr(ScmIssueResult) result = NULL;

      request.person = g_ptr_array_index (work->persons, (work->first + i) % work->persons->len);
      result = scm_authority_issue (work->authority, &request, NULL, &error);
      check (result != NULL && result->pkcs12 != NULL, error, "issue");
    }
  return NULL;
}

typedef struct
{
  double rate;                 /* certificates/s */
  double cpu_ms;               /* CPU ms per certificate */
} InProcess;

/* The same certificates without HTTP, TLS or authentication, one request
 * at a time on each of @threads threads. */
static InProcess
issue_in_process (ScmAuthority *authority,
                  GPtrArray    *persons,
                  ScmProfile   *profile,
                  guint         n,
                  guint         threads)
{
  g_autofree IssueWork *works = g_new0 (IssueWork, threads);
  g_autofree GThread **running = g_new0 (GThread *, threads);
  double cpu = cpu_seconds (RUSAGE_SELF);
  double start = now_seconds ();
  double elapsed;
  guint per_thread = MAX (n / threads, 1);

  for (guint t = 0; t < threads; t++)
    {
      works[t] = (IssueWork) { authority, persons, profile, t * per_thread, per_thread };
      running[t] = g_thread_new ("bench-issue", issue_thread, &works[t]);
    }
  for (guint t = 0; t < threads; t++)
    g_thread_join (running[t]);
  elapsed = now_seconds () - start;
  return (InProcess) { per_thread * threads / elapsed,
                       1000 * (cpu_seconds (RUSAGE_SELF) - cpu) / (per_thread * threads) };
}

typedef struct
{
  guint ok;
  guint errors;
  double seconds;              /* first start to last end, over the processes */
  double p50_ms;
  double p99_ms;
  double client_cpu;
  double server_cpu;
  double main_cpu;             /* the server's main loop */
  char *first_error;
} LevelResult;

typedef struct
{
  GSubprocess *process;
  gboolean done;
  char *output;
  GError *error;
} Child;

static void
communicated_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Child *child = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &child->output, NULL,
                                        &child->error);
  child->done = TRUE;
}

/* Adds what one client process printed to @result and @latencies. */
static void
add_child_result (LevelResult *result,
                  GArray      *latencies,
                  const char  *output,
                  double      *start,
                  double      *end)
{
  g_auto(GStrv) lines = g_strsplit (output, "\n", -1);
  g_auto(GStrv) fields = NULL;
  g_auto(GStrv) values = NULL;

  check (g_strv_length (lines) >= 2 && g_str_has_prefix (lines[0], "result ")
         && g_str_has_prefix (lines[1], "latencies"), NULL, "the clients' answer");
  fields = g_strsplit (lines[0] + strlen ("result "), " ", 6);
  check (g_strv_length (fields) >= 5, NULL, "the clients' answer");
  result->ok += (guint) atoi (fields[0]);
  result->errors += (guint) atoi (fields[1]);
  *start = MIN (*start, g_ascii_strtod (fields[2], NULL));
  *end = MAX (*end, g_ascii_strtod (fields[3], NULL));
  result->client_cpu += g_ascii_strtod (fields[4], NULL);
  if (result->first_error == NULL && fields[5] != NULL)
    result->first_error = g_strdup (fields[5]);

  values = g_strsplit (lines[1] + strlen ("latencies"), " ", -1);
  for (guint i = 0; values[i] != NULL; i++)
    if (*values[i] != '\0')
      {
        double latency = g_ascii_strtod (values[i], NULL);

        g_array_append_val (latencies, latency);
      }
}

/* Runs one level: the clients in processes of up to CLIENTS_PER_PROCESS,
 * which all start at once; the server answers on this thread meanwhile. */
static LevelResult
run_level (const char  *self_path,
           const char  *url,
           gint64       account_id,
           gint64       profile_id,
           char       **credentials,
           guint        clients,
           guint        enrollments)
{
  g_autofree char *account = g_strdup_printf ("%" G_GINT64_FORMAT, account_id);
  g_autofree char *profile = g_strdup_printf ("%" G_GINT64_FORMAT, profile_id);
  guint n_processes = (clients + CLIENTS_PER_PROCESS - 1) / CLIENTS_PER_PROCESS;
  g_autofree Child *children = g_new0 (Child, n_processes);
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (double));
  LevelResult result = { 0 };
  double cpu = cpu_seconds (RUSAGE_SELF);
  double main_cpu = cpu_seconds (RUSAGE_THREAD);
  double start = G_MAXDOUBLE, end = 0;
  guint first = 0, pending = n_processes;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                                      | G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  g_subprocess_launcher_set_child_setup (launcher, pin_clients_cb, NULL, NULL);

  for (guint p = 0; p < n_processes; p++)
    {
      guint n_clients = clients / n_processes + (p < clients % n_processes ? 1 : 0);
      guint n_enrollments = enrollments / n_processes + (p < enrollments % n_processes ? 1 : 0);
      g_autofree char *clients_arg = g_strdup_printf ("%u", n_clients);
      g_autofree char *enrollments_arg = g_strdup_printf ("%u", n_enrollments);
      const char *argv[] = { self_path, "--clients", url, account, profile, clients_arg,
                             enrollments_arg, NULL };
      g_autoptr(GString) input = g_string_new (NULL);
      g_autoptr(GError) error = NULL;

      for (guint i = 0; i < n_clients; i++)
        g_string_append_printf (input, "%s\n", credentials[first + i]);
      first += n_clients;
      children[p].process = g_subprocess_launcher_spawnv (launcher, argv, &error);
      check (children[p].process != NULL, error, "clients");
      check (g_output_stream_write_all (g_subprocess_get_stdin_pipe (children[p].process),
                                        input->str, input->len, NULL, NULL, &error),
             error, "clients");
    }
  /* Each is ready once it has made its clients; it writes nothing more
   * before "go". */
  for (guint p = 0; p < n_processes; p++)
    {
      char ready[7] = "";
      g_autoptr(GError) error = NULL;

      check (g_input_stream_read_all (g_subprocess_get_stdout_pipe (children[p].process), ready,
                                      6, NULL, NULL, &error)
             && g_str_equal (ready, "ready\n"), error, "the clients' start");
    }
  for (guint p = 0; p < n_processes; p++)
    {
      g_autoptr(GError) error = NULL;

      check (g_output_stream_write_all (g_subprocess_get_stdin_pipe (children[p].process),
                                        "go\n", 3, NULL, NULL, &error), error, "go");
    }
  for (guint p = 0; p < n_processes; p++)
    g_subprocess_communicate_utf8_async (children[p].process, NULL, NULL, communicated_cb,
                                         &children[p]);
  while (pending > 0)
    {
      g_main_context_iteration (NULL, TRUE);
      pending = 0;
      for (guint p = 0; p < n_processes; p++)
        pending += children[p].done ? 0 : 1;
    }
  result.server_cpu = cpu_seconds (RUSAGE_SELF) - cpu;
  result.main_cpu = cpu_seconds (RUSAGE_THREAD) - main_cpu;

  for (guint p = 0; p < n_processes; p++)
    {
      g_autoptr(GError) error = NULL;

      check (children[p].error == NULL, children[p].error, "clients");
      check (g_subprocess_wait_check (children[p].process, NULL, &error), error, "clients");
      add_child_result (&result, latencies, children[p].output, &start, &end);
      g_free (children[p].output);
      g_object_unref (children[p].process);
    }
  g_array_sort (latencies, compare_doubles);
  result.seconds = end - start;
  result.p50_ms = 1000 * percentile (latencies, 0.50);
  result.p99_ms = 1000 * percentile (latencies, 0.99);
  return result;
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
  g_autofree char *dir = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *self_path = NULL;
  g_autofree char *url = NULL;
  g_autoptr(ScmStore) store = NULL;
  g_autoptr(ScmAuthority) authority = NULL;
  g_autoptr(ScmEnrollmentServer) server = NULL;
  g_autoptr(ScmOrganization) organization = scm_organization_new ();
  g_autoptr(ScmDomain) domain = scm_domain_new ();
  g_autoptr(ScmProfile) profile = NULL;
  g_autoptr(ScmForm) form = scm_form_new ();
  g_autoptr(ScmAccount) account = scm_account_new ();
  g_autoptr(GPtrArray) persons = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) credentials = g_ptr_array_new_with_free_func (scm_secret_free_cb);
  guint enrollments;
  guint processors;
  GString *missed = g_string_new (NULL);
  guint errors_200 = 0;

  if (argc > 1 && g_str_equal (argv[1], "--clients"))
    return run_clients (argc, argv);
  pin_processors ();
  processors = count_processors ();
  enrollments = argc > 1 ? (guint) atoi (argv[1]) : DEFAULT_ENROLLMENTS;
  enrollments = MAX (enrollments, 1);

  self_path = g_file_read_link ("/proc/self/exe", &error);
  check (self_path != NULL, error, "this program's path");
  dir = g_dir_make_tmp ("scm-bench-enroll-XXXXXX", &error);
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
  for (guint i = 0; i < MAX_CLIENTS; i++)
    {
      ScmPerson *person = scm_person_new ();
      g_autofree char *email = g_strdup_printf ("person%03u@bench.example", i);
      char *secret = NULL;

      scm_person_set_email (person, email);
      scm_person_set_first_name (person, "Bench");
      scm_person_set_last_name (person, email);
      scm_person_set_organization_id (person, scm_organization_get_id (organization));
      check (scm_store_create_person (store, person, &error), error, "person");
      check (scm_store_generate_person_secret_id (store, person, &secret, &error),
             error, "Secret ID");
      g_ptr_array_add (credentials, g_strdup_printf ("%s %s", email, secret));
      scm_secret_free (secret);
      g_ptr_array_add (persons, person);
    }

  server = scm_enrollment_server_new (authority);
  scm_enrollment_server_set_listen_address (server, "127.0.0.1");
  scm_enrollment_server_set_port (server, 0);
  check (scm_enrollment_server_start (server, &error), error, "server");
  url = g_strconcat (scm_enrollment_server_get_url (server), "/enroll/",
                     scm_form_get_uri_extension (form), "#sha256=",
                     scm_ca_get_root_fingerprint (scm_authority_get_ca (authority)), NULL);

  /* Warm-up: the first certificates pay for lazy set-up. */
  issue_in_process (authority, persons, profile, 2 * processors, processors);

  g_print ("Enrolling EC-P256 certificates (server-made key, AES256-SHA256 PKCS#12) over\n"
           "loopback HTTPS: Secret ID sign-in + authorize + issue, %u enrollments per level.\n"
           "Server and in-process reference on %u of %u processors%s, clients in processes of\n"
           "up to %u (%u threads each)%s. In-process: the same certificates through\n"
           "scm_authority_issue on %u threads, just before each level. CPU: ms per enrollment\n"
           "(server: all threads, of which its main loop: HTTP + TLS records) or certificate.\n",
           enrollments, processors, processors + (pinned ? CPU_COUNT (&client_cpus) : 0),
           pinned ? "" : " (not pinned)", CLIENTS_PER_PROCESS, CLIENT_THREADS,
           pinned ? " on the others" : "", processors);
  g_print ("  clients  enrollments/s  p50 ms  p99 ms  errors | in-process/s  ratio |"
           " CPU: server (main loop)  in-process  clients\n");
  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    {
      InProcess in_process = issue_in_process (authority, persons, profile, enrollments / 2,
                                               processors);
      LevelResult result = run_level (self_path, url, scm_account_get_id (account),
                                      scm_profile_get_id (profile), (char **) credentials->pdata, levels[i],
                                      enrollments);
      double rate = result.ok / result.seconds;
      double ratio = rate / in_process.rate;

      g_print ("  %7u  %13.1f  %6.0f  %6.0f  %3u/%u | %12.1f  %5.2f | %12.1f (%4.1f)  %10.1f  %7.1f\n",
               levels[i], rate, result.p50_ms, result.p99_ms, result.errors, enrollments,
               in_process.rate, ratio, 1000 * result.server_cpu / MAX (result.ok, 1),
               1000 * result.main_cpu / MAX (result.ok, 1), in_process.cpu_ms,
               1000 * result.client_cpu / MAX (result.ok, 1));
      if (result.first_error != NULL && *result.first_error != '\0')
        g_print ("           first error: %s\n", result.first_error);
      if (ratio < 1 - OVERHEAD_TARGET)
        g_string_append_printf (missed, "%s%u", missed->len > 0 ? ", " : "", levels[i]);
      if (levels[i] == 200)
        errors_200 = result.errors;
      g_free (result.first_error);
    }

  g_print ("  => errors at 200 clients: %u (target 0): %s\n", errors_200,
           errors_200 == 0 ? "holds" : "MISSED");
  g_print ("  => HTTP + TLS + authentication overhead <= %.0f%% (enrollments/s >= %.1f x in-process"
           " issuance/s) at every level: %s%s\n", 100 * OVERHEAD_TARGET, 1 - OVERHEAD_TARGET,
           missed->len == 0 ? "holds" : "MISSED at ", missed->str);
  g_string_free (missed, TRUE);

  scm_enrollment_server_stop (server);
  g_clear_object (&server);
  g_clear_object (&authority);
  g_clear_object (&store);
  {
    const char *rm[] = { "rm", "-rf", dir, NULL };
    g_autoptr(GSubprocess) p = g_subprocess_newv (rm, G_SUBPROCESS_FLAGS_NONE, NULL);

    if (p != NULL)
      g_subprocess_wait (p, NULL, NULL);
  }
  return 0;
}
