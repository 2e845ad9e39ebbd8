/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "scm-authority.h"
#include "scm-error.h"
#include "scm-secret.h"
#include "scm-test-server.h"
#include "scm-test-tools.h"
#include "scm-x509.h"

/* Revocation as a relying party sees it: `scm-enrollctl revoke --person`
 * while the server runs, the CRL fetched from /crl over real HTTPS by
 * curl, and openssl refusing the revoked certificate with it. */

typedef struct
{
  char *dir;
  char *data_dir;
  char *root_path;
  char *chain_path;
  char *base;
  ScmStore *store;
  ScmAuthority *authority;
  ScmEnrollmentServer *server;
  ScmOrganization *acme;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = scm_test_make_tmp_dir ("test-revocation-XXXXXX");
  f->data_dir = g_build_filename (f->dir, "data", NULL);
  f->authority = scm_test_open_authority (f->data_dir, &f->store);
  f->root_path = scm_test_write_root_pem (f->authority, f->dir);
  f->chain_path = scm_test_write_file (f->dir, "chain.pem",
                                       scm_ca_get_chain_pem (scm_authority_get_ca (f->authority)));
  f->acme = scm_test_add_organization (f->store, "Acme");
  scm_test_add_domain (f->store, "example.org", scm_organization_get_id (f->acme), 0, TRUE);
  scm_secret_free (scm_test_add_person (f->store, "ada@example.org", "Ada", "Lovelace",
                                        scm_organization_get_id (f->acme), 0));
  scm_secret_free (scm_test_add_person (f->store, "bob@example.org", "Bob", "Babbage",
                                        scm_organization_get_id (f->acme), 0));
  f->server = scm_test_server_new (f->authority, TRUE);
  f->base = g_strdup_printf ("https://127.0.0.1:%u", scm_enrollment_server_get_port (f->server));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  scm_test_server_stop (f->server);
  g_assert_true (scm_store_verify (f->store, &error));
  g_assert_no_error (error);
  g_clear_object (&f->acme);
  g_clear_object (&f->authority);
  g_clear_object (&f->store);
  scm_test_remove_tree (f->dir);
  g_free (f->data_dir);
  g_free (f->root_path);
  g_free (f->chain_path);
  g_free (f->base);
  g_free (f->dir);
}

typedef struct
{
  gboolean done;
  char *output;
  int status;
} Run;

static void
communicated_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &run->output, NULL, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (G_SUBPROCESS (source));
  run->done = TRUE;
}

/* Runs @argv while the main loop serves; its stdout and stderr in *@output. */
static int
run_client (Fixture            *f,
            const char * const *argv,
            char              **output)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { 0 };

  g_subprocess_launcher_setenv (launcher, "HOME", f->dir, TRUE);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicated_cb, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  if (output != NULL)
    *output = g_steal_pointer (&run.output);
  g_free (run.output);
  return run.status;
}

/* The CRL the server serves at /crl, fetched by curl, as @name (PEM). */
static char *
fetch_crl (Fixture    *f,
           const char *name)
{
  g_autofree char *der_path = g_strdup_printf ("%s/%s.der", f->dir, name);
  g_autofree char *pem_path = g_strdup_printf ("%s/%s.pem", f->dir, name);
  g_autofree char *url = g_strconcat (f->base, "/crl", NULL);
  g_autofree char *output = NULL;
  const char *curl[] = { "curl", "-sSf", "--cacert", f->root_path, "-o", der_path, url, NULL };

  if (run_client (f, curl, &output) != 0)
    g_error ("curl failed: %s", output);
  g_assert_cmpint (scm_test_tool (&output, f->dir, "openssl", "crl", "-inform", "DER", "-in",
                                  der_path, "-out", pem_path, NULL), ==, 0);
  return g_steal_pointer (&pem_path);
}

