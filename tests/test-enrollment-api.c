/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "scm-authority.h"
#include "scm-enrollment-api.h"
#include "scm-enrollment-server.h"
#include "scm-error.h"
#include "scm-http-problem.h"
#include "scm-pkcs12.h"
#include "scm-secret.h"
#include "scm-smtp-sink.h"
#include "scm-test-server.h"
#include "scm-test-tools.h"
#include "scm-x509.h"

/* The enrollment flow as the enroll window meets it: a real SoupServer
 * on 127.0.0.1 with real HTTPS, SoupSessions that trust only our root
 * (from 127.0.0.1, or from 127.0.0.2 and 127.0.0.3 to be other client
 * addresses), a real SMTP sink that receives the confirmation codes, and
 * openssl to open what comes out. */

#define SENDER "enroll@example.org"
#define WAIT_MS 30000
#define PASSWORD "correct horse battery staple"

typedef struct
{
  char *dir;
  char *data_dir;
  char *root_path;
  ScmStore *store;
  ScmAuthority *authority;
  ScmEnrollmentServer *server;
  SoupSession *session;       /* from 127.0.0.1 */
  ScmSmtpSink *sink;

  ScmOrganization *acme;
  ScmDepartment *research;
  ScmForm *staff;             /* Secret ID */
  ScmForm *visitors;          /* email confirmation */
  ScmForm *other;             /* Secret ID, another form */
  ScmAccount *open;           /* staff, authorization none, every CSR method */
  ScmAccount *coded;          /* staff, access code */
  ScmAccount *secret;         /* staff, Secret ID */
  ScmAccount *visitor;        /* visitors, none, server keys */
  ScmAccount *elsewhere;      /* other, none */
  char *access_code;
  char *ada_secret;           /* ada@example.org, Acme */
  char *bob_secret;           /* bob@research.example.net, Acme / Research */
  gint64 client_auth_id;      /* the built-in profile */
} Fixture;

typedef struct
{
  guint status;
  SoupMessageHeaders *headers;
  char *text;
  JsonObject *object;         /* the body, when it is a JSON object */
  GError *error;
  gboolean finished;
} Reply;

static void
reply_free (Reply *reply)
{
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_clear_pointer (&reply->text, g_free);
  g_clear_pointer (&reply->object, json_object_unref);
  g_clear_error (&reply->error);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

/* Set-up -------------------------------------------------------------------------- */

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
             ScmCsrMethod      methods,
             gint64            profile_id)
{
  return scm_test_add_account (f->store, form, name, scm_organization_get_id (f->acme),
                               authorization, methods, profile_id);
}

static void
add_domain (Fixture    *f,
            const char *name,
            gint64      department_id,
            gboolean    validated)
{
  scm_test_add_domain (f->store, name, scm_organization_get_id (f->acme), department_id,
                       validated);
}

static char *
add_person (Fixture    *f,
            const char *email,
            const char *first,
            const char *last,
            gint64      department_id)
{
  return scm_test_add_person (f->store, email, first, last, scm_organization_get_id (f->acme),
                              department_id);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = scm_test_make_tmp_dir ("test-enrollment-api-XXXXXX");
  f->data_dir = g_build_filename (f->dir, "data", NULL);
  f->authority = scm_test_open_authority (f->data_dir, &f->store);
  f->root_path = scm_test_write_root_pem (f->authority, f->dir);

  f->sink = scm_smtp_sink_new ();
  scm_test_use_smtp_sink (f->store, f->sink, SENDER);

  f->acme = scm_test_add_organization (f->store, "Acme");
  f->research = scm_department_new ();
  scm_department_set_organization_id (f->research, scm_organization_get_id (f->acme));
  scm_department_set_name (f->research, "Research");
  scm_store_create_department (f->store, f->research, &error);
  g_assert_no_error (error);
  add_domain (f, "example.org", 0, TRUE);
  add_domain (f, "research.example.net", scm_department_get_id (f->research), TRUE);
  add_domain (f, "pending.example.com", 0, FALSE);

  f->client_auth_id = scm_test_client_auth_profile_id (f->store);

  f->staff = add_form (f, "Staff", SCM_AUTHENTICATION_SECRET_ID);
  f->visitors = add_form (f, "Visitors", SCM_AUTHENTICATION_EMAIL_CONFIRMATION);
  f->other = add_form (f, "Other", SCM_AUTHENTICATION_SECRET_ID);
  f->open = add_account (f, f->staff, "Open", SCM_AUTHORIZATION_NONE,
                         SCM_CSR_METHOD_SERVER | SCM_CSR_METHOD_CLIENT | SCM_CSR_METHOD_PROVIDED,
                         f->client_auth_id);
  f->coded = add_account (f, f->staff, "Coded", SCM_AUTHORIZATION_ACCESS_CODE,
                          SCM_CSR_METHOD_SERVER, f->client_auth_id);
  scm_store_generate_access_code (f->store, f->coded, &f->access_code, &error);
  g_assert_no_error (error);
  f->secret = add_account (f, f->staff, "Secret", SCM_AUTHORIZATION_SECRET_ID,
                           SCM_CSR_METHOD_SERVER, f->client_auth_id);
  f->visitor = add_account (f, f->visitors, "Visitor", SCM_AUTHORIZATION_NONE,
                            SCM_CSR_METHOD_SERVER, f->client_auth_id);
  f->elsewhere = add_account (f, f->other, "Elsewhere", SCM_AUTHORIZATION_NONE,
                              SCM_CSR_METHOD_SERVER, f->client_auth_id);

  f->ada_secret = add_person (f, "ada@example.org", "Ada", "Lovelace", 0);
  f->bob_secret = add_person (f, "bob@research.example.net", "Bob", "Builder",
                              scm_department_get_id (f->research));

  f->server = scm_test_server_new (f->authority, TRUE);
  f->session = scm_test_session_new (f->root_path, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&f->session);
  scm_test_server_stop (f->server);

  /* Whatever a test did, the audit chain holds. */
  g_assert_true (scm_store_verify (f->store, &error));
  g_assert_no_error (error);

  g_clear_pointer (&f->sink, scm_smtp_sink_free);
  g_clear_object (&f->acme);
  g_clear_object (&f->research);
  g_clear_object (&f->staff);
  g_clear_object (&f->visitors);
  g_clear_object (&f->other);
  g_clear_object (&f->open);
  g_clear_object (&f->coded);
  g_clear_object (&f->secret);
  g_clear_object (&f->visitor);
  g_clear_object (&f->elsewhere);
  g_clear_pointer (&f->access_code, scm_secret_free);
  g_clear_pointer (&f->ada_secret, scm_secret_free);
  g_clear_pointer (&f->bob_secret, scm_secret_free);
  g_clear_object (&f->authority);
  g_clear_object (&f->store);
  scm_test_remove_tree (f->dir);
  g_free (f->root_path);
  g_free (f->data_dir);
  g_free (f->dir);
}

/* Requests ------------------------------------------------------------------------------ */

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Reply *reply = user_data;
  g_autoptr(GBytes) body = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &reply->error);
  if (body != NULL)
    reply->text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  else
    reply->text = g_strdup ("");
  reply->finished = TRUE;
}

/* Starts a request; the reply fills in while the main loop runs. */
static Reply *
send_async (Fixture     *f,
            SoupSession *session,
            const char  *method,
            const char  *path,
            const char  *bearer,
            const char  *content_type,
            const char  *body,
            SoupMessage **out_msg)
{
  g_autofree char *url = g_strconcat (scm_enrollment_server_get_url (f->server), path, NULL);
  SoupMessage *msg = soup_message_new (method, url);
  Reply *reply = g_new0 (Reply, 1);

  g_assert_nonnull (msg);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }
  if (bearer != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", bearer, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    value);
    }
  soup_session_send_and_read_async (session != NULL ? session : f->session, msg,
                                    G_PRIORITY_DEFAULT, NULL, sent_cb, reply);
  *out_msg = msg;
  return reply;
}

static void
finish_reply (Reply       *reply,
              SoupMessage *msg)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  while (!reply->finished)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (reply->error);
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  if (json_parser_load_from_data (parser, reply->text, -1, NULL)
      && json_parser_get_root (parser) != NULL
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    reply->object = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  g_object_unref (msg);
}

