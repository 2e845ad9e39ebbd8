/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "scm-authority.h"
#include "scm-enrollment-server.h"
#include "scm-error.h"
#include "scm-est.h"
#include "scm-secret.h"
#include "scm-test-server.h"
#include "scm-test-tools.h"
#include "scm-x509.h"

/* EST (RFC 7030) as third-party clients meet it: a real SoupServer on
 * 127.0.0.1 with real HTTPS, curl and strongSwan's pki as the clients,
 * openssl to open what comes out. The clients run as subprocesses while
 * the main loop serves them. */

#define EXTENSION "staff-est"

typedef struct
{
  char *dir;
  char *root_path;
  char *chain_path;
  char *base;                 /* https://127.0.0.1:PORT */
  ScmStore *store;
  ScmAuthority *authority;
  ScmEnrollmentServer *server;
  ScmOrganization *acme;
  ScmForm *staff;             /* Secret ID form, the default EST form */
  ScmAccount *open;           /* none, client CSRs and server keys */
  ScmAccount *coded;          /* access code, client CSRs only, on the visitors form */
  ScmForm *visitors;          /* email confirmation */
  char *access_code;
  char *ada_secret;           /* ada@example.org */
} Fixture;

static ScmAccount *
add_account (Fixture          *f,
             ScmForm          *form,
             const char       *name,
             ScmAuthorization  authorization,
             ScmCsrMethod      methods)
{
  return scm_test_add_account (f->store, form, name, scm_organization_get_id (f->acme),
                               authorization, methods,
                               scm_test_client_auth_profile_id (f->store));
}

static ScmForm *
add_form (Fixture           *f,
          const char        *name,
          const char        *extension,
          ScmAuthentication  authentication)
{
  g_autoptr(ScmForm) form = scm_form_new ();
  g_autoptr(GError) error = NULL;

  scm_form_set_name (form, name);
  scm_form_set_uri_extension (form, extension);
  scm_form_set_authentication (form, authentication);
  scm_store_create_form (f->store, form, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&form);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;

  f->dir = scm_test_make_tmp_dir ("test-est-XXXXXX");
  data_dir = g_build_filename (f->dir, "data", NULL);
  f->authority = scm_test_open_authority (data_dir, &f->store);
  f->root_path = scm_test_write_root_pem (f->authority, f->dir);
  f->chain_path = scm_test_write_file (f->dir, "chain.pem",
                                       scm_ca_get_chain_pem (scm_authority_get_ca (f->authority)));

  f->acme = scm_test_add_organization (f->store, "Acme");
  scm_test_add_domain (f->store, "example.org", scm_organization_get_id (f->acme), 0, TRUE);

  f->staff = add_form (f, "Staff", EXTENSION, SCM_AUTHENTICATION_SECRET_ID);
  f->visitors = add_form (f, "Visitors", "visitors-est", SCM_AUTHENTICATION_EMAIL_CONFIRMATION);
  f->open = add_account (f, f->staff, "Open", SCM_AUTHORIZATION_NONE,
                         SCM_CSR_METHOD_SERVER | SCM_CSR_METHOD_CLIENT);
  f->coded = add_account (f, f->visitors, "Coded", SCM_AUTHORIZATION_ACCESS_CODE,
                          SCM_CSR_METHOD_CLIENT);
  scm_store_generate_access_code (f->store, f->coded, &f->access_code, &error);
  g_assert_no_error (error);
  scm_test_set_setting (f->store, "est.default-form", EXTENSION);

  f->ada_secret = scm_test_add_person (f->store, "ada@example.org", "Ada", "Lovelace",
                                       scm_organization_get_id (f->acme), 0);

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
  g_clear_object (&f->staff);
  g_clear_object (&f->visitors);
  g_clear_object (&f->open);
  g_clear_object (&f->coded);
  g_clear_pointer (&f->access_code, scm_secret_free);
  g_clear_pointer (&f->ada_secret, scm_secret_free);
  g_clear_object (&f->authority);
  g_clear_object (&f->store);
  scm_test_remove_tree (f->dir);
  g_free (f->root_path);
  g_free (f->chain_path);
  g_free (f->base);
  g_free (f->dir);
}