static guint64
crl_number (Fixture    *f,
            const char *crl_path)
{
  g_autofree char *output = NULL;
  const char *equals;

  g_assert_cmpint (scm_test_tool (&output, f->dir, "openssl", "crl", "-in", crl_path, "-noout",
                                  "-crlnumber", NULL), ==, 0);
  equals = strchr (output, '=');
  g_assert_nonnull (equals);
  return g_ascii_strtoull (equals + 1, NULL, 16);
}

/* Issues a certificate to @email and writes it as @dir/SERIAL.pem. */
static char *
issue (Fixture    *f,
       const char *email,
       char      **out_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmPerson) person = scm_store_find_person_by_email (f->store, email, &error);
  g_autoptr(ScmProfile) profile = scm_store_get_profile (f->store,
                                                         scm_test_client_auth_profile_id (f->store),
                                                         &error);
  g_autoptr(ScmIssueResult) result = NULL;
  g_autoptr(GBytes) pem = NULL;
  g_autofree char *name = NULL;
  ScmIssueRequest request = { 0 };

  g_assert_no_error (error);
  request.person = person;
  request.profile = profile;
  request.key_type = SCM_KEY_TYPE_EC_P256;
  request.pkcs12_password = "Revocation-Test-1";
  request.requested_via = SCM_REQUESTED_VIA_ADMIN;
  result = scm_authority_issue (f->authority, &request, NULL, &error);
  g_assert_no_error (error);
  pem = scm_x509_der_to_pem (result->certificate_der);
  name = g_strconcat (scm_certificate_get_serial (result->certificate), ".pem", NULL);
  *out_path = scm_test_write_file (f->dir, name, pem);
  return g_strdup (scm_certificate_get_serial (result->certificate));
}

static int
verify (Fixture    *f,
        const char *crl_path,
        const char *certificate_path,
        char      **output)
{
  return scm_test_tool (output, f->dir, "openssl", "verify", "-crl_check", "-CAfile", f->chain_path,
                        "-CRLfile", crl_path, certificate_path, NULL);
}

static void
test_revoke_person (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *ada1_path = NULL;
  g_autofree char *ada2_path = NULL;
  g_autofree char *bob_path = NULL;
  g_autofree char *ada1 = issue (f, "ada@example.org", &ada1_path);
  g_autofree char *ada2 = issue (f, "ada@example.org", &ada2_path);
  g_autofree char *bob = issue (f, "bob@example.org", &bob_path);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *output = NULL;
  g_autofree char *listing = NULL;
  const char *ctl = g_getenv ("SCM_ENROLLCTL");
  const char *revoke[] = { ctl, "revoke", "--data-dir", f->data_dir, "--person", "ada@example.org",
                           "--reason", "key-compromise", NULL };
  guint64 number_before;

  if (!scm_test_require_tool ("curl", "curl") || !scm_test_require_tool ("openssl", "openssl"))
    return;
  g_assert_nonnull (ctl);

  /* Before: every certificate verifies against the served CRL. */
  before = fetch_crl (f, "before");
  number_before = crl_number (f, before);
  g_assert_cmpint (verify (f, before, ada1_path, &output), ==, 0);
  g_assert_cmpint (verify (f, before, bob_path, &output), ==, 0);

  /* Revoke all of Ada's from the command line while the server runs. */
  g_assert_cmpint (run_client (f, revoke, &output), ==, 0);
  g_assert_nonnull (strstr (output, ada1));
  g_assert_nonnull (strstr (output, ada2));
  g_assert_null (strstr (output, bob));

  /* The served CRL lists both, with a greater number, and openssl
   * refuses Ada's certificates with it, not Bob's. */
  after = fetch_crl (f, "after");
  g_assert_cmpuint (crl_number (f, after), >, number_before);
  g_assert_cmpint (scm_test_tool (&listing, f->dir, "openssl", "crl", "-in", after, "-noout",
                                  "-text", NULL), ==, 0);
  g_assert_nonnull (strstr (listing, ada1));
  g_assert_nonnull (strstr (listing, ada2));
  g_assert_null (strstr (listing, bob));
  g_assert_nonnull (strstr (listing, "Key Compromise"));
  g_assert_cmpint (verify (f, after, ada1_path, &output), !=, 0);
  g_assert_nonnull (strstr (output, "certificate revoked"));
  g_assert_cmpint (verify (f, after, ada2_path, &output), !=, 0);
  g_assert_nonnull (strstr (output, "certificate revoked"));
  g_assert_cmpint (verify (f, after, bob_path, &output), ==, 0);

  /* Nothing left to revoke: said, and no new CRL. */
  g_assert_cmpint (run_client (f, revoke, &output), ==, 0);
  g_assert_nonnull (strstr (output, "nothing was revoked"));
  g_clear_pointer (&before, g_free);
  before = fetch_crl (f, "again");
  g_assert_cmpuint (crl_number (f, before), ==, crl_number (f, after));

  /* An unknown person is one clear line and exit status 1. */
  revoke[5] = "nobody@example.org";
  g_assert_cmpint (run_client (f, revoke, &output), ==, 1);
  g_assert_nonnull (strstr (output, "nobody@example.org"));
}