static Reply *
send_full (Fixture     *f,
           SoupSession *session,
           const char  *method,
           const char  *path,
           const char  *bearer,
           const char  *content_type,
           const char  *body)
{
  SoupMessage *msg = NULL;
  Reply *reply = send_async (f, session, method, path, bearer, content_type, body, &msg);

  finish_reply (reply, msg);
  return reply;
}

static Reply *
post (Fixture    *f,
      const char *path,
      const char *bearer,
      const char *body)
{
  return send_full (f, NULL, "POST", path, bearer, "application/json", body);
}

static char *
form_path (ScmForm    *form,
           const char *what)
{
  return g_strconcat ("/api/v1/forms/", scm_form_get_uri_extension (form), "/", what, NULL);
}

static char *
authorize_path (ScmAccount *account)
{
  return g_strdup_printf ("/api/v1/session/accounts/%" G_GINT64_FORMAT "/authorize",
                          scm_account_get_id (account));
}

/* A JSON body from a printf format whose strings are escaped with
 * json_quote(). */
static char *
json_quote (const char *text)
{
  g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), text);

  return json_to_string (node, FALSE);
}

static void
assert_status (Reply *reply,
               guint  status)
{
  if (reply->status != status)
    g_test_message ("unexpected answer %u: %s", reply->status, reply->text);
  g_assert_cmpuint (reply->status, ==, status);
  g_assert_cmpstr (soup_message_headers_get_one (reply->headers, "Cache-Control"), ==, "no-store");
}

/* A problem+json answer of @problem; returns its detail. */
static const char *
assert_problem (Reply          *reply,
                ScmHttpProblem  problem)
{
  assert_status (reply, scm_http_problem_get_status (problem));
  g_assert_cmpstr (soup_message_headers_get_content_type (reply->headers, NULL), ==,
                   "application/problem+json");
  g_assert_nonnull (reply->object);
  g_assert_cmpstr (json_object_get_string_member (reply->object, "type"), ==,
                   scm_http_problem_get_type_uri (problem));
  g_assert_cmpint (json_object_get_int_member (reply->object, "status"), ==, reply->status);
  g_assert_cmpstr (json_object_get_string_member (reply->object, "detail"), !=, "");
  return json_object_get_string_member (reply->object, "detail");
}

/* Signs in on the Secret ID form @form; returns the session token. */
static char *
sign_in_with_secret (Fixture    *f,
                     ScmForm    *form,
                     const char *email,
                     const char *secret)
{
  g_autofree char *path = form_path (form, "sessions");
  g_autofree char *q_email = json_quote (email);
  g_autofree char *q_secret = json_quote (secret);
  g_autofree char *body = g_strdup_printf ("{\"method\": \"secret-id\", \"email\": %s, "
                                           "\"secret_id\": %s}", q_email, q_secret);
  g_autoptr(Reply) reply = post (f, path, NULL, body);

  assert_status (reply, 201);
  return g_strdup (json_object_get_string_member (reply->object, "session"));
}

static Reply *
sign_in_reply (Fixture     *f,
               SoupSession *session,
               ScmForm     *form,
               const char  *email,
               const char  *secret)
{
  g_autofree char *path = form_path (form, "sessions");
  g_autofree char *q_email = json_quote (email);
  g_autofree char *q_secret = json_quote (secret);
  g_autofree char *body = g_strdup_printf ("{\"method\": \"secret-id\", \"email\": %s, "
                                           "\"secret_id\": %s}", q_email, q_secret);

  return send_full (f, session, "POST", path, NULL, "application/json", body);
}

static Reply *
authorize (Fixture    *f,
           const char *token,
           ScmAccount *account,
           const char *body)
{
  g_autofree char *path = authorize_path (account);

  return post (f, path, token, body);
}

/* A server-keygen request body. */
static char *
pkcs12_request (ScmAccount *account,
                gint64      profile_id,
                guint       term_days,
                const char *key_type,
                const char *password,
                const char *protection)
{
  g_autofree char *q_password = json_quote (password);

  return g_strdup_printf ("{\"account_id\": %" G_GINT64_FORMAT ", \"profile_id\": %"
                          G_GINT64_FORMAT ", \"term_days\": %u, \"key_type\": \"%s\", "
                          "\"pkcs12\": {\"password\": %s, \"protection\": \"%s\"}}",
                          scm_account_get_id (account), profile_id, term_days, key_type,
                          q_password, protection);
}

static char *
csr_request (ScmAccount *account,
             gint64      profile_id,
             guint       term_days,
             const char *csr)
{
  g_autofree char *q_csr = json_quote (csr);

  return g_strdup_printf ("{\"account_id\": %" G_GINT64_FORMAT ", \"profile_id\": %"
                          G_GINT64_FORMAT ", \"term_days\": %u, \"csr\": %s}",
                          scm_account_get_id (account), profile_id, term_days, q_csr);
}

/* Audit log ------------------------------------------------------------------------------ */

/* How many events of @action with @result carry @needle in their message. */
static guint
count_audit (Fixture    *f,
             const char *action,
             const char *result,
             const char *needle)
{
  g_autoptr(GError) error = NULL;
  ScmAuditFilter filter = { .action = action, .result = result };
  g_autoptr(GPtrArray) events = scm_store_list_audit_events (f->store, &filter, 0, &error);
  guint count = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < events->len; i++)
    if (needle == NULL
        || strstr (scm_audit_event_get_message (g_ptr_array_index (events, i)), needle) != NULL)
      count++;
  return count;
}

/* Code mails are sent, and their outcome audited, in the background: a
 * test waits for the audit event before it looks or ends. */
static void
wait_for_mail_audits (Fixture *f,
                      guint    n)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;

  while (count_audit (f, "challenge.mail", NULL, NULL) < n)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10 * G_TIME_SPAN_MILLISECOND);
    }
}

/* The 8-digit code of the @index-th mail (from 0), checking its headers. */
static char *
read_code (Fixture    *f,
           guint       index,
           const char *to)
{
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *text = NULL;
  g_autofree char *subject = NULL;
  g_autoptr(GRegex) regex = g_regex_new ("^    ([0-9]{8})$", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  ScmSmtpMessage *message;

  g_assert_true (scm_smtp_sink_wait_for_messages (f->sink, index + 1, WAIT_MS));
  messages = scm_smtp_sink_get_messages (f->sink);
  message = g_ptr_array_index (messages, index);
  g_assert_cmpstr (message->from, ==, SENDER);
  g_assert_cmpuint (message->rcpt->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (message->rcpt, 0), ==, to);
  subject = scm_smtp_message_get_header (message, "Subject");
  g_assert_nonnull (strstr (subject, "Visitors"));
  text = scm_smtp_message_get_text (message);
  g_assert_nonnull (strstr (text, "Ask the service desk"));
  g_assert_true (g_regex_match (regex, text, 0, &match));
  return g_match_info_fetch (match, 1);
}

/* Asks the visitors form for a code for @email; returns the id. */
static char *
request_code (Fixture    *f,
              const char *email)
{
  g_autofree char *path = form_path (f->visitors, "email-confirmations");
  g_autofree char *q_email = json_quote (email);
  g_autofree char *body = g_strdup_printf ("{\"email\": %s}", q_email);
  g_autoptr(Reply) reply = post (f, path, NULL, body);

  assert_status (reply, 202);
  g_assert_cmpint (json_object_get_int_member (reply->object, "expires_in"), ==, 600);
  return g_strdup (json_object_get_string_member (reply->object, "confirmation_id"));
}

static Reply *
redeem_code (Fixture    *f,
             ScmForm    *form,
             const char *confirmation_id,
             const char *code)
{
  g_autofree char *path = form_path (form, "sessions");
  g_autofree char *q_id = json_quote (confirmation_id);
  g_autofree char *q_code = json_quote (code);
  g_autofree char *body = g_strdup_printf ("{\"method\": \"email-confirmation\", "
                                           "\"confirmation_id\": %s, \"code\": %s}", q_id, q_code);

  return post (f, path, NULL, body);
}

static guint
count_certificates (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) certificates = scm_store_list_certificates (f->store, 0, &error);
  guint issued = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < certificates->len; i++)
    if (scm_certificate_get_status (g_ptr_array_index (certificates, i)) == SCM_CERT_STATUS_ISSUED)
      issued++;
  return issued;
}

/* Writes the issued certificate and its chain; checks them with openssl
 * against our root. Returns the certificate's path. */