/* Clients ------------------------------------------------------------------------------- */

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

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &run->output, NULL,
                                        &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (G_SUBPROCESS (source));
  run->done = TRUE;
}

/* Runs @argv while the main loop serves; returns the exit status and its
 * stdout and stderr in *@output. */
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

  /* No client reads the real home. */
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

/* curl: the HTTP status; the headers and the body in @dir/NAME.headers
 * and @dir/NAME.body. */
static guint
curl (Fixture    *f,
      const char *name,
      const char *path,
      const char *userpass,
      const char *body_path,
      const char *content_type)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *output = NULL;
  guint64 status = 0;

  g_ptr_array_add (argv, g_strdup ("curl"));
  g_ptr_array_add (argv, g_strdup ("-sS"));
  g_ptr_array_add (argv, g_strdup ("--cacert"));
  g_ptr_array_add (argv, g_strdup (f->root_path));
  g_ptr_array_add (argv, g_strdup ("-o"));
  g_ptr_array_add (argv, g_strdup_printf ("%s/%s.body", f->dir, name));
  g_ptr_array_add (argv, g_strdup ("-D"));
  g_ptr_array_add (argv, g_strdup_printf ("%s/%s.headers", f->dir, name));
  g_ptr_array_add (argv, g_strdup ("-w"));
  g_ptr_array_add (argv, g_strdup ("%{http_code}"));
  if (userpass != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("-u"));
      g_ptr_array_add (argv, g_strdup (userpass));
    }
  if (body_path != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("--data-binary"));
      g_ptr_array_add (argv, g_strdup_printf ("@%s", body_path));
      g_ptr_array_add (argv, g_strdup ("-H"));
      g_ptr_array_add (argv, g_strdup_printf ("Content-Type: %s", content_type));
    }
  g_ptr_array_add (argv, g_strconcat (f->base, path, NULL));
  g_ptr_array_add (argv, NULL);

  if (run_client (f, (const char * const *) argv->pdata, &output) != 0)
    g_error ("curl failed: %s", output);
  g_assert_true (g_ascii_string_to_unsigned (output, 10, 100, 599, &status, NULL));
  return (guint) status;
}

static char *
read_text (Fixture    *f,
           const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

/* A new EC key @dir/NAME.key and its CSR in @dir/NAME.der, and the CSR in
 * base64 in @dir/NAME.b64; returns the path of the latter. */
static char *
make_csr (Fixture    *f,
          const char *name)
{
  g_autofree char *key = g_strdup_printf ("%s/%s.key", f->dir, name);
  g_autofree char *der = g_strdup_printf ("%s/%s.der", f->dir, name);
  g_autofree char *output = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *b64_name = g_strconcat (name, ".b64", NULL);
  g_autoptr(GBytes) text = NULL;

  if (scm_test_tool (&output, f->dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                     "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-subj", "/CN=Ada Lovelace", "-outform", "DER",
                     "-out", der, NULL) != 0)
    g_error ("openssl req failed: %s", output);
  bytes = scm_test_read_file (der);
  encoded = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  text = g_bytes_new (encoded, strlen (encoded));
  return scm_test_write_file (f->dir, b64_name, text);
}

/* Decodes the base64 certs-only answer @dir/NAME.body and prints its
 * certificates as PEM into @dir/NAME.pem; returns their text. */
static char *
open_pkcs7 (Fixture    *f,
            const char *name)
{
  g_autofree char *body = g_strconcat (name, ".body", NULL);
  g_autofree char *text = read_text (f, body);
  g_autofree char *der_name = g_strconcat (name, ".p7b", NULL);
  g_autofree char *pem_path = g_strdup_printf ("%s/%s.pem", f->dir, name);
  g_autofree char *der_path = NULL;
  g_autofree char *output = NULL;
  g_autoptr(GBytes) der = NULL;
  guchar *decoded;
  gsize len = 0;

  /* strongSwan needs it on one line. */
  g_assert_null (strchr (text, '\n'));
  decoded = g_base64_decode (text, &len);
  der = g_bytes_new_take (decoded, len);
  der_path = scm_test_write_file (f->dir, der_name, der);
  if (scm_test_tool (&output, f->dir, "openssl", "pkcs7", "-inform", "DER", "-in", der_path,
                     "-print_certs", "-out", pem_path, NULL) != 0)
    g_error ("openssl pkcs7 failed: %s", output);
  return read_text (f, strrchr (pem_path, '/') + 1);
}

/* The certificates of a PEM text, as DER, in order. */
static GPtrArray *
certificates_of (const char *pem)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *chain = scm_x509_chain_from_pem (pem, strlen (pem), &error);

  g_assert_no_error (error);
  return chain;
}

