/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "scm-authority.h"
#include "scm-enrollment-client.h"
#include "scm-enrollment-server.h"
#include "scm-error.h"
#include "scm-key.h"
#include "scm-pkcs12.h"
#include "scm-secret.h"
#include "scm-smtp-sink.h"
#include "scm-test-server.h"
#include "scm-test-tools.h"
#include "scm-x509.h"

/* The enrollment client library and `scm-enrollctl enroll` against a real
 * SoupServer on 127.0.0.1 with real HTTPS, a real SMTP sink for the
 * codes, and openssl to open the PKCS#12 files. The server runs on this
 * thread's main context, so every wait here iterates it. */

#define SENDER "enroll@example.org"
#define WAIT_MS 30000
#define PASSWORD "correct horse battery staple"
#define WRONG_PIN "sha256=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

typedef struct
{
  char *dir;
  char *data_dir;
  ScmStore *store;
  ScmAuthority *authority;
  ScmEnrollmentServer *server;
  ScmSmtpSink *sink;
  char *pin;

  ScmOrganization *acme;
  ScmForm *staff;             /* Secret ID */
  ScmForm *visitors;          /* email confirmation */
  ScmAccount *open;           /* staff, none, server and client keys */
  ScmAccount *coded;          /* staff, access code, server keys */
  ScmAccount *visitor;        /* visitors, none, server keys */
  char *access_code;
  char *ada_secret;
  gint64 client_auth_id;
} Fixture;

/* Set-up ----------------------------------------------------------------------------------- */

static ScmForm *
add_form (Fixture           *f,
          const char        *name,
          ScmAuthentication  authentication)
{
  g_autoptr(ScmForm) form = scm_form_new ();
  g_autoptr(GError) error = NULL;

  scm_form_set_name (form, name);
  scm_form_set_authentication (form, authentication);
  scm_form_set_help_text (form, "Ask the service desk if the code does not come.");
  scm_store_create_form (f->store, form, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&form);
}

static ScmAccount *
add_account (Fixture          *f,
             ScmForm          *form,
             const char       *name,
             ScmAuthorization  authorization,
             ScmCsrMethod      methods)
{
  return scm_test_add_account (f->store, form, name, scm_organization_get_id (f->acme),
                               authorization, methods, f->client_auth_id);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = scm_test_make_tmp_dir ("test-enrollment-client-XXXXXX");
  f->data_dir = g_build_filename (f->dir, "data", NULL);
  f->authority = scm_test_open_authority (f->data_dir, &f->store);
  f->pin = g_strdup (scm_ca_get_root_fingerprint (scm_authority_get_ca (f->authority)));

  f->sink = scm_smtp_sink_new ();
  scm_test_use_smtp_sink (f->store, f->sink, SENDER);

  f->acme = scm_test_add_organization (f->store, "Acme");
  scm_test_add_domain (f->store, "example.org", scm_organization_get_id (f->acme), 0, TRUE);
  f->client_auth_id = scm_test_client_auth_profile_id (f->store);

  f->staff = add_form (f, "Staff", SCM_AUTHENTICATION_SECRET_ID);
  f->visitors = add_form (f, "Visitors", SCM_AUTHENTICATION_EMAIL_CONFIRMATION);
  f->open = add_account (f, f->staff, "Open", SCM_AUTHORIZATION_NONE,
                         SCM_CSR_METHOD_SERVER | SCM_CSR_METHOD_CLIENT);
  f->coded = add_account (f, f->staff, "Coded", SCM_AUTHORIZATION_ACCESS_CODE,
                          SCM_CSR_METHOD_SERVER);
  scm_store_generate_access_code (f->store, f->coded, &f->access_code, &error);
  g_assert_no_error (error);
  f->visitor = add_account (f, f->visitors, "Visitor", SCM_AUTHORIZATION_NONE,
                            SCM_CSR_METHOD_SERVER);

  f->ada_secret = scm_test_add_person (f->store, "ada@example.org", "Ada", "Lovelace",
                                       scm_organization_get_id (f->acme), 0);

  f->server = scm_test_server_new (f->authority, TRUE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  scm_test_server_stop (f->server);
  g_assert_true (scm_store_verify (f->store, &error));
  g_assert_no_error (error);

  g_clear_pointer (&f->sink, scm_smtp_sink_free);
  g_clear_object (&f->acme);
  g_clear_object (&f->staff);
  g_clear_object (&f->visitors);
  g_clear_object (&f->open);
  g_clear_object (&f->coded);
  g_clear_object (&f->visitor);
  g_clear_pointer (&f->access_code, scm_secret_free);
  g_clear_pointer (&f->ada_secret, scm_secret_free);
  g_clear_object (&f->authority);
  g_clear_object (&f->store);
  scm_test_remove_tree (f->dir);
  g_free (f->pin);
  g_free (f->data_dir);
  g_free (f->dir);
}

/* Helpers ---------------------------------------------------------------------------------- */

static char *
enrollment_url (Fixture    *f,
                ScmForm    *form,
                const char *fragment)
{
  g_autofree char *pin = g_strconcat ("sha256=", f->pin, NULL);

  return g_strconcat (scm_enrollment_server_get_url (f->server), "/enroll/",
                      scm_form_get_uri_extension (form), "#",
                      fragment != NULL ? fragment : pin, NULL);
}

static ScmEnrollmentClient *
new_client (Fixture *f,
            ScmForm *form)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = enrollment_url (f, form, NULL);
  ScmEnrollmentClient *client = scm_enrollment_client_new (url, &error);

  g_assert_no_error (error);
  return client;
}

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static JsonObject *
sign_in (ScmEnrollmentClient *client,
         const char          *email,
         const char          *secret,
         GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  scm_enrollment_client_create_session_secret_id_async (client, email, secret, NULL,
                                                        store_result_cb, &result);
  return scm_enrollment_client_create_session_finish (client, wait_for (&result), error);
}