static char *
verify_issued (Fixture    *f,
               Reply      *reply,
               const char *name)
{
  JsonArray *chain = json_object_get_array_member (reply->object, "chain");
  g_autoptr(GString) untrusted = g_string_new (NULL);
  g_autoptr(GBytes) certificate = NULL;
  g_autoptr(GBytes) chain_bytes = NULL;
  g_autofree char *chain_name = g_strconcat (name, "-chain.pem", NULL);
  g_autofree char *chain_path = NULL;
  g_autofree char *out = NULL;
  char *path;

  g_assert_nonnull (chain);
  /* The issuing CA first, up to the root. */
  g_assert_cmpuint (json_array_get_length (chain), ==, 2);
  for (guint i = 0; i < json_array_get_length (chain); i++)
    {
      const char *pem = json_array_get_string_element (chain, i);

      g_assert_true (g_str_has_prefix (pem, "-----BEGIN CERTIFICATE-----"));
      g_string_append (untrusted, pem);
    }
  chain_bytes = g_bytes_new (untrusted->str, untrusted->len);
  chain_path = scm_test_write_file (f->dir, chain_name, chain_bytes);

  certificate = g_bytes_new (json_object_get_string_member (reply->object, "certificate"),
                             strlen (json_object_get_string_member (reply->object, "certificate")));
  path = scm_test_write_file (f->dir, name, certificate);
  g_assert_cmpint (scm_test_tool (&out, f->dir, "openssl", "verify", "-CAfile", f->root_path,
                                  "-untrusted", chain_path, "-purpose", "sslclient", path, NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, ": OK"));

  /* The serial of the answer is the certificate's. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (scm_test_tool (&out, f->dir, "openssl", "x509", "-in", path, "-noout",
                                  "-serial", NULL), ==, 0);
  g_assert_nonnull (strstr (out, json_object_get_string_member (reply->object, "serial")));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (reply->object, "not_after"),
                                   "Z"));
  return path;
}

/* Secret ID ----------------------------------------------------------------------------------- */

static void
test_secret_id_server_key (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *sessions = form_path (f->staff, "sessions");
  g_autofree char *sign_in = NULL;
  g_autofree char *q_secret = json_quote (f->ada_secret);
  g_autoptr(Reply) session = NULL;
  g_autoptr(Reply) authorized = NULL;
  g_autoptr(Reply) issued = NULL;
  g_autoptr(Reply) again = NULL;
  g_autofree char *request = NULL;
  g_autofree char *p12_path = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *passin = g_strconcat ("pass:", PASSWORD, NULL);
  g_autoptr(GBytes) p12 = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GBytes) der = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *accounts;
  JsonArray *profiles;
  JsonObject *profile;
  const char *token;
  guchar *decoded;
  gsize decoded_len;

  /* Case and spaces in what people type do not matter. */
  sign_in = g_strdup_printf ("{\"method\": \"secret-id\", \"email\": \"Ada@Example.org\", "
                             "\"secret_id\": %s}", q_secret);
  session = post (f, sessions, NULL, sign_in);
  assert_status (session, 201);
  g_assert_cmpstr (soup_message_headers_get_content_type (session->headers, NULL), ==,
                   "application/json");
  token = json_object_get_string_member (session->object, "session");
  g_assert_cmpuint (strlen (token), ==, 64);
  g_assert_cmpint (json_object_get_int_member (session->object, "expires_in"), ==, 15 * 60);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (session->object,
                                                                                 "person"),
                                                  "email"), ==, "ada@example.org");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (session->object,
                                                                                 "person"),
                                                  "name"), ==, "Ada Lovelace");

  /* The staff form's accounts, never the other form's. */
  accounts = json_object_get_array_member (session->object, "accounts");
  g_assert_cmpuint (json_array_get_length (accounts), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *account = json_array_get_object_element (accounts, i);
      gint64 id = json_object_get_int_member (account, "id");
      const char *authorization = json_object_get_string_member (account, "authorization");

      g_assert_cmpint (id, !=, scm_account_get_id (f->elsewhere));
      if (id == scm_account_get_id (f->open))
        g_assert_cmpstr (authorization, ==, "none");
      else if (id == scm_account_get_id (f->coded))
        g_assert_cmpstr (authorization, ==, "access-code");
      else
        {
          g_assert_cmpint (id, ==, scm_account_get_id (f->secret));
          g_assert_cmpstr (authorization, ==, "secret-id");
        }
    }

  authorized = authorize (f, token, f->open, "{}");
  assert_status (authorized, 200);
  profiles = json_object_get_array_member (authorized->object, "profiles");
  g_assert_cmpuint (json_array_get_length (profiles), ==, 1);
  profile = json_array_get_object_element (profiles, 0);
  g_assert_cmpint (json_object_get_int_member (profile, "id"), ==, f->client_auth_id);
  g_assert_cmpstr (json_object_get_string_member (profile, "name"), ==, "Client Authentication");
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (profile, "terms"), 0),
                   ==, 365);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (profile, "key_types")),
                    ==, 5);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (authorized->object,
                                                                         "csr_methods")), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (authorized->object,
                                                                                "pkcs12"), 0),
                   ==, "AES256-SHA256");
  g_assert_false (json_object_get_boolean_member (authorized->object, "allow_empty_password"));

  request = pkcs12_request (f->open, f->client_auth_id, 365, "EC-P256", PASSWORD, "AES256-SHA256");
  issued = post (f, "/api/v1/session/certificates", token, request);
  assert_status (issued, 201);
  cert_path = verify_issued (f, issued, "ada.pem");

  /* The PKCS#12 opens with openssl and the password, and holds the same
   * certificate; a wrong password fails. */
  decoded = g_base64_decode (json_object_get_string_member (issued->object, "pkcs12"), &decoded_len);
  p12 = g_bytes_new_take (decoded, decoded_len);
  p12_path = scm_test_write_file (f->dir, "ada.p12", p12);
  g_assert_cmpint (scm_test_tool (&out, f->dir, "openssl", "pkcs12", "-in", p12_path, "-passin",
                                  passin, "-nodes", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "BEGIN PRIVATE KEY"));
  g_assert_nonnull (strstr (out, "subject=CN = ada@example.org"));
  g_assert_cmpint (scm_test_tool (&out, f->dir, "openssl", "pkcs12", "-in", p12_path, "-passin",
                                  "pass:wrong password", "-nodes", NULL), !=, 0);
  g_assert_true (scm_pkcs12_parse (p12, PASSWORD, &key, &der, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GBytes) pem = scm_x509_der_to_pem (der);
    g_autofree char *text = g_strndup (g_bytes_get_data (pem, NULL), g_bytes_get_size (pem));

    g_assert_cmpstr (text, ==, json_object_get_string_member (issued->object, "certificate"));
  }

  /* Stored as a self-enrollment of this form and account, audited. */
  {
    g_autoptr(ScmCertificate) stored =
      scm_store_find_certificate_by_serial (f->store,
                                            json_object_get_string_member (issued->object, "serial"),
                                            &error);

    g_assert_no_error (error);
    g_assert_cmpint (scm_certificate_get_form_id (stored), ==, scm_form_get_id (f->staff));
    g_assert_cmpint (scm_certificate_get_account_id (stored), ==, scm_account_get_id (f->open));
    g_assert_cmpint (scm_certificate_get_requested_via (stored), ==,
                     SCM_REQUESTED_VIA_SELF_ENROLLMENT);
    g_assert_cmpint (scm_certificate_get_key_type (stored), ==, SCM_KEY_TYPE_EC_P256);
  }
  g_assert_cmpuint (count_audit (f, "certificate.issue", "success", NULL), ==, 1);

  /* One certificate per session: the token is spent. */
  again = post (f, "/api/v1/session/certificates", token, request);
  assert_problem (again, SCM_HTTP_PROBLEM_SESSION_REQUIRED);
  g_assert_cmpuint (count_certificates (f), ==, 1);
}

