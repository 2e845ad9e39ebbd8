/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <glib/gstdio.h>

#include <json-glib/json-glib.h>

#include "scm-authority.h"
#include "scm-enrollment-client.h"
#include "scm-enrollment-server.h"
#include "scm-secret.h"
#include "scm-test-tools.h"

/* What the certificates are for: a certificate enrolled through the real
 * HTTPS endpoint authenticates a real TLS client (curl) to a real TLS
 * server (openssl s_server) that trusts only our CA chain and demands a
 * client certificate (-Verify 1) and refuses one that does not verify. */

#define PASSWORD "correct horse battery staple"
#define WAIT_MS 30000

typedef struct
{
  char *dir;
  ScmStore *store;
  ScmAuthority *authority;
  ScmEnrollmentServer *server;
  ScmForm *staff;
  ScmAccount *open;
  char *ada_secret;
  gint64 client_auth_id;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmProfile) client_auth = NULL;
  g_autoptr(ScmOrganization) acme = scm_organization_new ();
  g_autoptr(ScmDomain) domain = scm_domain_new ();
  g_autoptr(ScmPerson) ada = scm_person_new ();
  g_autofree char *data_dir = NULL;

  f->dir = scm_test_make_tmp_dir ("test-tls-client-auth-XXXXXX");
  data_dir = g_build_filename (f->dir, "data", NULL);
  f->store = scm_store_open (data_dir, &error);
  g_assert_no_error (error);
  f->authority = scm_authority_open (f->store, NULL, &error);
  g_assert_no_error (error);

  scm_organization_set_name (acme, "Acme");
  scm_store_create_organization (f->store, acme, &error);
  g_assert_no_error (error);
  scm_domain_set_name (domain, "example.org");
  scm_domain_set_organization_id (domain, scm_organization_get_id (acme));
  scm_store_create_domain (f->store, domain, &error);
  g_assert_no_error (error);
  scm_store_set_domain_validated (f->store, domain, TRUE, &error);
  g_assert_no_error (error);

  client_auth = scm_store_find_profile_by_name (f->store, "Client Authentication", &error);
  g_assert_no_error (error);
  f->client_auth_id = scm_profile_get_id (client_auth);

  f->staff = scm_form_new ();
  scm_form_set_name (f->staff, "Staff");
  scm_form_set_authentication (f->staff, SCM_AUTHENTICATION_SECRET_ID);
  scm_store_create_form (f->store, f->staff, &error);
  g_assert_no_error (error);

  f->open = scm_account_new ();
  scm_account_set_form_id (f->open, scm_form_get_id (f->staff));
  scm_account_set_name (f->open, "Open");
  scm_account_set_organization_id (f->open, scm_organization_get_id (acme));
  scm_account_set_authorization (f->open, SCM_AUTHORIZATION_NONE);
  scm_account_set_csr_methods (f->open, SCM_CSR_METHOD_SERVER);
  scm_account_add_profile_id (f->open, f->client_auth_id);
  scm_store_create_account (f->store, f->open, &error);
  g_assert_no_error (error);

  scm_person_set_organization_id (ada, scm_organization_get_id (acme));
  scm_person_set_first_name (ada, "Ada");
  scm_person_set_last_name (ada, "Lovelace");
  scm_person_set_email (ada, "ada@example.org");
  scm_store_create_person (f->store, ada, &error);
  g_assert_no_error (error);
  scm_store_generate_person_secret_id (f->store, ada, &f->ada_secret, &error);
  g_assert_no_error (error);

  f->server = scm_enrollment_server_new (f->authority);
  scm_enrollment_server_set_listen_address (f->server, "127.0.0.1");
  scm_enrollment_server_set_port (f->server, 0);
  scm_enrollment_server_start (f->server, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  scm_enrollment_server_stop (f->server);
  g_assert_finalize_object (f->server);
  g_clear_object (&f->staff);
  g_clear_object (&f->open);
  g_clear_pointer (&f->ada_secret, scm_secret_free);
  g_clear_object (&f->authority);
  g_clear_object (&f->store);
  scm_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* Helpers ---------------------------------------------------------------------------------- */

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/* The server runs on this thread's main context: iterate it while waiting. */
static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* Enrolls Ada through the endpoint (Secret ID, server-made EC-P256 key,
 * AES256-SHA256 PKCS#12) and writes the PKCS#12 to @f->dir/ada.p12. */
static char *
enroll_ada (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (scm_enrollment_server_get_url (f->server), "/enroll/",
                                      scm_form_get_uri_extension (f->staff), "#sha256=",
                                      scm_ca_get_root_fingerprint (scm_authority_get_ca (f->authority)),
                                      NULL);
  g_autoptr(ScmEnrollmentClient) client = scm_enrollment_client_new (url, &error);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) session = NULL;
  g_autoptr(JsonObject) authorized = NULL;
  g_autoptr(JsonObject) issued = NULL;
  g_autoptr(GBytes) p12 = NULL;
  guchar *decoded;
  gsize len = 0;

  g_assert_no_error (error);
  scm_enrollment_client_create_session_secret_id_async (client, "ada@example.org", f->ada_secret,
                                                        NULL, store_result_cb, &result);
  session = scm_enrollment_client_create_session_finish (client, wait_for (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  scm_enrollment_client_authorize_account_async (client, scm_account_get_id (f->open), NULL, NULL,
                                                 NULL, store_result_cb, &result);
  authorized = scm_enrollment_client_authorize_account_finish (client, wait_for (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  scm_enrollment_client_request_certificate_async (client, scm_account_get_id (f->open),
                                                   f->client_auth_id, 0, "EC-P256", NULL,
                                                   PASSWORD, "AES256-SHA256", NULL,
                                                   store_result_cb, &result);
  issued = scm_enrollment_client_request_certificate_finish (client, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_true (json_object_has_member (issued, "pkcs12"));

  decoded = g_base64_decode (json_object_get_string_member (issued, "pkcs12"), &len);
  p12 = g_bytes_new_take (decoded, len);
  return scm_test_write_file (f->dir, "ada.p12", p12);
}

/* A port nothing listens on right now: bound to 0, read, closed. */
static guint
free_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint port;

  g_assert_no_error (error);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);
  return port;
}

/* s_server must not outlive a test that aborts. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Starts `openssl s_server -Verify 1 -www` on 127.0.0.1:@port and waits
 * until it accepts connections. Its output goes to @log_path. Without
 * -verify_return_error s_server only logs a failed verification and
 * serves the page anyway, so a foreign certificate would pass. */
static GSubprocess *
start_s_server (Fixture    *f,
                guint       port,
                const char *cert,
                const char *key,
                const char *ca_file,
                const char *log_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_autofree char *accept = g_strdup_printf ("127.0.0.1:%u", port);
  g_autoptr(GSocketClient) probe = g_socket_client_new ();
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;
  GSubprocess *process;

  g_subprocess_launcher_setenv (launcher, "HOME", f->dir, TRUE);
  g_subprocess_launcher_set_stdout_file_path (launcher, log_path);
  g_subprocess_launcher_set_flags (launcher, G_SUBPROCESS_FLAGS_STDIN_PIPE
                                   | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawn (launcher, &error, "openssl", "s_server",
                                         "-accept", accept, "-cert", cert, "-key", key,
                                         "-CAfile", ca_file, "-Verify", "1", "-verify_return_error",
                                         "-www", NULL);
  g_assert_no_error (error);

  /* Ready once a TCP connection goes through. */
  for (;;)
    {
      g_autoptr(GSocketConnection) connection = NULL;
      g_autoptr(GError) connect_error = NULL;

      connection = g_socket_client_connect_to_host (probe, accept, 0, NULL, &connect_error);
      if (connection != NULL)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20 * 1000);
    }
  return process;
}

static void
stop_s_server (GSubprocess *process)
{
  g_autofree char *pid = g_strdup (g_subprocess_get_identifier (process));

  g_assert_nonnull (pid);
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, NULL);
  g_test_message ("openssl s_server %s stopped", pid);
}

/* Tests ------------------------------------------------------------------------------------ */

static void
test_curl_client_certificate (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *p12_path = NULL;
  g_autofree char *ada_pem = g_build_filename (f->dir, "ada.pem", NULL);
  g_autofree char *ada_key = g_build_filename (f->dir, "ada.key", NULL);
  g_autofree char *server_pem = g_build_filename (f->dir, "server.pem", NULL);
  g_autofree char *server_key = g_build_filename (f->dir, "server.key", NULL);
  g_autofree char *chain_pem = NULL;
  g_autofree char *log_path = g_build_filename (f->dir, "s_server.log", NULL);
  g_autofree char *passin = g_strdup ("pass:" PASSWORD);
  g_autofree char *output = NULL;
  g_autofree char *log = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GSubprocess) s_server = NULL;
  guint port;

  if (!scm_test_require_tool ("openssl", "openssl") || !scm_test_require_tool ("curl", "curl"))
    return;

  p12_path = enroll_ada (f);
  chain_pem = scm_test_write_file (f->dir, "chain.pem",
                                   scm_ca_get_chain_pem (scm_authority_get_ca (f->authority)));

  /* The certificate and its key, apart, as curl takes them. */
  g_assert_cmpint (scm_test_tool (&output, f->dir, "openssl", "pkcs12", "-in", p12_path,
                                  "-passin", passin, "-nodes", "-clcerts", "-nokeys",
                                  "-out", ada_pem, NULL), ==, 0);
  g_assert_cmpint (scm_test_tool (&output, f->dir, "openssl", "pkcs12", "-in", p12_path,
                                  "-passin", passin, "-nodes", "-nocerts",
                                  "-out", ada_key, NULL), ==, 0);

  /* A server certificate from a CA of its own: only the client side is
   * ours. */
  g_assert_cmpint (scm_test_tool (&output, f->dir, "openssl", "req", "-x509", "-newkey", "ec",
                                  "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                  "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                                  "-days", "1", "-keyout", server_key, "-out", server_pem, NULL),
                   ==, 0);

  port = free_port ();
  url = g_strdup_printf ("https://127.0.0.1:%u/", port);
  s_server = start_s_server (f, port, server_pem, server_key, chain_pem, log_path);

  /* Without a client certificate: refused. */
  g_assert_cmpint (scm_test_tool (&output, f->dir, "curl", "--silent", "--show-error",
                                  "--fail", "--max-time", "30", "--cacert", server_pem,
                                  url, NULL), !=, 0);
  g_test_message ("curl without --cert: %s", output);

  /* With a certificate our CA did not issue (the server's own): refused. */
  g_assert_cmpint (scm_test_tool (&output, f->dir, "curl", "--silent", "--show-error",
                                  "--fail", "--max-time", "30", "--cacert", server_pem,
                                  "--cert", server_pem, "--key", server_key, url, NULL), !=, 0);
  g_test_message ("curl with a foreign certificate: %s", output);

  /* With Ada's: the status page, which shows the verified client. */
  g_assert_cmpint (scm_test_tool (&output, f->dir, "curl", "--silent", "--show-error",
                                  "--fail", "--max-time", "30", "--cacert", server_pem,
                                  "--cert", ada_pem, "--key", ada_key, url, NULL), ==, 0);
  g_test_message ("s_server page: %s", output);
  g_assert_nonnull (strstr (output, "Client certificate"));
  g_assert_nonnull (strstr (output, "ada@example.org"));
  g_assert_nonnull (strstr (output, "Verify return code: 0 (ok)"));

  stop_s_server (s_server);
  g_assert_true (g_file_get_contents (log_path, &log, NULL, NULL));
  g_test_message ("s_server log: %s", log);
  g_assert_nonnull (strstr (log, "verify return:1"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/tls-client-auth/curl", Fixture, NULL, fixture_set_up,
              test_curl_client_certificate, fixture_tear_down);

  return g_test_run ();
}