static JsonObject *
authorize (ScmEnrollmentClient *client,
           ScmAccount          *account,
           const char          *access_code,
           GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  scm_enrollment_client_authorize_account_async (client, scm_account_get_id (account),
                                                 access_code, NULL, NULL, store_result_cb,
                                                 &result);
  return scm_enrollment_client_authorize_account_finish (client, wait_for (&result), error);
}

static JsonObject *
request_certificate (Fixture             *f,
                     ScmEnrollmentClient *client,
                     ScmAccount          *account,
                     const char          *csr,
                     const char          *password,
                     GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  scm_enrollment_client_request_certificate_async (client, scm_account_get_id (account),
                                                   f->client_auth_id, 0, "EC-P256", csr,
                                                   password,
                                                   password != NULL ? "AES256-SHA256" : NULL,
                                                   NULL, store_result_cb, &result);
  return scm_enrollment_client_request_certificate_finish (client, wait_for (&result), error);
}

static guint
count_audit (Fixture    *f,
             const char *action)
{
  g_autoptr(GError) error = NULL;
  ScmAuditFilter filter = { .action = action };
  g_autoptr(GPtrArray) events = scm_store_list_audit_events (f->store, &filter, 0, &error);

  g_assert_no_error (error);
  return events->len;
}

/* Opens the base64 PKCS#12 of @issued with @password and checks that it
 * holds a certificate for @email. */
static void
assert_pkcs12_for (GBytes     *p12,
                   const char *password,
                   const char *email)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GBytes) certificate = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(ScmCertificateInfo) info = NULL;

  g_assert_true (scm_pkcs12_parse (p12, password, &key, &certificate, &chain, &error));
  g_assert_no_error (error);
  info = scm_x509_describe (certificate, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char *const *) info->emails, email));
  g_assert_cmpuint (chain->len, >=, 1);
}

/* Library ---------------------------------------------------------------------------------- */