static void
test_secret_id_csr (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *token = sign_in_with_secret (f, f->staff, "bob@research.example.net",
                                                f->bob_secret);
  g_autofree char *key_path = g_build_filename (f->dir, "bob.key", NULL);
  g_autofree char *csr_path = g_build_filename (f->dir, "bob.csr", NULL);
  g_autofree char *cert_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *cert_key = NULL;
  g_autofree char *own_key = NULL;
  g_autofree char *request = NULL;
  g_autofree char *csr = NULL;
  g_autoptr(Reply) authorized = NULL;
  g_autoptr(Reply) issued = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (scm_test_tool (&out, f->dir, "openssl", "req", "-new", "-newkey", "ec",
                                  "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes",
                                  "-subj", "/CN=ignored", "-keyout", key_path, "-out", csr_path,
                                  NULL), ==, 0);
  g_file_get_contents (csr_path, &csr, NULL, &error);
  g_assert_no_error (error);

  authorized = authorize (f, token, f->open, "{}");
  assert_status (authorized, 200);
  request = csr_request (f->open, f->client_auth_id, 730, csr);
  issued = post (f, "/api/v1/session/certificates", token, request);
  assert_status (issued, 201);
  g_assert_false (json_object_has_member (issued->object, "pkcs12"));
  cert_path = verify_issued (f, issued, "bob.pem");

  /* It certifies the CSR's key; the CA chose the subject. */
  g_assert_cmpint (scm_test_tool (&cert_key, f->dir, "openssl", "x509", "-in", cert_path,
                                  "-noout", "-pubkey", NULL), ==, 0);
  g_assert_cmpint (scm_test_tool (&own_key, f->dir, "openssl", "pkey", "-in", key_path,
                                  "-pubout", NULL), ==, 0);
  g_assert_cmpstr (cert_key, ==, own_key);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (scm_test_tool (&out, f->dir, "openssl", "x509", "-in", cert_path, "-noout",
                                  "-subject", "-ext", "subjectAltName", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "bob@research.example.net"));
  g_assert_null (strstr (out, "ignored"));
}

/* One answer for every wrong credential: the bodies are byte for byte the
 * same, and only the audit log tells the reasons apart. */
static void
test_secret_id_generic_refusal (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(Reply) wrong = sign_in_reply (f, NULL, f->staff, "ada@example.org", "WRONG-SECRET-1234");
  g_autoptr(Reply) unknown = sign_in_reply (f, NULL, f->staff, "nobody@example.org",
                                            "WRONG-SECRET-1234");
  g_autoptr(Reply) others = NULL;
  g_autoptr(Reply) no_secret = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmPerson) carl = scm_person_new ();

  assert_problem (wrong, SCM_HTTP_PROBLEM_CREDENTIALS_REFUSED);
  assert_problem (unknown, SCM_HTTP_PROBLEM_CREDENTIALS_REFUSED);
  g_assert_cmpstr (wrong->text, ==, unknown->text);

  /* Bob's secret is no key to Ada. */
  others = sign_in_reply (f, NULL, f->staff, "ada@example.org", f->bob_secret);
  g_assert_cmpstr (others->text, ==, wrong->text);

  scm_person_set_organization_id (carl, scm_organization_get_id (f->acme));
  scm_person_set_first_name (carl, "Carl");
  scm_person_set_last_name (carl, "Sagan");
  scm_person_set_email (carl, "carl@example.org");
  scm_store_create_person (f->store, carl, &error);
  g_assert_no_error (error);
  no_secret = sign_in_reply (f, NULL, f->staff, "carl@example.org", "");
  g_assert_cmpstr (no_secret->text, ==, wrong->text);

  g_assert_cmpuint (count_audit (f, "session.create", "failure", "refused: wrong Secret ID"), ==, 2);
  g_assert_cmpuint (count_audit (f, "session.create", "failure",
                                 "refused: no registered person has this email"), ==, 1);
  g_assert_cmpuint (count_audit (f, "session.create", "failure",
                                 "refused: the person has no Secret ID"), ==, 1);
  g_assert_cmpuint (count_audit (f, "session.create", "success", NULL), ==, 0);

  /* Nothing a secret could show leaks into the log. */
  {
    ScmAuditFilter filter = { 0 };
    g_autoptr(GPtrArray) events = scm_store_list_audit_events (f->store, &filter, 0, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < events->len; i++)
      {
        const char *message = scm_audit_event_get_message (g_ptr_array_index (events, i));

        g_assert_null (strstr (message, f->ada_secret));
        g_assert_null (strstr (message, "WRONG-SECRET"));
      }
  }
}

static void
test_secret_id_lockout (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(SoupSession) second = scm_test_session_new (f->root_path, "127.0.0.2");
  g_autoptr(SoupSession) third = scm_test_session_new (f->root_path, "127.0.0.3");
  g_autoptr(Reply) locked = NULL;
  g_autoptr(Reply) elsewhere = NULL;
  g_autoptr(Reply) bob_here = NULL;
  g_autoptr(Reply) bob_elsewhere = NULL;
  g_autoptr(Reply) unknown_locked = NULL;
  g_autofree char *first_refusal = NULL;
  const char *retry_after;
  gint64 seconds;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *wrong = g_strdup_printf ("WRONG-SECRET-%u", i);
      g_autoptr(Reply) reply = sign_in_reply (f, NULL, f->staff, "ada@example.org", wrong);

      assert_problem (reply, SCM_HTTP_PROBLEM_CREDENTIALS_REFUSED);
      if (first_refusal == NULL)
        first_refusal = g_strdup (reply->text);
      g_assert_cmpstr (reply->text, ==, first_refusal);
    }

  /* Locked: even the right secret is refused, and the answer says when
   * to come back. */
  locked = sign_in_reply (f, NULL, f->staff, "ada@example.org", f->ada_secret);
  assert_problem (locked, SCM_HTTP_PROBLEM_TOO_MANY_ATTEMPTS);
  retry_after = soup_message_headers_get_one (locked->headers, "Retry-After");
  g_assert_nonnull (retry_after);
  seconds = g_ascii_strtoll (retry_after, NULL, 10);
  g_assert_cmpint (seconds, >, 0);
  g_assert_cmpint (seconds, <=, 15 * 60);
  g_assert_cmpint (json_object_get_int_member (locked->object, "retry_after"), ==, seconds);

  /* The email is locked from any address, and the address for any email. */
  elsewhere = sign_in_reply (f, second, f->staff, "ada@example.org", f->ada_secret);
  assert_problem (elsewhere, SCM_HTTP_PROBLEM_TOO_MANY_ATTEMPTS);
  bob_here = sign_in_reply (f, NULL, f->staff, "bob@research.example.net", f->bob_secret);
  assert_problem (bob_here, SCM_HTTP_PROBLEM_TOO_MANY_ATTEMPTS);
  bob_elsewhere = sign_in_reply (f, second, f->staff, "bob@research.example.net", f->bob_secret);
  assert_status (bob_elsewhere, 201);

  /* Unknown emails lock just the same, so a lockout tells nothing. */
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(Reply) reply = sign_in_reply (f, third, f->staff, "nobody@example.org",
                                              "WRONG-SECRET-1234");

      g_assert_cmpstr (reply->text, ==, first_refusal);
    }
  unknown_locked = sign_in_reply (f, third, f->staff, "nobody@example.org", "WRONG-SECRET-1234");
  assert_problem (unknown_locked, SCM_HTTP_PROBLEM_TOO_MANY_ATTEMPTS);

  /* The audit log says why each attempt failed. */
  g_assert_cmpuint (count_audit (f, "session.create", "failure", "refused: wrong Secret ID"), ==, 5);
  g_assert_cmpuint (count_audit (f, "session.create", "failure",
                                 "refused: no registered person has this email"), ==, 5);
  g_assert_cmpuint (count_audit (f, "attempts.lock", "failure", NULL), ==, 4);
  g_assert_cmpuint (count_audit (f, "session.create", "failure", "locked out"), ==, 4);
  g_assert_cmpuint (count_audit (f, "session.create", "failure", "email:ada@example.org"), ==, 2);
  g_assert_cmpuint (count_audit (f, "session.create", "failure", "address:127.0.0.1"), ==, 2);
  g_assert_cmpuint (count_audit (f, "session.create", "success", NULL), ==, 1);
}

/* Email confirmation ---------------------------------------------------------------------- */