static void
test_crl_each_revocation (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *ada_path = NULL;
  g_autofree char *bob_path = NULL;
  g_autofree char *ada = issue (f, "ada@example.org", &ada_path);
  g_autofree char *bob = issue (f, "bob@example.org", &bob_path);
  const char *issuer = scm_ca_get_issuing_fingerprint (scm_authority_get_ca (f->authority));
  g_autoptr(ScmCertificate) bob_certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) revoked = NULL;
  g_autoptr(GBytes) crl = NULL;
  guint64 first = 0, second = 0, third = 0;

  bob_certificate = scm_store_find_certificate_by_serial (f->store, bob, &error);
  g_assert_no_error (error);

  /* Each revocation signs and stores a new CRL at once. */
  g_assert_true (scm_authority_revoke (f->authority, ada, SCM_REVOCATION_SUPERSEDED, &error));
  g_assert_no_error (error);
  g_assert_true (scm_store_get_latest_crl (f->store, issuer, &first, NULL, NULL, NULL, &error));
  g_assert_true (scm_authority_revoke_person (f->authority,
                                              scm_certificate_get_person_id (bob_certificate),
                                              SCM_REVOCATION_AFFILIATION_CHANGED, &revoked, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (revoked->len, ==, 1);
  g_assert_true (scm_store_get_latest_crl (f->store, issuer, &second, NULL, NULL, NULL, &error));
  g_assert_cmpuint (second, ==, first + 1);

  /* A CRL that serves more than a day before its next update is reused… */
  crl = scm_authority_get_crl (f->authority, &error);
  g_assert_no_error (error);
  g_assert_true (scm_store_get_latest_crl (f->store, issuer, &third, NULL, NULL, NULL, &error));
  g_assert_cmpuint (third, ==, second);
  g_clear_pointer (&crl, g_bytes_unref);

  /* …one within a day of it is re-signed (what serve's hourly upkeep asks). */
  scm_test_set_setting (f->store, "crl.next-update-days", "1");
  g_clear_pointer (&crl, g_bytes_unref);
  crl = scm_authority_publish_crl (f->authority, &error);
  g_assert_no_error (error);
  g_assert_true (scm_store_get_latest_crl (f->store, issuer, &second, NULL, NULL, NULL, &error));
  g_clear_pointer (&crl, g_bytes_unref);
  crl = scm_authority_get_crl (f->authority, &error);
  g_assert_no_error (error);
  g_assert_true (scm_store_get_latest_crl (f->store, issuer, &third, NULL, NULL, NULL, &error));
  g_assert_cmpuint (third, ==, second + 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/revocation/person", Fixture, NULL, fixture_set_up, test_revoke_person,
              fixture_tear_down);
  g_test_add ("/revocation/crl-each-revocation", Fixture, NULL, fixture_set_up,
              test_crl_each_revocation, fixture_tear_down);

  return g_test_run ();
}