static void
test_urls (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmEnrollmentClient) client = new_client (f, f->staff);
  g_autoptr(ScmEnrollmentClient) base = NULL;
  g_autoptr(ScmEnrollmentClient) http = NULL;
  g_autofree char *unpinned = g_strconcat (scm_enrollment_server_get_url (f->server), "/enroll/",
                                           scm_form_get_uri_extension (f->staff), NULL);
  g_autofree char *damaged = enrollment_url (f, f->staff, "sha256=abc");
  g_autofree char *base_url = g_strconcat (scm_enrollment_server_get_url (f->server),
                                           "#sha256=", f->pin, NULL);
  ScmEnrollmentClient *none;

  g_assert_cmpstr (scm_enrollment_client_get_base_url (client), ==,
                   scm_enrollment_server_get_url (f->server));
  g_assert_cmpstr (scm_enrollment_client_get_extension (client), ==,
                   scm_form_get_uri_extension (f->staff));
  g_assert_cmpstr (scm_enrollment_client_get_pin (client), ==, f->pin);

  base = scm_enrollment_client_new_full (base_url, scm_form_get_uri_extension (f->staff),
                                         SCM_ENROLLMENT_CLIENT_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scm_enrollment_client_get_base_url (base), ==,
                   scm_enrollment_server_get_url (f->server));

  /* No pin, a damaged pin, plain HTTP, no form: refused unless allowed. */
  none = scm_enrollment_client_new (unpinned, &error);
  g_assert_error (error, SCM_ENROLLMENT_CLIENT_ERROR, SCM_ENROLLMENT_CLIENT_ERROR_INVALID_URL);
  g_assert_nonnull (strstr (error->message, "#sha256="));
  g_assert_null (none);
  g_clear_error (&error);
  none = scm_enrollment_client_new (damaged, &error);
  g_assert_error (error, SCM_ENROLLMENT_CLIENT_ERROR, SCM_ENROLLMENT_CLIENT_ERROR_INVALID_URL);
  g_assert_null (none);
  g_clear_error (&error);
  none = scm_enrollment_client_new ("http://127.0.0.1:1/enroll/staff", &error);
  g_assert_error (error, SCM_ENROLLMENT_CLIENT_ERROR, SCM_ENROLLMENT_CLIENT_ERROR_INVALID_URL);
  g_assert_null (none);
  g_clear_error (&error);
  none = scm_enrollment_client_new ("https://127.0.0.1:1/elsewhere#sha256=00", &error);
  g_assert_error (error, SCM_ENROLLMENT_CLIENT_ERROR, SCM_ENROLLMENT_CLIENT_ERROR_INVALID_URL);
  g_assert_null (none);
  g_clear_error (&error);

  http = scm_enrollment_client_new_full ("http://127.0.0.1:1/enroll/staff", NULL,
                                         SCM_ENROLLMENT_CLIENT_ALLOW_HTTP, &error);
  g_assert_no_error (error);
  g_assert_null (scm_enrollment_client_get_pin (http));
}

static void
test_form (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(ScmEnrollmentClient) client = new_client (f, f->staff);
  g_autoptr(ScmEnrollmentClient) gone = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) form = NULL;
  g_autoptr(JsonObject) missing = NULL;
  g_autofree char *url = NULL;

  scm_enrollment_client_get_form_async (client, NULL, store_result_cb, &result);
  form = scm_enrollment_client_get_form_finish (client, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (form, "name"), ==, "Staff");
  g_assert_cmpstr (json_object_get_string_member (form, "authentication"), ==, "secret-id");
  g_clear_object (&result);

  url = g_strconcat (scm_enrollment_server_get_url (f->server), "/enroll/no-such-form#sha256=",
                     f->pin, NULL);
  gone = scm_enrollment_client_new (url, &error);
  g_assert_no_error (error);
  scm_enrollment_client_get_form_async (gone, NULL, store_result_cb, &result);
  missing = scm_enrollment_client_get_form_finish (gone, wait_for (&result), &error);
  g_assert_error (error, SCM_ENROLLMENT_CLIENT_ERROR, SCM_ENROLLMENT_CLIENT_ERROR_FORM_NOT_FOUND);
  g_assert_null (missing);
}

