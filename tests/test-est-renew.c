/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "scm-authority.h"
#include "scm-enrollment-server.h"
#include "scm-error.h"
#include "scm-secret.h"
#include "scm-test-server.h"
#include "scm-test-tools.h"
#include "scm-x509.h"

/* EST simplereenroll (RFC 7030 4.2.2) as clients meet it: strongSwan's
 * pki renewing with its current certificate and key as the TLS client
 * certificate, curl for the refusals, openssl to compare subjects and
 * keys, and the renewal's link to the certificate it renews. */

#define EXTENSION "staff-renew"

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
  ScmForm *form;
  ScmAccount *account;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = scm_test_make_tmp_dir ("test-est-renew-XXXXXX");
  f->data_dir = g_build_filename (f->dir, "data", NULL);
  f->authority = scm_test_open_authority (f->data_dir, &f->store);
  f->root_path = scm_test_write_root_pem (f->authority, f->dir);
  f->chain_path = scm_test_write_file (f->dir, "chain.pem",
                                       scm_ca_get_chain_pem (scm_authority_get_ca (f->authority)));
  f->acme = scm_test_add_organization (f->store, "Acme");
  scm_test_add_domain (f->store, "example.org", scm_organization_get_id (f->acme), 0, TRUE);
  scm_secret_free (scm_test_add_person (f->store, "ada@example.org", "Ada", "Lovelace",
                                        scm_organization_get_id (f->acme), 0));

  f->form = scm_form_new ();
  scm_form_set_name (f->form, "Staff");
  scm_form_set_uri_extension (f->form, EXTENSION);
  scm_form_set_authentication (f->form, SCM_AUTHENTICATION_SECRET_ID);
  scm_store_create_form (f->store, f->form, &error);
  g_assert_no_error (error);
  f->account = scm_test_add_account (f->store, f->form, "Open", scm_organization_get_id (f->acme),
                                     SCM_AUTHORIZATION_NONE, SCM_CSR_METHOD_CLIENT,
                                     scm_test_client_auth_profile_id (f->store));
  scm_test_set_setting (f->store, "est.default-form", EXTENSION);

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
  g_clear_object (&f->form);
  g_clear_object (&f->account);
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

/* Runs @argv while the main loop serves; stdout and stderr in *@output. */
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

/* A new EC key @dir/NAME.key and its CSR @dir/NAME.der (DER) and
 * @dir/NAME.b64 (base64, as EST sends it). */
static void
make_key_and_csr (Fixture    *f,
                  const char *name,
                  const char *reuse_key)
{
  g_autofree char *key = g_strdup_printf ("%s/%s.key", f->dir, name);
  g_autofree char *der = g_strdup_printf ("%s/%s.der", f->dir, name);
  g_autofree char *b64 = g_strconcat (name, ".b64", NULL);
  g_autofree char *output = NULL;
  g_autofree char *encoded = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) text = NULL;
  int status;

  if (reuse_key != NULL)
    status = scm_test_tool (&output, f->dir, "openssl", "req", "-new", "-key", reuse_key,
                            "-subj", "/CN=ada@example.org", "-outform", "DER", "-out", der, NULL);
  else
    status = scm_test_tool (&output, f->dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                            "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                            "-subj", "/CN=ada@example.org", "-outform", "DER", "-out", der, NULL);
  if (status != 0)
    g_error ("openssl req failed: %s", output);
  bytes = scm_test_read_file (der);
  encoded = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  text = g_bytes_new (encoded, strlen (encoded));
  g_free (scm_test_write_file (f->dir, b64, text));
}

/* Ada's certificate for @dir/NAME.der through the form, as @dir/NAME.pem. */
static ScmCertificate *
issue_for_csr (Fixture    *f,
               const char *name)
{
  g_autofree char *der_path = g_strdup_printf ("%s/%s.der", f->dir, name);
  g_autofree char *pem_name = g_strconcat (name, ".pem", NULL);
  g_autoptr(GBytes) csr = scm_test_read_file (der_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmPerson) person = scm_store_find_person_by_email (f->store, "ada@example.org", &error);
  g_autoptr(ScmProfile) profile = scm_store_get_profile (f->store,
                                                         scm_test_client_auth_profile_id (f->store),
                                                         &error);
  g_autoptr(ScmIssueResult) result = NULL;
  g_autoptr(GBytes) pem = NULL;
  ScmIssueRequest request = { 0 };

  g_assert_no_error (error);
  request.person = person;
  request.profile = profile;
  request.csr = csr;
  request.form_id = scm_form_get_id (f->form);
  request.account_id = scm_account_get_id (f->account);
  request.requested_via = SCM_REQUESTED_VIA_EST;
  result = scm_authority_issue (f->authority, &request, NULL, &error);
  g_assert_no_error (error);
  pem = scm_x509_der_to_pem (result->certificate_der);
  g_free (scm_test_write_file (f->dir, pem_name, pem));
  return g_object_ref (result->certificate);
}