static void
test_email_confirmation_flow (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *id = request_code (f, "Carol.Jones@Example.org");
  g_autofree char *code = read_code (f, 0, "carol.jones@example.org");
  g_autoptr(Reply) session = redeem_code (f, f->visitors, id, code);
  g_autoptr(Reply) authorized = NULL;
  g_autoptr(Reply) issued = NULL;
  g_autoptr(ScmPerson) carol = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request = NULL;
  g_autofree char *cert_path = NULL;
  JsonArray *accounts;
  JsonObject *person;
  const char *token;

  wait_for_mail_audits (f, 1);
  g_assert_cmpuint (count_audit (f, "challenge.mail", "success", "mailed through 127.0.0.1"), ==, 1);

  assert_status (session, 201);
  token = json_object_get_string_member (session->object, "session");
  person = json_object_get_object_member (session->object, "person");
  g_assert_cmpstr (json_object_get_string_member (person, "email"), ==, "carol.jones@example.org");
  g_assert_true (json_object_get_null_member (person, "name"));
  accounts = json_object_get_array_member (session->object, "accounts");
  g_assert_cmpuint (json_array_get_length (accounts), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (accounts, 0), "id"),
                   ==, scm_account_get_id (f->visitor));

  authorized = authorize (f, token, f->visitor, "{}");
  assert_status (authorized, 200);
  request = pkcs12_request (f->visitor, f->client_auth_id, 365, "RSA-2048", PASSWORD,
                            "AES256-SHA256");
  issued = post (f, "/api/v1/session/certificates", token, request);
  assert_status (issued, 201);
  cert_path = verify_issued (f, issued, "carol.pem");

  /* A confirmed email without a person record becomes a person of the
   * account's organization, created by that email. */
  carol = scm_store_find_person_by_email (f->store, "carol.jones@example.org", &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_person_get_organization_id (carol), ==, scm_organization_get_id (f->acme));
  g_assert_cmpstr (scm_person_get_first_name (carol), ==, "Carol");
  g_assert_cmpstr (scm_person_get_last_name (carol), ==, "Jones");
  g_assert_cmpstr (scm_person_get_created_by (carol), ==, "email:carol.jones@example.org");
  g_assert_cmpstr (scm_store_get_actor (f->store), ==, "admin");
  g_assert_cmpuint (count_certificates (f), ==, 1);
}

/* A confirmed email in a domain delegated to a department, through an
 * account of the whole organization: the person lands in that department;
 * a registered person gets their name back. */
static void
test_email_confirmation_department (Fixture       *f,
                                    gconstpointer  data)
{
  g_autofree char *dora_id = request_code (f, "dora@research.example.net");
  g_autofree char *dora_code = read_code (f, 0, "dora@research.example.net");
  g_autofree char *ada_id = request_code (f, "ada@example.org");
  g_autofree char *ada_code = read_code (f, 1, "ada@example.org");
  g_autoptr(Reply) dora = redeem_code (f, f->visitors, dora_id, dora_code);
  g_autoptr(Reply) ada = redeem_code (f, f->visitors, ada_id, ada_code);
  g_autoptr(Reply) authorized = NULL;
  g_autoptr(Reply) issued = NULL;
  g_autoptr(ScmPerson) person = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request = NULL;
  const char *token;

  wait_for_mail_audits (f, 2);
  assert_status (dora, 201);
  assert_status (ada, 201);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (ada->object,
                                                                                 "person"),
                                                  "name"), ==, "Ada Lovelace");

  token = json_object_get_string_member (dora->object, "session");
  authorized = authorize (f, token, f->visitor, "{}");
  assert_status (authorized, 200);
  request = pkcs12_request (f->visitor, f->client_auth_id, 365, "EC-P256", PASSWORD,
                            "AES256-SHA256");
  issued = post (f, "/api/v1/session/certificates", token, request);
  assert_status (issued, 201);
  person = scm_store_find_person_by_email (f->store, "dora@research.example.net", &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_person_get_department_id (person), ==, scm_department_get_id (f->research));
  /* One part: both names. */
  g_assert_cmpstr (scm_person_get_first_name (person), ==, "Dora");
  g_assert_cmpstr (scm_person_get_last_name (person), ==, "Dora");
}

/* Emails no account reaches get the same 202 and no mail; the audit log
 * says why. */
static void
test_email_confirmation_not_eligible (Fixture       *f,
                                      gconstpointer  data)
{
  g_autofree char *path = form_path (f->visitors, "email-confirmations");
  g_autofree char *staff_path = form_path (f->staff, "email-confirmations");
  g_autofree char *stranger = request_code (f, "stranger@elsewhere.test");
  g_autofree char *pending = request_code (f, "pat@pending.example.com");
  g_autofree char *eligible = request_code (f, "eve@example.org");
  g_autofree char *code = read_code (f, 0, "eve@example.org");
  g_autoptr(Reply) fake = NULL;
  g_autoptr(Reply) wrong = NULL;
  g_autoptr(Reply) secret_form = NULL;
  g_autoptr(Reply) not_email = NULL;
  g_autoptr(Reply) disabled = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;

  /* The ids look alike. */
  g_assert_cmpuint (strlen (stranger), ==, strlen (eligible));
  g_assert_cmpuint (strlen (pending), ==, strlen (eligible));

  wait_for_mail_audits (f, 1);
  messages = scm_smtp_sink_get_messages (f->sink);
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_cmpuint (count_audit (f, "challenge.create", "failure",
                                 "elsewhere.test is not a validated domain delegated"), ==, 1);
  g_assert_cmpuint (count_audit (f, "challenge.create", "failure",
                                 "pending.example.com is not a validated domain"), ==, 1);
  g_assert_cmpuint (count_audit (f, "challenge.create", "success", NULL), ==, 1);

  /* The id that leads nowhere meets the same refusal as a wrong code. */
  fake = redeem_code (f, f->visitors, stranger, code);
  wrong = redeem_code (f, f->visitors, eligible, "00000000");
  assert_problem (fake, SCM_HTTP_PROBLEM_CREDENTIALS_REFUSED);
  g_assert_cmpstr (fake->text, ==, wrong->text);

  /* A Secret ID form mails no codes; nonsense is no email. */
  secret_form = post (f, staff_path, NULL, "{\"email\": \"ada@example.org\"}");
  assert_problem (secret_form, SCM_HTTP_PROBLEM_INVALID_REQUEST);
  not_email = post (f, path, NULL, "{\"email\": \"not an email\"}");
  assert_problem (not_email, SCM_HTTP_PROBLEM_INVALID_REQUEST);

  /* A disabled form is not found at all. */
  scm_form_set_enabled (f->visitors, FALSE);
  scm_store_update_form (f->store, f->visitors, &error);
  g_assert_no_error (error);
  disabled = post (f, path, NULL, "{\"email\": \"eve@example.org\"}");
  assert_problem (disabled, SCM_HTTP_PROBLEM_NOT_FOUND);

  g_clear_pointer (&messages, g_ptr_array_unref);
  messages = scm_smtp_sink_get_messages (f->sink);
  g_assert_cmpuint (messages->len, ==, 1);
}