static void
test_pin_mismatch (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *url = enrollment_url (f, f->visitors, WRONG_PIN);
  g_autofree char *staff_url = enrollment_url (f, f->staff, WRONG_PIN);
  g_autoptr(ScmEnrollmentClient) client = NULL;
  g_autoptr(ScmEnrollmentClient) staff = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) session = NULL;
  g_autofree char *id = NULL;
  guint audits = count_audit (f, NULL);

  client = scm_enrollment_client_new (url, &error);
  g_assert_no_error (error);
  scm_enrollment_client_request_confirmation_async (client, "ada@example.org", NULL,
                                                    store_result_cb, &result);
  id = scm_enrollment_client_request_confirmation_finish (client, wait_for (&result), &error);
  g_assert_error (error, SCM_ENROLLMENT_CLIENT_ERROR, SCM_ENROLLMENT_CLIENT_ERROR_PIN_MISMATCH);
  g_assert_cmpstr (error->message, ==, SCM_ENROLLMENT_CLIENT_PIN_MISMATCH_MESSAGE);
  g_assert_null (id);
  g_clear_error (&error);

  /* The Secret ID never reached the server: no attempt was counted. */
  staff = scm_enrollment_client_new (staff_url, &error);
  g_assert_no_error (error);
  session = sign_in (staff, "ada@example.org", f->ada_secret, &error);
  g_assert_error (error, SCM_ENROLLMENT_CLIENT_ERROR, SCM_ENROLLMENT_CLIENT_ERROR_PIN_MISMATCH);
  g_assert_null (session);
  g_assert_null (scm_enrollment_client_get_session (staff));

  g_assert_cmpuint (count_audit (f, NULL), ==, audits);
  g_assert_cmpuint (scm_smtp_sink_get_connection_count (f->sink), ==, 0);
}

static void
test_secret_id_flow (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(ScmEnrollmentClient) client = new_client (f, f->staff);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_autoptr(JsonObject) early = NULL;
  g_autoptr(JsonObject) session = NULL;
  g_autoptr(JsonObject) wrong_code = NULL;
  g_autoptr(JsonObject) coded = NULL;
  g_autoptr(JsonObject) open = NULL;
  g_autoptr(JsonObject) issued = NULL;
  g_autoptr(JsonObject) csr_issued = NULL;
  g_autoptr(GBytes) p12 = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GBytes) csr = NULL;
  g_autofree char *csr_pem = NULL;
  g_autofree guchar *decoded = NULL;
  gsize len = 0;
  JsonArray *accounts;

  /* Before signing in there is no session to use. */
  early = request_certificate (f, client, f->open, NULL, PASSWORD, &error);
  g_assert_error (error, SCM_ENROLLMENT_CLIENT_ERROR, SCM_ENROLLMENT_CLIENT_ERROR_SESSION_EXPIRED);
  g_clear_error (&error);

  refused = sign_in (client, "ada@example.org", "not-the-secret-id-at-all", &error);
  g_assert_error (error, SCM_ENROLLMENT_CLIENT_ERROR,
                  SCM_ENROLLMENT_CLIENT_ERROR_CREDENTIALS_REFUSED);
  g_assert_null (refused);
  g_clear_error (&error);

  session = sign_in (client, "ada@example.org", f->ada_secret, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scm_enrollment_client_get_session (client), ==,
                   json_object_get_string_member (session, "session"));
  accounts = json_object_get_array_member (session, "accounts");
  g_assert_cmpuint (json_array_get_length (accounts), ==, 2);

  /* The access-code account takes its code and nothing else. */
  wrong_code = authorize (client, f->coded, "WRONG-CODE-1234", &error);
  g_assert_error (error, SCM_ENROLLMENT_CLIENT_ERROR,
                  SCM_ENROLLMENT_CLIENT_ERROR_CREDENTIALS_REFUSED);
  g_clear_error (&error);
  coded = authorize (client, f->coded, f->access_code, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (coded, "profiles")), ==, 1);

  open = authorize (client, f->open, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (open, "csr_methods")),
                    ==, 2);

  /* A key made here: only the CSR travels. */
  key = scm_key_generate (SCM_KEY_TYPE_EC_P256, &error);
  g_assert_no_error (error);
  csr = scm_csr_create (key, "ada@example.org", &error);
  g_assert_no_error (error);
  csr_pem = g_strndup (g_bytes_get_data (csr, NULL), g_bytes_get_size (csr));
  csr_issued = request_certificate (f, client, f->open, csr_pem, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (json_object_get_string_member (csr_issued, "certificate"),
                            "BEGIN CERTIFICATE"));
  g_assert_false (json_object_has_member (csr_issued, "pkcs12"));

  /* The session ended with that certificate: sign in again. */
  g_clear_pointer (&session, json_object_unref);
  session = sign_in (client, "ada@example.org", f->ada_secret, &error);
  g_assert_no_error (error);
  g_clear_pointer (&open, json_object_unref);
  open = authorize (client, f->open, NULL, &error);
  g_assert_no_error (error);
  issued = request_certificate (f, client, f->open, NULL, PASSWORD, &error);
  g_assert_no_error (error);
  decoded = g_base64_decode (json_object_get_string_member (issued, "pkcs12"), &len);
  p12 = g_bytes_new (decoded, len);
  assert_pkcs12_for (p12, PASSWORD, "ada@example.org");
  g_assert_cmpstr (json_object_get_string_member (issued, "serial"), !=,
                   json_object_get_string_member (csr_issued, "serial"));
}