static void
assert_verifies (Fixture    *f,
                 const char *certificate_path)
{
  g_autofree char *output = NULL;

  g_assert_cmpint (scm_test_tool (&output, f->dir, "openssl", "verify", "-CAfile", f->root_path,
                                  "-untrusted", f->chain_path, certificate_path, NULL), ==, 0);
  g_assert_nonnull (strstr (output, ": OK"));
}

/* The public key of a certificate or private key file, as PEM. */
static char *
public_key (Fixture    *f,
            const char *path,
            gboolean    is_certificate)
{
  g_autofree char *output = NULL;

  if (is_certificate)
    g_assert_cmpint (scm_test_tool (&output, f->dir, "openssl", "x509", "-in", path, "-noout",
                                    "-pubkey", NULL), ==, 0);
  else
    g_assert_cmpint (scm_test_tool (&output, f->dir, "openssl", "pkey", "-in", path, "-pubout",
                                    NULL), ==, 0);
  return g_steal_pointer (&output);
}

static guint
count_audit (Fixture    *f,
             const char *action,
             const char *result,
             const char *message_part)
{
  ScmAuditFilter filter = { .action = action, .result = result };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = scm_store_list_audit_events (f->store, &filter, 0, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    if (strstr (scm_audit_event_get_message (g_ptr_array_index (events, i)), message_part))
      n++;
  return n;
}

static char *
ada (Fixture    *f,
     const char *password)
{
  return g_strconcat ("ada@example.org:", password, NULL);
}

/* Tests ------------------------------------------------------------------------------------ */

static void
test_certs_only_structure (void)
{
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autoptr(GBytes) der = scm_est_certs_only (none);
  const guint8 *data = g_bytes_get_data (der, NULL);

  /* ContentInfo SEQUENCE around id-signedData. */
  g_assert_cmpuint (g_bytes_get_size (der), >, 20);
  g_assert_cmpuint (data[0], ==, 0x30);
  g_assert_cmpuint (data[1], ==, g_bytes_get_size (der) - 2);
  g_assert_cmpuint (data[2], ==, 0x06);
  g_assert_cmpuint (data[12], ==, 0x02);
}

static void
test_cacerts (Fixture       *f,
              gconstpointer  data)
{
  const char *paths[] = { "/.well-known/est/" EXTENSION "/cacerts", "/.well-known/est/cacerts" };
  g_autoptr(GPtrArray) expected = scm_ca_get_chain (scm_authority_get_ca (f->authority));

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *pem = NULL;
      g_autofree char *headers = NULL;
      g_autoptr(GPtrArray) got = NULL;

      g_assert_cmpuint (curl (f, "cacerts", paths[i], NULL, NULL, NULL), ==, 200);
      headers = read_text (f, "cacerts.headers");
      g_assert_nonnull (strstr (headers, "application/pkcs7-mime"));
      g_assert_nonnull (strstr (headers, "Content-Transfer-Encoding: base64"));
      pem = open_pkcs7 (f, "cacerts");
      got = certificates_of (pem);
      g_assert_cmpuint (got->len, ==, expected->len);
      g_assert_cmpuint (got->len, >=, 2);
      for (guint j = 0; j < got->len; j++)
        g_assert_true (g_bytes_equal (g_ptr_array_index (got, j), g_ptr_array_index (expected, j)));
    }

  /* An unknown label, and no default form. */
  g_assert_cmpuint (curl (f, "missing", "/.well-known/est/nope/cacerts", NULL, NULL, NULL), ==, 404);
  {
    g_autoptr(GError) error = NULL;

    scm_store_set_setting (f->store, "est.default-form", NULL, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpuint (curl (f, "missing", "/.well-known/est/cacerts", NULL, NULL, NULL), ==, 404);
}

static void
test_simpleenroll (Fixture       *f,
                   gconstpointer  data)
{
  const char *paths[] = { "/.well-known/est/" EXTENSION "/simpleenroll",
                          "/.well-known/est/simpleenroll" };
  g_autofree char *csr = make_csr (f, "ada");
  g_autofree char *userpass = ada (f, f->ada_secret);
  g_autofree char *key_path = g_build_filename (f->dir, "ada.key", NULL);
  g_autofree char *own_key = public_key (f, key_path, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *headers = NULL;
      g_autofree char *pem = NULL;
      g_autofree char *cert_path = g_build_filename (f->dir, "enroll.pem", NULL);
      g_autofree char *cert_key = NULL;
      g_autoptr(GPtrArray) got = NULL;
      g_autoptr(ScmCertificateInfo) info = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_cmpuint (curl (f, "enroll", paths[i], userpass, csr, "application/pkcs10"), ==,
                        200);
      headers = read_text (f, "enroll.headers");
      g_assert_nonnull (strstr (headers, "application/pkcs7-mime"));
      pem = open_pkcs7 (f, "enroll");
      got = certificates_of (pem);
      g_assert_cmpuint (got->len, ==, 1);
      assert_verifies (f, cert_path);
      cert_key = public_key (f, cert_path, TRUE);
      g_assert_cmpstr (cert_key, ==, own_key);
      info = scm_x509_describe (g_ptr_array_index (got, 0), &error);
      g_assert_no_error (error);
      /* The CA decides the subject: the person's, not the CSR's. */
      g_assert_true (g_strv_contains ((const char * const *) info->emails, "ada@example.org"));
    }
  g_assert_cmpuint (count_audit (f, "est.", "failure", ""), ==, 0);
}

/* An access code opens the access-code account of its form, with the
 * email as user name. */
static void
test_access_code (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *csr = make_csr (f, "code");
  g_autofree char *userpass = ada (f, f->access_code);
  g_autofree char *secret_pass = ada (f, f->ada_secret);
  g_autofree char *cert_path = g_build_filename (f->dir, "code.pem", NULL);
  g_autofree char *pem = NULL;

  g_assert_cmpuint (curl (f, "code", "/.well-known/est/visitors-est/simpleenroll", userpass, csr,
                          "application/pkcs10"), ==, 200);
  pem = open_pkcs7 (f, "code");
  assert_verifies (f, cert_path);

  /* The Secret ID does not open an access-code account; the access code
   * does not open the Secret ID form's accounts. */
  g_assert_cmpuint (curl (f, "other", "/.well-known/est/visitors-est/simpleenroll", secret_pass,
                          csr, "application/pkcs10"), ==, 401);
  g_assert_cmpuint (curl (f, "other", "/.well-known/est/" EXTENSION "/simpleenroll", userpass,
                          csr, "application/pkcs10"), ==, 401);
}

static void
test_refusals (Fixture       *f,
               gconstpointer  data)
{
  const char *path = "/.well-known/est/" EXTENSION "/simpleenroll";
  g_autofree char *csr = make_csr (f, "ada");
  g_autofree char *wrong = ada (f, "not-the-secret");
  g_autofree char *right = ada (f, f->ada_secret);
  g_autofree char *stranger = g_strconcat ("eve@example.org:", f->ada_secret, NULL);
  g_autofree char *headers = NULL;
  g_autofree char *garbage = NULL;
  g_autoptr(GBytes) junk = g_bytes_new_static ("bm90IGEgQ1NS", 12);
  guint before;

  /* Missing and wrong credentials: the same 401 with a Basic challenge. */
  g_assert_cmpuint (curl (f, "none", path, NULL, csr, "application/pkcs10"), ==, 401);
  headers = read_text (f, "none.headers");
  g_assert_nonnull (strstr (headers, "WWW-Authenticate: Basic realm=\"" SCM_EST_REALM "\""));
  g_assert_cmpuint (curl (f, "wrong", path, wrong, csr, "application/pkcs10"), ==, 401);
  g_clear_pointer (&headers, g_free);
  headers = read_text (f, "wrong.headers");
  g_assert_nonnull (strstr (headers, "WWW-Authenticate: Basic"));
  g_assert_cmpuint (curl (f, "stranger", path, stranger, csr, "application/pkcs10"), ==, 401);
  /* The audit log knows which was which. */
  g_assert_cmpuint (count_audit (f, "est.authenticate", "failure", "Secret ID"), ==, 1);
  g_assert_cmpuint (count_audit (f, "est.authenticate", "failure", "no registered person"), ==, 1);

  /* A bad CSR, a wrong content type, an unknown form. */
  garbage = scm_test_write_file (f->dir, "garbage.b64", junk);
  g_assert_cmpuint (curl (f, "bad", path, right, garbage, "application/pkcs10"), ==, 400);
  g_assert_cmpuint (count_audit (f, "est.request", "failure", "certificate request"), ==, 1);
  g_assert_cmpuint (curl (f, "type", path, right, csr, "application/json"), ==, 415);
  g_assert_cmpuint (curl (f, "form", "/.well-known/est/nope/simpleenroll", right, csr,
                          "application/pkcs10"), ==, 404);

  /* Lockout: after the limit, even the right Secret ID is refused, with
   * nothing issued. */
  for (guint i = 0; i < 5; i++)
    curl (f, "wrong", path, wrong, csr, "application/pkcs10");
  before = count_audit (f, "certificate.", NULL, "");
  g_assert_cmpuint (curl (f, "locked", path, right, csr, "application/pkcs10"), ==, 429);
  g_clear_pointer (&headers, g_free);
  headers = read_text (f, "locked.headers");
  g_assert_nonnull (strstr (headers, "Retry-After:"));
  g_assert_cmpuint (count_audit (f, "certificate.", NULL, ""), ==, before);
  g_assert_cmpuint (count_audit (f, "est.authenticate", "failure", "locked out"), ==, 1);
}

static void
test_serverkeygen (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *csr = make_csr (f, "ada");
  g_autofree char *userpass = ada (f, f->ada_secret);
  g_autofree char *code_pass = ada (f, f->access_code);
  g_autofree char *body = NULL;
  g_autofree char *headers = NULL;
  g_autofree char *boundary = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *cert_pem = NULL;
  g_autofree char *key_pub = NULL;
  g_autofree char *cert_pub = NULL;
  g_autofree char *output = NULL;
  g_auto(GStrv) parts = NULL;
  const char *mark;

  g_assert_cmpuint (curl (f, "keygen", "/.well-known/est/" EXTENSION "/serverkeygen", userpass,
                          csr, "application/pkcs10"), ==, 200);
  headers = read_text (f, "keygen.headers");
  mark = strstr (headers, "multipart/mixed; boundary=");
  g_assert_nonnull (mark);
  boundary = g_strndup (mark + strlen ("multipart/mixed; boundary="),
                        strcspn (mark + strlen ("multipart/mixed; boundary="), "\r\n;"));

  /* Two parts: the key, then the certificate. */
  body = read_text (f, "keygen.body");
  {
    g_autofree char *separator = g_strconcat ("--", boundary, NULL);

    parts = g_strsplit (body, separator, -1);
  }
  g_assert_cmpuint (g_strv_length (parts), ==, 4);
  g_assert_nonnull (strstr (parts[1], "Content-Type: application/pkcs8"));
  g_assert_nonnull (strstr (parts[2], "Content-Type: application/pkcs7-mime"));
  for (guint i = 1; i <= 2; i++)
    {
      const char *content = strstr (parts[i], "\r\n\r\n");
      g_autofree char *text = NULL;
      g_autoptr(GBytes) der = NULL;
      guchar *decoded;
      gsize len = 0;

      g_assert_nonnull (content);
      text = g_strstrip (g_strdup (content));
      decoded = g_base64_decode (text, &len);
      g_assert_cmpuint (len, >, 0);
      der = g_bytes_new_take (decoded, len);
      if (i == 1)
        key_path = scm_test_write_file (f->dir, "server.key.der", der);
      else
        {
          g_autoptr(GBytes) encoded = g_bytes_new (text, strlen (text));
          g_autofree char *p7 = scm_test_write_file (f->dir, "server.body", encoded);

          cert_pem = open_pkcs7 (f, "server");
        }
    }
  cert_path = g_build_filename (f->dir, "server.pem", NULL);
  assert_verifies (f, cert_path);
  g_assert_cmpint (scm_test_tool (&output, f->dir, "openssl", "pkey", "-inform", "DER", "-in",
                                  key_path, "-pubout", NULL), ==, 0);
  key_pub = g_steal_pointer (&output);
  cert_pub = public_key (f, cert_path, TRUE);
  g_assert_cmpstr (key_pub, ==, cert_pub);

  /* Not for an account that takes only CSRs. */
  g_assert_cmpuint (curl (f, "refused", "/.well-known/est/visitors-est/serverkeygen", code_pass,
                          csr, "application/pkcs10"), ==, 403);
  g_assert_cmpuint (count_audit (f, "est.request", "failure", "make the key"), ==, 1);
}

static void
test_strongswan (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *csr = make_csr (f, "ada");
  g_autofree char *der = g_build_filename (f->dir, "ada.der", NULL);
  g_autofree char *userpass = ada (f, f->ada_secret);
  g_autofree char *cert_path = g_build_filename (f->dir, "pki.pem", NULL);
  g_autofree char *output = NULL;
  g_autofree char *pem = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "pki", "--est", "--url", f->base, "--cacert", f->root_path,
                         "--in", der, "--userpass", userpass, "--outform", "pem", NULL };
  int status;

  if (!scm_test_require_tool ("pki", "strongswan-pki and libstrongswan-extra-plugins"))
    return;

  status = run_client (f, argv, &output);
  if (status != 0)
    g_error ("pki --est failed (%d): %s", status, output);
  /* pki writes the certificate to its standard output, after any log lines. */
  pem = g_strdup (strstr (output, "-----BEGIN CERTIFICATE-----"));
  g_assert_nonnull (pem);
  g_file_set_contents (cert_path, pem, -1, &error);
  g_assert_no_error (error);
  assert_verifies (f, cert_path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/est/certs-only-structure", test_certs_only_structure);
  g_test_add ("/est/cacerts", Fixture, NULL, fixture_set_up, test_cacerts, fixture_tear_down);
  g_test_add ("/est/simpleenroll", Fixture, NULL, fixture_set_up, test_simpleenroll,
              fixture_tear_down);
  g_test_add ("/est/access-code", Fixture, NULL, fixture_set_up, test_access_code,
              fixture_tear_down);
  g_test_add ("/est/refusals", Fixture, NULL, fixture_set_up, test_refusals, fixture_tear_down);
  g_test_add ("/est/serverkeygen", Fixture, NULL, fixture_set_up, test_serverkeygen,
              fixture_tear_down);
  g_test_add ("/est/strongswan", Fixture, NULL, fixture_set_up, test_strongswan,
              fixture_tear_down);
  return g_test_run ();
}