/* Used, replaced, expired, burned and foreign codes: all the one 401. */
static void
test_email_confirmation_refused_codes (Fixture       *f,
                                       gconstpointer  data)
{
  g_autofree char *first_id = NULL;
  g_autofree char *first_code = NULL;
  g_autofree char *second_id = NULL;
  g_autofree char *second_code = NULL;
  g_autofree char *expired_id = NULL;
  g_autofree char *expired_code = NULL;
  g_autofree char *burn_id = NULL;
  g_autofree char *burn_code = NULL;
  g_autoptr(Reply) replaced = NULL;
  g_autoptr(Reply) used_once = NULL;
  g_autoptr(Reply) used_twice = NULL;
  g_autoptr(Reply) expired = NULL;
  g_autoptr(Reply) burned = NULL;
  g_autoptr(Reply) foreign = NULL;
  g_autoptr(Reply) wrong_method = NULL;
  g_autoptr(ScmForm) second_form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sessions = form_path (f->visitors, "sessions");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  /* Enough tries for this test not to lock the address. */
  scm_test_set_setting (f->store, "limits.max-attempts", "50");

  /* A resend replaces the first code. */
  first_id = request_code (f, "ada@example.org");
  first_code = read_code (f, 0, "ada@example.org");
  second_id = request_code (f, "ada@example.org");
  second_code = read_code (f, 1, "ada@example.org");
  replaced = redeem_code (f, f->visitors, first_id, first_code);
  assert_problem (replaced, SCM_HTTP_PROBLEM_CREDENTIALS_REFUSED);

  used_once = redeem_code (f, f->visitors, second_id, second_code);
  assert_status (used_once, 201);
  used_twice = redeem_code (f, f->visitors, second_id, second_code);
  g_assert_cmpstr (used_twice->text, ==, replaced->text);

  /* Made eleven minutes ago: expired. */
  scm_store_create_challenge (f->store, scm_form_get_id (f->visitors), "ada@example.org", NULL,
                              now - 11 * 60, &expired_id, &expired_code, &error);
  g_assert_no_error (error);
  expired = redeem_code (f, f->visitors, expired_id, expired_code);
  g_assert_cmpstr (expired->text, ==, replaced->text);

  /* Five wrong tries burn a code: the right one fails afterwards. */
  scm_store_create_challenge (f->store, scm_form_get_id (f->visitors), "bob@research.example.net",
                              NULL, now, &burn_id, &burn_code, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(Reply) reply = redeem_code (f, f->visitors, burn_id, "99999999");

      g_assert_cmpstr (reply->text, ==, replaced->text);
    }
  burned = redeem_code (f, f->visitors, burn_id, burn_code);
  g_assert_cmpstr (burned->text, ==, replaced->text);

  /* A code of one form opens no other. */
  second_form = add_form (f, "Guests", SCM_AUTHENTICATION_EMAIL_CONFIRMATION);
  g_clear_pointer (&burn_id, g_free);
  g_clear_pointer (&burn_code, scm_secret_free);
  scm_store_create_challenge (f->store, scm_form_get_id (f->visitors), "ada@example.org", NULL,
                              now, &burn_id, &burn_code, &error);
  g_assert_no_error (error);
  foreign = redeem_code (f, second_form, burn_id, burn_code);
  g_assert_cmpstr (foreign->text, ==, replaced->text);

  /* The form decides the method. */
  wrong_method = post (f, sessions, NULL,
                       "{\"method\": \"secret-id\", \"email\": \"ada@example.org\", "
                       "\"secret_id\": \"x\"}");
  assert_problem (wrong_method, SCM_HTTP_PROBLEM_INVALID_REQUEST);

  wait_for_mail_audits (f, 2);
  g_assert_cmpuint (count_audit (f, "challenge.redeem", "failure", "a newer code was requested"),
                    ==, 1);
  g_assert_cmpuint (count_audit (f, "challenge.redeem", "failure", "already used"), ==, 1);
  g_assert_cmpuint (count_audit (f, "challenge.redeem", "failure", "expired"), ==, 1);
  g_assert_cmpuint (count_audit (f, "challenge.redeem", "failure", "wrong code"), ==, 5);
  g_assert_cmpuint (count_audit (f, "challenge.redeem", "failure", "burned by"), ==, 1);
  g_assert_cmpuint (count_audit (f, "challenge.redeem", "failure", "requested on form"), ==, 1);
  g_assert_cmpuint (count_audit (f, "challenge.redeem", "success", NULL), ==, 1);
}

/* The code endpoint cannot be used to flood a mailbox. */
static void
test_email_confirmation_mail_limit (Fixture       *f,
                                    gconstpointer  data)
{
  g_autofree char *path = form_path (f->visitors, "email-confirmations");
  g_autoptr(SoupSession) second = scm_test_session_new (f->root_path, "127.0.0.2");
  g_autoptr(Reply) limited = NULL;
  g_autoptr(Reply) other_address = NULL;
  g_autoptr(Reply) stranger = NULL;
  g_autoptr(GPtrArray) messages = NULL;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *id = request_code (f, "ada@example.org");
    }
  limited = post (f, path, NULL, "{\"email\": \"ada@example.org\"}");
  assert_problem (limited, SCM_HTTP_PROBLEM_TOO_MANY_ATTEMPTS);
  g_assert_nonnull (soup_message_headers_get_one (limited->headers, "Retry-After"));

  /* The mailbox stays protected from other addresses, and this address
   * cannot switch to other mailboxes, eligible or not. */
  other_address = send_full (f, second, "POST", path, NULL, "application/json",
                             "{\"email\": \"ada@example.org\"}");
  assert_problem (other_address, SCM_HTTP_PROBLEM_TOO_MANY_ATTEMPTS);
  stranger = post (f, path, NULL, "{\"email\": \"stranger@elsewhere.test\"}");
  assert_problem (stranger, SCM_HTTP_PROBLEM_TOO_MANY_ATTEMPTS);

  wait_for_mail_audits (f, 5);
  messages = scm_smtp_sink_get_messages (f->sink);
  g_assert_cmpuint (messages->len, ==, 5);
  g_assert_cmpuint (count_audit (f, "challenge.create", "failure", "locked out"), ==, 3);
}

/* Mail that cannot be sent: the client hears it plainly when mail is not
 * set up (the same for every email), and the log says why. */
static void
test_email_confirmation_no_mail (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *path = form_path (f->visitors, "email-confirmations");
  g_autoptr(Reply) reply = NULL;

  scm_test_set_setting (f->store, "smtp.host", NULL);
  reply = post (f, path, NULL, "{\"email\": \"ada@example.org\"}");
  assert_problem (reply, SCM_HTTP_PROBLEM_UNAVAILABLE);
  g_assert_cmpuint (count_audit (f, "challenge.create", "failure", "Mail is not set up"), ==, 1);
}

/* Account authorization --------------------------------------------------------------------- */

static void
test_authorization (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *token = sign_in_with_secret (f, f->staff, "ada@example.org", f->ada_secret);
  g_autofree char *right_code = NULL;
  g_autofree char *right_secret = NULL;
  g_autofree char *wrong_secret_body = NULL;
  g_autofree char *request = NULL;
  g_autofree char *q_code = json_quote (f->access_code);
  g_autofree char *q_secret = json_quote (f->ada_secret);
  g_autofree char *q_bob = json_quote (f->bob_secret);
  g_autoptr(Reply) wrong_code = NULL;
  g_autoptr(Reply) missing = NULL;
  g_autoptr(Reply) coded = NULL;
  g_autoptr(Reply) not_authorized = NULL;
  g_autoptr(Reply) wrong_secret = NULL;
  g_autoptr(Reply) secret = NULL;
  g_autoptr(Reply) issued = NULL;

  wrong_code = authorize (f, token, f->coded, "{\"access_code\": \"AAAA-BBBB-CCCC-DDDD\"}");
  assert_problem (wrong_code, SCM_HTTP_PROBLEM_CREDENTIALS_REFUSED);
  missing = authorize (f, token, f->coded, "{}");
  assert_problem (missing, SCM_HTTP_PROBLEM_MALFORMED_REQUEST);

  /* Not authorized yet: no certificate. */
  request = pkcs12_request (f->coded, f->client_auth_id, 365, "EC-P256", PASSWORD,
                            "AES256-SHA256");
  not_authorized = post (f, "/api/v1/session/certificates", token, request);
  assert_problem (not_authorized, SCM_HTTP_PROBLEM_ACCOUNT_NOT_AUTHORIZED);

  right_code = g_strdup_printf ("{\"access_code\": %s}", q_code);
  coded = authorize (f, token, f->coded, right_code);
  assert_status (coded, 200);

  /* The Secret ID account wants Ada's own Secret ID, not Bob's. */
  wrong_secret_body = g_strdup_printf ("{\"secret_id\": %s}", q_bob);
  wrong_secret = authorize (f, token, f->secret, wrong_secret_body);
  assert_problem (wrong_secret, SCM_HTTP_PROBLEM_CREDENTIALS_REFUSED);
  g_assert_cmpstr (wrong_secret->text, ==, wrong_code->text);
  right_secret = g_strdup_printf ("{\"secret_id\": %s}", q_secret);
  secret = authorize (f, token, f->secret, right_secret);
  assert_status (secret, 200);

  issued = post (f, "/api/v1/session/certificates", token, request);
  assert_status (issued, 201);

  g_assert_cmpuint (count_audit (f, "session.authorize", "failure", "wrong access code"), ==, 1);
  g_assert_cmpuint (count_audit (f, "session.authorize", "failure", "wrong Secret ID"), ==, 1);
  g_assert_cmpuint (count_audit (f, "session.authorize", "success", NULL), ==, 2);
  g_assert_cmpuint (count_audit (f, "certificate.request", "failure", "was not authorized"), ==, 1);
}

/* Sessions -------------------------------------------------------------------------------------- */