static void
test_email_flow (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(ScmEnrollmentClient) client = new_client (f, f->visitors);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) session = NULL;
  g_autoptr(JsonObject) authorized = NULL;
  g_autoptr(JsonObject) issued = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GRegex) regex = g_regex_new ("^    ([0-9]{8})$", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GBytes) p12 = NULL;
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;
  g_autofree char *code = NULL;
  g_autofree guchar *decoded = NULL;
  gsize len = 0;

  scm_enrollment_client_request_confirmation_async (client, "ada@example.org", NULL,
                                                    store_result_cb, &result);
  id = scm_enrollment_client_request_confirmation_finish (client, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
  g_clear_object (&result);

  g_assert_true (scm_smtp_sink_wait_for_messages (f->sink, 1, WAIT_MS));
  messages = scm_smtp_sink_get_messages (f->sink);
  text = scm_smtp_message_get_text (g_ptr_array_index (messages, 0));
  g_assert_true (g_regex_match (regex, text, 0, &match));
  code = g_match_info_fetch (match, 1);

  scm_enrollment_client_create_session_email_async (client, id, "00000000", NULL,
                                                    store_result_cb, &result);
  session = scm_enrollment_client_create_session_finish (client, wait_for (&result), &error);
  if (g_strcmp0 (code, "00000000") != 0)
    {
      g_assert_error (error, SCM_ENROLLMENT_CLIENT_ERROR,
                      SCM_ENROLLMENT_CLIENT_ERROR_CREDENTIALS_REFUSED);
      g_clear_error (&error);
    }
  g_clear_object (&result);
  g_clear_pointer (&session, json_object_unref);

  scm_enrollment_client_create_session_email_async (client, id, code, NULL,
                                                    store_result_cb, &result);
  session = scm_enrollment_client_create_session_finish (client, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (session, "person"),
                                                  "email"), ==, "ada@example.org");

  authorized = authorize (client, f->visitor, NULL, &error);
  g_assert_no_error (error);
  issued = request_certificate (f, client, f->visitor, NULL, PASSWORD, &error);
  g_assert_no_error (error);
  decoded = g_base64_decode (json_object_get_string_member (issued, "pkcs12"), &len);
  p12 = g_bytes_new (decoded, len);
  assert_pkcs12_for (p12, PASSWORD, "ada@example.org");
}

static void
test_lockout (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(ScmEnrollmentClient) client = new_client (f, f->staff);
  g_autoptr(GError) error = NULL;
  guint i;

  /* Wrong Secret IDs are refused alike until the lockout, which says
   * when to come back. */
  for (i = 0; i < 10; i++)
    {
      g_autoptr(JsonObject) session = sign_in (client, "ada@example.org",
                                               "not-the-secret-id-at-all", &error);

      g_assert_null (session);
      if (g_error_matches (error, SCM_ENROLLMENT_CLIENT_ERROR,
                           SCM_ENROLLMENT_CLIENT_ERROR_LOCKED_OUT))
        break;
      g_assert_error (error, SCM_ENROLLMENT_CLIENT_ERROR,
                      SCM_ENROLLMENT_CLIENT_ERROR_CREDENTIALS_REFUSED);
      g_assert_cmpuint (scm_enrollment_client_get_retry_after (client), ==, 0);
      g_clear_error (&error);
    }
  g_assert_error (error, SCM_ENROLLMENT_CLIENT_ERROR, SCM_ENROLLMENT_CLIENT_ERROR_LOCKED_OUT);
  g_assert_cmpuint (i, >=, 1);
  g_assert_cmpuint (scm_enrollment_client_get_retry_after (client), >, 0);
  g_assert_cmpuint (scm_enrollment_client_get_retry_after (client), <=, 15 * 60);
  g_clear_error (&error);

  /* Even the right Secret ID waits now. */
  {
    g_autoptr(JsonObject) session = sign_in (client, "ada@example.org", f->ada_secret, &error);

    g_assert_error (error, SCM_ENROLLMENT_CLIENT_ERROR, SCM_ENROLLMENT_CLIENT_ERROR_LOCKED_OUT);
    g_assert_null (session);
  }
}