static char *
openssl_x509 (Fixture    *f,
              const char *path,
              const char *what)
{
  g_autofree char *output = NULL;

  if (scm_test_tool (&output, f->dir, "openssl", "x509", "-in", path, "-noout", what, NULL) != 0)
    g_error ("openssl x509 %s failed: %s", what, output);
  return g_steal_pointer (&output);
}

/* curl POSTs @name.b64 to simplereenroll, with the client certificate
 * @cert_name (.pem and .key) or none; the HTTP status, the body in
 * @dir/@name.body. */
static guint
curl_reenroll (Fixture    *f,
               const char *name,
               const char *cert_name)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *output = NULL;
  guint64 status = 0;

  g_ptr_array_add (argv, g_strdup ("curl"));
  g_ptr_array_add (argv, g_strdup ("-sS"));
  g_ptr_array_add (argv, g_strdup ("--cacert"));
  g_ptr_array_add (argv, g_strdup (f->root_path));
  if (cert_name != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("--cert"));
      g_ptr_array_add (argv, g_strdup_printf ("%s/%s.pem", f->dir, cert_name));
      g_ptr_array_add (argv, g_strdup ("--key"));
      g_ptr_array_add (argv, g_strdup_printf ("%s/%s.key", f->dir, cert_name));
    }
  g_ptr_array_add (argv, g_strdup ("-o"));
  g_ptr_array_add (argv, g_strdup_printf ("%s/%s.body", f->dir, name));
  g_ptr_array_add (argv, g_strdup ("-w"));
  g_ptr_array_add (argv, g_strdup ("%{http_code}"));
  g_ptr_array_add (argv, g_strdup ("--data-binary"));
  g_ptr_array_add (argv, g_strdup_printf ("@%s/%s.b64", f->dir, name));
  g_ptr_array_add (argv, g_strdup ("-H"));
  g_ptr_array_add (argv, g_strdup ("Content-Type: application/pkcs10"));
  g_ptr_array_add (argv, g_strconcat (f->base, "/.well-known/est/simplereenroll", NULL));
  g_ptr_array_add (argv, NULL);

  if (run_client (f, (const char * const *) argv->pdata, &output) != 0)
    g_error ("curl failed: %s", output);
  g_assert_true (g_ascii_string_to_unsigned (output, 10, 100, 599, &status, NULL));
  return (guint) status;
}