static void
test_sessions_bound (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *token = sign_in_with_secret (f, f->staff, "ada@example.org", f->ada_secret);
  g_autofree char *other_token = sign_in_with_secret (f, f->other, "ada@example.org",
                                                      f->ada_secret);
  g_autofree char *expired_token = NULL;
  g_autofree char *request = NULL;
  g_autofree char *elsewhere_path = authorize_path (f->elsewhere);
  g_autofree char *bogus_path = g_strdup ("/api/v1/session/accounts/999999/authorize");
  g_autofree char *disabled_path = form_path (f->staff, "sessions");
  g_autoptr(Reply) no_bearer = NULL;
  g_autoptr(Reply) garbage = NULL;
  g_autoptr(Reply) cross_account = NULL;
  g_autoptr(Reply) bogus_account = NULL;
  g_autoptr(Reply) cross_certificate = NULL;
  g_autoptr(Reply) own_other = NULL;
  g_autoptr(Reply) expired = NULL;
  g_autoptr(Reply) disabled = NULL;
  g_autoptr(Reply) sign_in_disabled = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  /* Without a session, or with a made-up one. */
  no_bearer = authorize (f, NULL, f->open, "{}");
  assert_problem (no_bearer, SCM_HTTP_PROBLEM_SESSION_REQUIRED);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_one (no_bearer->headers,
                                                                 "WWW-Authenticate"), "Bearer"));
  garbage = authorize (f, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                       f->open, "{}");
  assert_problem (garbage, SCM_HTTP_PROBLEM_SESSION_REQUIRED);

  /* A staff session knows no account of the other form, nor made-up ones:
   * the same 404. */
  cross_account = post (f, elsewhere_path, token, "{}");
  assert_problem (cross_account, SCM_HTTP_PROBLEM_NOT_FOUND);
  bogus_account = post (f, bogus_path, token, "{}");
  g_assert_cmpstr (bogus_account->text, ==, cross_account->text);

  /* An account authorized in the other form's session is not this
   * session's. */
  own_other = post (f, elsewhere_path, other_token, "{}");
  assert_status (own_other, 200);
  request = pkcs12_request (f->elsewhere, f->client_auth_id, 365, "EC-P256", PASSWORD,
                            "AES256-SHA256");
  cross_certificate = post (f, "/api/v1/session/certificates", token, request);
  assert_problem (cross_certificate, SCM_HTTP_PROBLEM_ACCOUNT_NOT_AUTHORIZED);

  /* Expired sessions are refused. */
  g_assert_cmpint (scm_store_create_session (f->store, scm_form_get_id (f->staff), 0,
                                             "ada@example.org", NULL, 60, now - 3600,
                                             &expired_token, &error), >, 0);
  g_assert_no_error (error);
  expired = authorize (f, expired_token, f->open, "{}");
  assert_problem (expired, SCM_HTTP_PROBLEM_SESSION_REQUIRED);

  /* Disabling the form ends its sessions and its sign-in. */
  scm_form_set_enabled (f->staff, FALSE);
  scm_store_update_form (f->store, f->staff, &error);
  g_assert_no_error (error);
  disabled = authorize (f, token, f->open, "{}");
  assert_problem (disabled, SCM_HTTP_PROBLEM_SESSION_REQUIRED);
  sign_in_disabled = sign_in_reply (f, NULL, f->staff, "ada@example.org", f->ada_secret);
  assert_problem (sign_in_disabled, SCM_HTTP_PROBLEM_NOT_FOUND);

  g_assert_cmpuint (count_certificates (f), ==, 0);
}

/* Policy ------------------------------------------------------------------------------------------ */

static void
test_policy (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(ScmProfile) narrow = scm_profile_new ();
  g_autoptr(ScmProfile) smime = NULL;
  g_autoptr(ScmAccount) csr_only = NULL;
  g_autoptr(ScmAccount) narrowed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *body = NULL;
  g_autofree char *csr = NULL;
  g_autofree char *out = NULL;
  g_autofree char *key_path = g_build_filename (f->dir, "rsa.key", NULL);
  g_autofree char *csr_path = g_build_filename (f->dir, "rsa.csr", NULL);
  g_autoptr(Reply) reply = NULL;
  gint64 narrow_id;
  struct
  {
    char *body;
    ScmHttpProblem problem;
    const char *reason;
  } cases[12];
  guint n = 0;

  scm_profile_set_name (narrow, "EC only");
  scm_profile_set_purpose (narrow, SCM_PURPOSE_CLIENT_AUTH);
  scm_profile_add_key_type (narrow, SCM_KEY_TYPE_EC_P256);
  scm_profile_add_term (narrow, 365);
  scm_store_create_profile (f->store, narrow, &error);
  g_assert_no_error (error);
  narrow_id = scm_profile_get_id (narrow);
  smime = scm_store_find_profile_by_name (f->store, "S/MIME Mailbox (Strict)", &error);
  g_assert_no_error (error);

  narrowed = add_account (f, f->staff, "Narrow", SCM_AUTHORIZATION_NONE, SCM_CSR_METHOD_SERVER,
                          narrow_id);
  csr_only = add_account (f, f->staff, "Own keys", SCM_AUTHORIZATION_NONE,
                          SCM_CSR_METHOD_PROVIDED, narrow_id);

  g_assert_cmpint (scm_test_tool (&out, f->dir, "openssl", "req", "-new", "-newkey", "rsa:2048",
                                  "-nodes", "-subj", "/CN=x", "-keyout", key_path, "-out",
                                  csr_path, NULL), ==, 0);
  g_file_get_contents (csr_path, &csr, NULL, &error);
  g_assert_no_error (error);

  token = sign_in_with_secret (f, f->staff, "ada@example.org", f->ada_secret);
  g_clear_pointer (&reply, reply_free);
  reply = authorize (f, token, narrowed, "{}");
  assert_status (reply, 200);
  g_clear_pointer (&reply, reply_free);
  reply = authorize (f, token, csr_only, "{}");
  assert_status (reply, 200);

#define CASE(b, p, r) (cases[n].body = (b), cases[n].problem = (p), cases[n].reason = (r), n++)
  CASE (pkcs12_request (narrowed, scm_profile_get_id (smime), 365, "EC-P256", PASSWORD,
                        "AES256-SHA256"),
        SCM_HTTP_PROBLEM_POLICY, "does not offer the profile");
  CASE (pkcs12_request (narrowed, narrow_id, 365, "RSA-2048", PASSWORD, "AES256-SHA256"),
        SCM_HTTP_PROBLEM_POLICY, "does not allow RSA-2048 keys");
  CASE (pkcs12_request (narrowed, narrow_id, 730, "EC-P256", PASSWORD, "AES256-SHA256"),
        SCM_HTTP_PROBLEM_POLICY, "does not offer a term of 730 days");
  CASE (pkcs12_request (narrowed, narrow_id, 365, "EC-P256", PASSWORD, "TripleDES-SHA1"),
        SCM_HTTP_PROBLEM_POLICY, "protected with AES256-SHA256, not TripleDES-SHA1");
  CASE (pkcs12_request (narrowed, narrow_id, 365, "EC-P256", "", "AES256-SHA256"),
        SCM_HTTP_PROBLEM_POLICY, "needs a password");
  CASE (pkcs12_request (narrowed, narrow_id, 365, "EC-P256", "pässword", "AES256-SHA256"),
        SCM_HTTP_PROBLEM_INVALID_REQUEST, "ASCII");
  CASE (pkcs12_request (narrowed, narrow_id, 365, "DSA-1024", PASSWORD, "AES256-SHA256"),
        SCM_HTTP_PROBLEM_INVALID_REQUEST, "is not a key type");
  CASE (csr_request (narrowed, narrow_id, 365, csr),
        SCM_HTTP_PROBLEM_POLICY, "does not take certificate requests");
  CASE (pkcs12_request (csr_only, narrow_id, 365, "EC-P256", PASSWORD, "AES256-SHA256"),
        SCM_HTTP_PROBLEM_POLICY, "does not let the server make keys");
  CASE (csr_request (csr_only, narrow_id, 365, csr),
        SCM_HTTP_PROBLEM_POLICY, "does not allow RSA-2048 keys");
  CASE (csr_request (csr_only, narrow_id, 365, "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n"),
        SCM_HTTP_PROBLEM_INVALID_REQUEST, "The CSR was refused");
#undef CASE

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(Reply) refused = post (f, "/api/v1/session/certificates", token, cases[i].body);
      const char *detail = assert_problem (refused, cases[i].problem);

      if (strstr (detail, cases[i].reason) == NULL)
        g_test_message ("case %u: %s", i, detail);
      g_assert_nonnull (strstr (detail, cases[i].reason));
      g_assert_cmpuint (count_audit (f, "certificate.request", "failure", cases[i].reason), >=, 1);
      g_free (cases[i].body);
    }

  /* Malformed: both or neither key source, no ids. */
  g_clear_pointer (&reply, reply_free);
  body = g_strdup_printf ("{\"account_id\": %" G_GINT64_FORMAT ", \"profile_id\": %"
                          G_GINT64_FORMAT ", \"key_type\": \"EC-P256\"}",
                          scm_account_get_id (narrowed), narrow_id);
  reply = post (f, "/api/v1/session/certificates", token, body);
  assert_problem (reply, SCM_HTTP_PROBLEM_MALFORMED_REQUEST);
  g_clear_pointer (&reply, reply_free);
  reply = post (f, "/api/v1/session/certificates", token, "{\"profile_id\": \"one\"}");
  assert_problem (reply, SCM_HTTP_PROBLEM_MALFORMED_REQUEST);

  /* Nothing was issued, and the session still works for a good request. */
  g_assert_cmpuint (count_certificates (f), ==, 0);
  g_clear_pointer (&body, g_free);
  body = pkcs12_request (narrowed, narrow_id, 365, "EC-P256", PASSWORD, "AES256-SHA256");
  g_clear_pointer (&reply, reply_free);
  reply = post (f, "/api/v1/session/certificates", token, body);
  assert_status (reply, 201);
  g_assert_cmpuint (count_certificates (f), ==, 1);
}