/* scm-enrollctl enroll ----------------------------------------------------------------------- */

typedef struct
{
  gboolean done;
  char *out;
  char *err;
  GError *error;
} Run;

static void
communicated_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Run *run = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &run->out, &run->err,
                                        &run->error);
  run->done = TRUE;
}

/* Starts scm-enrollctl enroll with @args (NULL-terminated) after the URL. */
static GSubprocess *
spawn_enroll (const char  *url,
              const char  *first_arg,
              ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  GSubprocess *process;
  va_list ap;

  g_ptr_array_add (argv, (char *) g_getenv ("SCM_ENROLLCTL"));
  g_ptr_array_add (argv, (char *) "enroll");
  g_ptr_array_add (argv, (char *) url);
  va_start (ap, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char *const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                               | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  return process;
}

/* Feeds @stdin_text and serves until @process ends; returns its status. */
static int
finish_enroll (GSubprocess *process,
               const char  *stdin_text,
               char       **out,
               char       **err)
{
  Run run = { 0 };

  g_subprocess_communicate_utf8_async (process, stdin_text, NULL, communicated_cb, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (run.error);
  g_test_message ("scm-enrollctl enroll: %s%s", run.out, run.err);
  g_subprocess_wait (process, NULL, NULL);
  *out = run.out;
  *err = run.err;
  return g_subprocess_get_exit_status (process);
}

static void
assert_openssl_opens (Fixture    *f,
                      const char *p12_path,
                      const char *password_path)
{
  g_autofree char *output = NULL;
  g_autofree char *passin = g_strconcat ("file:", password_path, NULL);
  GStatBuf st;

  if (!scm_test_require_tool ("openssl", "openssl"))
    return;
  g_assert_cmpint (g_stat (p12_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (scm_test_tool (&output, f->dir, "openssl", "pkcs12", "-in", p12_path,
                                  "-passin", passin, "-nodes", NULL), ==, 0);
  g_assert_nonnull (strstr (output, "BEGIN CERTIFICATE"));
  g_assert_nonnull (strstr (output, "PRIVATE KEY"));
  g_assert_nonnull (strstr (output, "ada@example.org"));
}

static void
test_ctl_secret_id (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GBytes) secret = g_bytes_new (f->ada_secret, strlen (f->ada_secret));
  g_autoptr(GBytes) wrong = g_bytes_new_static ("WRONG-SECRET-ID-1234\n", 21);
  g_autoptr(GBytes) password = g_bytes_new_static (PASSWORD "\n", strlen (PASSWORD) + 1);
  g_autoptr(GBytes) existing = g_bytes_new_static ("keep me", 7);
  g_autofree char *secret_path = scm_test_write_file (f->dir, "secret", secret);
  g_autofree char *wrong_path = scm_test_write_file (f->dir, "wrong", wrong);
  g_autofree char *password_path = scm_test_write_file (f->dir, "password", password);
  g_autofree char *existing_path = scm_test_write_file (f->dir, "existing.p12", existing);
  g_autofree char *out_path = g_build_filename (f->dir, "ada.p12", NULL);
  g_autofree char *local_path = g_build_filename (f->dir, "ada-local.p12", NULL);
  g_autofree char *refused_path = g_build_filename (f->dir, "refused.p12", NULL);
  g_autofree char *url = enrollment_url (f, f->staff, NULL);
  g_autofree char *kept = NULL;
  GSubprocess *process;
  char *out = NULL;
  char *err = NULL;

  /* Server keys, the account Open, its first profile. */
  process = spawn_enroll (url, "--email", "ada@example.org", "--secret-id-file", secret_path,
                          "--account", "Open", "--password-file", password_path, "--out", out_path, NULL);
  g_assert_cmpint (finish_enroll (process, NULL, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "Issued certificate "));
  g_assert_nonnull (strstr (out, out_path));
  g_object_unref (process);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  assert_openssl_opens (f, out_path, password_path);

  /* A key made by scm-enrollctl, packaged here. */
  process = spawn_enroll (url, "--email", "ada@example.org", "--secret-id-file", secret_path,
                          "--account", "Open", "--password-file", password_path, "--local-key",
                          "--protection",
                          "TripleDES-SHA1", "--out", local_path, NULL);
  g_assert_cmpint (finish_enroll (process, NULL, &out, &err), ==, 0);
  g_object_unref (process);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  assert_openssl_opens (f, local_path, password_path);

  /* The first account, Coded, without its access code: what is missing. */
  process = spawn_enroll (url, "--email", "ada@example.org", "--secret-id-file", secret_path,
                          "--password-file", password_path,
                          "--out", refused_path, NULL);
  g_assert_cmpint (finish_enroll (process, NULL, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "--access-code-file"));
  g_object_unref (process);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A wrong Secret ID: the one generic refusal, on one line. */
  process = spawn_enroll (url, "--email", "ada@example.org", "--secret-id-file", wrong_path,
                          "--password-file", password_path, "--out", refused_path, NULL);
  g_assert_cmpint (finish_enroll (process, NULL, &out, &err), ==, 1);
  g_assert_true (g_str_has_prefix (err, "scm-enrollctl enroll: "));
  g_assert_cmpint (strchr (err, '\n') - err, ==, strlen (err) - 1);
  g_assert_false (g_file_test (refused_path, G_FILE_TEST_EXISTS));
  g_object_unref (process);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* An existing file is never replaced. */
  process = spawn_enroll (url, "--email", "ada@example.org", "--secret-id-file", secret_path,
                          "--password-file", password_path, "--out", existing_path, NULL);
  g_assert_cmpint (finish_enroll (process, NULL, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "already exists"));
  g_assert_true (g_file_get_contents (existing_path, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, "keep me");
  g_object_unref (process);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Usage errors exit 2. */
  process = spawn_enroll (url, "--email", "ada@example.org", "--password-file", password_path,
                          "--out", refused_path, NULL);
  g_assert_cmpint (finish_enroll (process, NULL, &out, &err), ==, 2);
  g_object_unref (process);
  g_free (out);
  g_free (err);
}

static void
test_ctl_email (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GBytes) password = g_bytes_new_static (PASSWORD "\n", strlen (PASSWORD) + 1);
  g_autofree char *password_path = scm_test_write_file (f->dir, "password", password);
  g_autofree char *out_path = g_build_filename (f->dir, "visitor.p12", NULL);
  g_autofree char *url = enrollment_url (f, f->visitors, NULL);
  g_autoptr(GRegex) regex = g_regex_new ("^    ([0-9]{8})$", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *text = NULL;
  g_autofree char *code = NULL;
  g_autofree char *input = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;

  process = spawn_enroll (url, "--email", "ada@example.org", "--code-from-stdin",
                          "--password-file", password_path, "--out", out_path, NULL);
  /* Serve until the code was mailed, then type it. */
  while (!scm_smtp_sink_wait_for_messages (f->sink, 1, 0))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  messages = scm_smtp_sink_get_messages (f->sink);
  text = scm_smtp_message_get_text (g_ptr_array_index (messages, 0));
  g_assert_true (g_regex_match (regex, text, 0, &match));
  code = g_match_info_fetch (match, 1);
  input = g_strconcat (code, "\n", NULL);

  g_assert_cmpint (finish_enroll (process, input, &out, &err), ==, 0);
  g_assert_nonnull (strstr (err, "A code was sent to ada@example.org; enter it:"));
  g_assert_nonnull (strstr (out, out_path));
  assert_openssl_opens (f, out_path, password_path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/enrollment-client/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("urls", test_urls);
  ADD ("form", test_form);
  ADD ("pin-mismatch", test_pin_mismatch);
  ADD ("secret-id", test_secret_id_flow);
  ADD ("email", test_email_flow);
  ADD ("lockout", test_lockout);
  ADD ("ctl/secret-id", test_ctl_secret_id);
  ADD ("ctl/email", test_ctl_email);

  return g_test_run ();
}