static char *
read_body (Fixture    *f,
           const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.body", f->dir, name);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
test_strongswan (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(ScmCertificate) old = NULL;
  g_autoptr(ScmCertificate) renewal = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_pem = g_build_filename (f->dir, "old.pem", NULL);
  g_autofree char *old_key = g_build_filename (f->dir, "old.key", NULL);
  g_autofree char *new_der = g_build_filename (f->dir, "new.der", NULL);
  g_autofree char *new_pem = g_build_filename (f->dir, "new.pem", NULL);
  g_autofree char *output = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *old_subject = NULL;
  g_autofree char *new_subject = NULL;
  g_autofree char *old_key_text = NULL;
  g_autofree char *new_key_text = NULL;
  g_autofree char *serial_line = NULL;
  g_autofree char *list = NULL;
  g_autofree char *renewed_from = NULL;
  const char *ctl = g_getenv ("SCM_ENROLLCTL");
  const char *argv[] = { "pki", "--est", "--url", f->base, "--cacert", f->root_path,
                         "--cert", old_pem, "--key", old_key, "--in", new_der,
                         "--outform", "pem", NULL };
  const char *list_argv[] = { ctl, "list", "certificates", "--json", "--data-dir", f->data_dir, NULL };
  int status;

  if (!scm_test_require_tool ("pki", "strongswan-pki and libstrongswan-extra-plugins"))
    return;

  make_key_and_csr (f, "old", NULL);
  old = issue_for_csr (f, "old");
  make_key_and_csr (f, "new", NULL);

  status = run_client (f, argv, &output);
  if (status != 0)
    g_error ("pki --est (renewal) failed (%d): %s", status, output);
  pem = g_strdup (strstr (output, "-----BEGIN CERTIFICATE-----"));
  g_assert_nonnull (pem);
  g_assert_true (g_file_set_contents (new_pem, pem, -1, &error));

  /* Same subject, the new key, and it chains to our CA. */
  old_subject = openssl_x509 (f, old_pem, "-subject");
  new_subject = openssl_x509 (f, new_pem, "-subject");
  g_assert_cmpstr (new_subject, ==, old_subject);
  old_key_text = openssl_x509 (f, old_pem, "-pubkey");
  new_key_text = openssl_x509 (f, new_pem, "-pubkey");
  g_assert_cmpstr (new_key_text, !=, old_key_text);
  g_assert_cmpint (scm_test_tool (&output, f->dir, "openssl", "verify", "-CAfile", f->chain_path,
                                  new_pem, NULL), ==, 0);

  /* The renewal records the certificate it renews… */
  serial_line = g_strstrip (openssl_x509 (f, new_pem, "-serial"));
  renewal = scm_store_find_certificate_by_serial (f->store, strchr (serial_line, '=') + 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_certificate_get_renewed_from (renewal), ==, scm_certificate_get_id (old));
  g_assert_cmpint (scm_certificate_get_requested_via (renewal), ==, SCM_REQUESTED_VIA_EST);

  /* …and the administrator sees the chain of renewals. */
  g_assert_nonnull (ctl);
  g_assert_cmpint (scm_test_run (list_argv, NULL, &list, NULL), ==, 0);
  renewed_from = g_strdup_printf ("\"renewed_from\" : \"%s\"", scm_certificate_get_serial (old));
  g_assert_nonnull (strstr (list, renewed_from));
}

static void
test_refusals (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(ScmCertificate) old = NULL;
  g_autoptr(ScmCertificate) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_key = g_build_filename (f->dir, "old.key", NULL);
  g_autofree char *body = NULL;
  g_autofree char *output = NULL;
  g_autofree char *stranger_key = g_build_filename (f->dir, "stranger.key", NULL);
  g_autofree char *stranger_pem = g_build_filename (f->dir, "stranger.pem", NULL);

  if (!scm_test_require_tool ("curl", "curl"))
    return;

  make_key_and_csr (f, "old", NULL);
  old = issue_for_csr (f, "old");
  make_key_and_csr (f, "new", NULL);

  /* No client certificate: told what to present. */
  g_assert_cmpuint (curl_reenroll (f, "new", NULL), ==, 401);
  body = read_body (f, "new");
  g_assert_nonnull (strstr (body, "TLS client certificate"));
  g_clear_pointer (&body, g_free);

  /* A certificate that is not ours (self-signed, same subject). */
  g_assert_cmpint (scm_test_tool (&output, f->dir, "openssl", "req", "-x509", "-newkey", "ec",
                                  "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                                  stranger_key, "-subj", "/CN=ada@example.org", "-days", "30",
                                  "-out", stranger_pem, NULL), ==, 0);
  g_assert_cmpuint (curl_reenroll (f, "new", "stranger"), ==, 401);

  /* The same key again is no renewal. */
  make_key_and_csr (f, "same", old_key);
  g_assert_cmpuint (curl_reenroll (f, "same", "old"), ==, 403);
  body = read_body (f, "same");
  g_assert_nonnull (strstr (body, "new key"));
  g_clear_pointer (&body, g_free);

  /* A new key with the current certificate: renewed. */
  g_assert_cmpuint (curl_reenroll (f, "new", "old"), ==, 200);

  /* A revoked certificate renews nothing, and says so. */
  g_assert_true (scm_authority_revoke (f->authority, scm_certificate_get_serial (old),
                                       SCM_REVOCATION_KEY_COMPROMISE, &error));
  g_assert_no_error (error);
  make_key_and_csr (f, "newer", NULL);
  g_assert_cmpuint (curl_reenroll (f, "newer", "old"), ==, 403);
  body = read_body (f, "newer");
  g_assert_nonnull (strstr (body, "revoked"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/est-renew/strongswan", Fixture, NULL, fixture_set_up, test_strongswan,
              fixture_tear_down);
  g_test_add ("/est-renew/refusals", Fixture, NULL, fixture_set_up, test_refusals,
              fixture_tear_down);

  return g_test_run ();
}