/* A person whose validation needs a sponsor is told so, and nothing is
 * issued. */
static void
test_not_eligible (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(ScmPerson) ada = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = sign_in_with_secret (f, f->staff, "ada@example.org", f->ada_secret);
  g_autofree char *request = pkcs12_request (f->open, f->client_auth_id, 365, "EC-P256",
                                             PASSWORD, "AES256-SHA256");
  g_autoptr(Reply) authorized = authorize (f, token, f->open, "{}");
  g_autoptr(Reply) refused = NULL;

  assert_status (authorized, 200);
  ada = scm_store_find_person_by_email (f->store, "ada@example.org", &error);
  g_assert_no_error (error);
  scm_person_set_validation_type (ada, SCM_VALIDATION_HIGH);
  scm_store_update_person (f->store, ada, &error);
  g_assert_no_error (error);

  refused = post (f, "/api/v1/session/certificates", token, request);
  g_assert_nonnull (strstr (assert_problem (refused, SCM_HTTP_PROBLEM_NOT_ELIGIBLE), "sponsor"));
  g_assert_cmpuint (count_audit (f, "certificate.request", "failure", "sponsor"), ==, 1);
  g_assert_cmpuint (count_certificates (f), ==, 0);
}

/* Concurrency ------------------------------------------------------------------------------------- */

/* Other requests are answered while an RSA-4096 key is generated; a
 * second request of the same session gets no second certificate. */
static void
test_responsive_during_rsa_4096 (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *token = sign_in_with_secret (f, f->staff, "ada@example.org", f->ada_secret);
  g_autofree char *request = pkcs12_request (f->open, f->client_auth_id, 365, "RSA-4096",
                                             PASSWORD, "AES256-SHA256");
  g_autofree char *form = g_strconcat ("/api/v1/forms/", scm_form_get_uri_extension (f->staff),
                                       NULL);
  g_autoptr(Reply) authorized = authorize (f, token, f->open, "{}");
  g_autoptr(Reply) ca = NULL;
  g_autoptr(Reply) form_reply = NULL;
  g_autoptr(Reply) bob = NULL;
  Reply *first;
  Reply *second;
  SoupMessage *first_msg = NULL;
  SoupMessage *second_msg = NULL;
  guint created;

  assert_status (authorized, 200);
  first = send_async (f, NULL, "POST", "/api/v1/session/certificates", token, "application/json",
                      request, &first_msg);
  second = send_async (f, NULL, "POST", "/api/v1/session/certificates", token,
                       "application/json", request, &second_msg);

  /* Public routes and another person's sign-in, answered while the key
   * is being made. */
  ca = send_full (f, NULL, "GET", "/ca.crt", NULL, NULL, NULL);
  assert_status (ca, 200);
  form_reply = send_full (f, NULL, "GET", form, NULL, NULL, NULL);
  assert_status (form_reply, 200);
  bob = sign_in_reply (f, NULL, f->staff, "bob@research.example.net", f->bob_secret);
  assert_status (bob, 201);
  g_assert_false (first->finished && second->finished);

  finish_reply (first, first_msg);
  finish_reply (second, second_msg);
  created = (first->status == 201) + (second->status == 201);
  g_assert_cmpuint (created, ==, 1);
  for (Reply *r = first; r != NULL; r = r == first ? second : NULL)
    if (r->status != 201)
      g_assert_true (r->status == 409 || r->status == 401);
  g_assert_cmpuint (count_certificates (f), ==, 1);
  reply_free (first);
  reply_free (second);
}

/* HTTP --------------------------------------------------------------------------------------------- */

static void
test_http_refusals (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *sessions = form_path (f->staff, "sessions");
  g_autofree char *nowhere = form_path (f->staff, "nowhere");
  g_autoptr(Reply) text = NULL;
  g_autoptr(Reply) broken = NULL;
  g_autoptr(Reply) array = NULL;
  g_autoptr(Reply) get = NULL;
  g_autoptr(Reply) unknown = NULL;
  g_autoptr(Reply) no_method = NULL;
  g_autoptr(Reply) bad_method = NULL;

  text = send_full (f, NULL, "POST", sessions, NULL, "text/plain", "method=secret-id");
  assert_problem (text, SCM_HTTP_PROBLEM_UNSUPPORTED_MEDIA_TYPE);
  broken = post (f, sessions, NULL, "{\"method\": ");
  assert_problem (broken, SCM_HTTP_PROBLEM_MALFORMED_REQUEST);
  array = post (f, sessions, NULL, "[]");
  assert_problem (array, SCM_HTTP_PROBLEM_MALFORMED_REQUEST);
  no_method = post (f, sessions, NULL, "{}");
  assert_problem (no_method, SCM_HTTP_PROBLEM_MALFORMED_REQUEST);
  bad_method = post (f, sessions, NULL, "{\"method\": \"password\"}");
  assert_problem (bad_method, SCM_HTTP_PROBLEM_MALFORMED_REQUEST);

  get = send_full (f, NULL, "GET", sessions, NULL, NULL, NULL);
  assert_problem (get, SCM_HTTP_PROBLEM_METHOD_NOT_ALLOWED);
  g_assert_cmpstr (soup_message_headers_get_one (get->headers, "Allow"), ==, "POST");
  unknown = post (f, nowhere, NULL, "{}");
  assert_problem (unknown, SCM_HTTP_PROBLEM_NOT_FOUND);

  /* None of this counted as a credential failure. */
  g_assert_cmpuint (count_audit (f, "session.create", "failure", NULL), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/enrollment-api/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("secret-id/server-key", test_secret_id_server_key);
  ADD ("secret-id/csr", test_secret_id_csr);
  ADD ("secret-id/generic-refusal", test_secret_id_generic_refusal);
  ADD ("secret-id/lockout", test_secret_id_lockout);
  ADD ("email-confirmation/flow", test_email_confirmation_flow);
  ADD ("email-confirmation/department", test_email_confirmation_department);
  ADD ("email-confirmation/not-eligible", test_email_confirmation_not_eligible);
  ADD ("email-confirmation/refused-codes", test_email_confirmation_refused_codes);
  ADD ("email-confirmation/mail-limit", test_email_confirmation_mail_limit);
  ADD ("email-confirmation/no-mail", test_email_confirmation_no_mail);
  ADD ("authorization", test_authorization);
  ADD ("sessions/bound", test_sessions_bound);
  ADD ("policy", test_policy);
  ADD ("not-eligible", test_not_eligible);
  ADD ("responsive-during-rsa-4096", test_responsive_during_rsa_4096);
  ADD ("http-refusals", test_http_refusals);

  return g_test_run ();
}
