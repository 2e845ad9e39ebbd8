/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "scm-authority.h"
#include "scm-enrollment-server.h"
#include "scm-error.h"
#include "scm-http-problem.h"
#include "scm-server-cert.h"
#include "scm-test-server.h"
#include "scm-test-tools.h"
#include "scm-x509.h"

/* The enrollment endpoint as clients meet it: a real SoupServer on
 * 127.0.0.1 with real HTTPS, a SoupSession (or a raw socket) that trusts
 * only our root, and scm-enrollctl serve as a real process. */

typedef struct
{
  char *dir;
  char *data_dir;
  char *root_path;          /* our root CA, PEM: what clients trust */
  ScmStore *store;
  ScmAuthority *authority;
  ScmEnrollmentServer *server;
  SoupSession *session;     /* trusts only root_path */
} Fixture;

typedef struct
{
  guint status;
  SoupMessageHeaders *headers;
  GBytes *body;
  char *text;             /* the body as a string */
  GError *error;
  GTlsCertificate *peer;
  gboolean finished;
} Reply;

static void
reply_free (Reply *reply)
{
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->text, g_free);
  g_clear_error (&reply->error);
  g_clear_object (&reply->peer);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = scm_test_make_tmp_dir ("test-server-XXXXXX");
  f->data_dir = g_build_filename (f->dir, "data", NULL);
  f->authority = scm_test_open_authority (f->data_dir, &f->store);
  f->root_path = scm_test_write_root_pem (f->authority, f->dir);

  /* Each test starts it once it has set up what it needs. */
  f->server = scm_test_server_new (f->authority, FALSE);
  f->session = scm_test_session_new (f->root_path, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->session);
  scm_test_server_stop (f->server);
  g_clear_object (&f->authority);
  g_clear_object (&f->store);
  scm_test_remove_tree (f->dir);
  g_free (f->root_path);
  g_free (f->data_dir);
  g_free (f->dir);
}

static void
start_server (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  scm_enrollment_server_start (f->server, &error);
  g_assert_no_error (error);
  g_assert_true (scm_enrollment_server_get_running (f->server));
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Reply *reply = user_data;

  reply->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &reply->error);
  reply->finished = TRUE;
}

/* Sends a request through @session and runs the main loop (and so the
 * in-process server) until the answer is in. */
static Reply *
request_full (SoupSession *session,
              const char  *method,
              const char  *url,
              const char  *content_type,
              GBytes      *body)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  Reply *reply = g_new0 (Reply, 1);

  g_assert_nonnull (msg);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, reply);
  while (!reply->finished)
    g_main_context_iteration (NULL, TRUE);

  if (reply->body == NULL)
    reply->body = g_bytes_new (NULL, 0);
  reply->text = g_strndup (g_bytes_get_data (reply->body, NULL), g_bytes_get_size (reply->body));

  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  if (soup_message_get_tls_peer_certificate (msg) != NULL)
    reply->peer = g_object_ref (soup_message_get_tls_peer_certificate (msg));
  return reply;
}

static Reply *
request (Fixture    *f,
         const char *method,
         const char *path,
         const char *content_type,
         const char *body)
{
  g_autofree char *url = g_strconcat (scm_enrollment_server_get_url (f->server), path, NULL);
  g_autoptr(GBytes) bytes = body != NULL ? g_bytes_new (body, strlen (body)) : NULL;

  return request_full (f->session, method, url, content_type, bytes);
}

static void
assert_security_headers (SoupMessageHeaders *headers)
{
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Cache-Control"), ==, "no-store");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "X-Content-Type-Options"), ==, "nosniff");
}

/* A problem+json answer with the documented type and status. */
static JsonObject *
assert_problem (Reply          *reply,
                ScmHttpProblem  problem)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  g_assert_no_error (reply->error);
  g_assert_cmpuint (reply->status, ==, scm_http_problem_get_status (problem));
  assert_security_headers (reply->headers);
  g_assert_cmpstr (soup_message_headers_get_content_type (reply->headers, NULL), ==,
                   "application/problem+json");
  json_parser_load_from_data (parser, reply->text, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==,
                   scm_http_problem_get_type_uri (problem));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (object, "type"),
                                   "https://scm-enroll.example/problems/"));
  g_assert_cmpstr (json_object_get_string_member (object, "title"), !=, "");
  g_assert_cmpint (json_object_get_int_member (object, "status"), ==, reply->status);
  g_assert_cmpstr (json_object_get_string_member (object, "detail"), !=, "");
  return json_object_ref (object);
}

static ScmForm *
add_form (Fixture    *f,
          const char *name,
          gboolean    enabled)
{
  g_autoptr(ScmForm) form = scm_form_new ();
  g_autoptr(GError) error = NULL;

  scm_form_set_name (form, name);
  scm_form_set_authentication (form, SCM_AUTHENTICATION_SECRET_ID);
  scm_form_set_help_text (form, "Use the Secret ID from your welcome letter.\nCall <IT> & ask.");
  scm_form_set_help_link_text (form, "Help & FAQ");
  scm_form_set_help_link_url (form, "https://help.example.org/enroll?a=1&b=2");
  scm_form_set_contact (form, "it@example.org");
  scm_store_create_form (f->store, form, &error);
  g_assert_no_error (error);
  if (!enabled)
    {
      scm_form_set_enabled (form, FALSE);
      scm_store_update_form (f->store, form, &error);
      g_assert_no_error (error);
    }
  return g_steal_pointer (&form);
}

static GBytes *
certificate_der (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;

  g_object_get (certificate, "certificate", &der, NULL);
  g_assert_nonnull (der);
  return g_bytes_new (der->data, der->len);
}

/* TLS ------------------------------------------------------------------------------ */

static void
test_tls_chain (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(Reply) reply = NULL;
  g_autoptr(Reply) untrusted = NULL;
  g_autoptr(Reply) wrong_name = NULL;
  g_autoptr(SoupSession) system_session = soup_session_new ();
  g_autoptr(GBytes) leaf = NULL;
  g_autoptr(GBytes) leaf_pem = NULL;
  g_autoptr(GBytes) issuing_pem = NULL;
  g_autofree char *leaf_path = NULL;
  g_autofree char *issuing_path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *out = NULL;
  g_autoptr(ScmCertificateInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  ScmCa *ca = scm_authority_get_ca (f->authority);

  start_server (f);
  g_assert_true (g_str_has_prefix (scm_enrollment_server_get_url (f->server), "https://127.0.0.1:"));
  g_assert_cmpuint (scm_enrollment_server_get_port (f->server), >, 0);

  /* The session trusts only our root and checks the name: the request
   * succeeding is the proof that the chain and the name are right. */
  reply = request (f, "GET", "/ca.crt", NULL, NULL);
  g_assert_no_error (reply->error);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_nonnull (reply->peer);

  leaf = certificate_der (reply->peer);
  info = scm_x509_describe (leaf, &error);
  g_assert_no_error (error);
  g_assert_false (info->is_ca);
  g_assert_cmpint (info->not_after - info->not_before, <=, 397 * 86400);
  g_assert_cmpint (info->not_after, >, g_get_real_time () / G_USEC_PER_SEC + 300 * 86400);
  g_assert_cmpstr (info->key_description, ==, "EC-P256");
  g_assert_cmpstr (info->issuer, ==, scm_ca_get_subject (ca));

  /* openssl agrees: serverAuth only, the address as an iPAddress SAN, and
   * the chain up to our root. */
  leaf_pem = scm_x509_der_to_pem (leaf);
  leaf_path = scm_test_write_file (f->dir, "leaf.pem", leaf_pem);
  issuing_pem = scm_x509_der_to_pem (scm_ca_get_issuing_certificate (ca));
  issuing_path = scm_test_write_file (f->dir, "issuing.pem", issuing_pem);
  g_assert_cmpint (scm_test_tool (&out, f->dir, "openssl", "x509", "-in", leaf_path, "-noout",
                                  "-text", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "TLS Web Server Authentication"));
  g_assert_null (strstr (out, "TLS Web Client Authentication"));
  g_assert_nonnull (strstr (out, "IP Address:127.0.0.1"));
  g_assert_nonnull (strstr (out, "CA:FALSE"));
  g_assert_cmpint (scm_test_tool (&out, f->dir, "openssl", "verify", "-CAfile", f->root_path,
                                  "-untrusted", issuing_path, "-purpose", "sslserver",
                                  "-verify_ip", "127.0.0.1", leaf_path, NULL), ==, 0);

  /* The server presents exactly what it says it does. */
  {
    g_autoptr(GBytes) own = certificate_der (scm_enrollment_server_get_tls_certificate (f->server));
    g_assert_true (g_bytes_equal (own, leaf));
  }

  /* Without our root, or under a name the certificate lacks, clients
   * refuse: the checks above are real. */
  url = g_strconcat (scm_enrollment_server_get_url (f->server), "/ca.crt", NULL);
  untrusted = request_full (system_session, "GET", url, NULL, NULL);
  g_assert_error (untrusted->error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_free (url);
  url = g_strdup_printf ("https://localhost:%u/ca.crt", scm_enrollment_server_get_port (f->server));
  wrong_name = request_full (f->session, "GET", url, NULL, NULL);
  g_assert_error (wrong_name->error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
}

static char *
fingerprint_of (GTlsCertificate *certificate)
{
  g_autoptr(GBytes) der = certificate_der (certificate);

  return scm_x509_fingerprint (der);
}

static void
test_tls_reuse_and_reissue (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *renamed = NULL;
  g_autofree char *db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmServerIdentity) stored = NULL;
  g_autoptr(ScmServerIdentity) renewed = NULL;
  g_autoptr(ScmServerIdentity) again = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_auto(GStrv) names = NULL;
  ScmAuditFilter filter = { .action = "server-certificate.issue" };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *key_text;
  gsize db_len;

  start_server (f);
  first = fingerprint_of (scm_enrollment_server_get_tls_certificate (f->server));
  scm_enrollment_server_stop (f->server);
  g_assert_false (scm_enrollment_server_get_running (f->server));
  g_assert_null (scm_enrollment_server_get_tls_certificate (f->server));

  /* Same names: the stored certificate comes back. */
  start_server (f);
  second = fingerprint_of (scm_enrollment_server_get_tls_certificate (f->server));
  g_assert_cmpstr (first, ==, second);
  scm_enrollment_server_stop (f->server);

  /* A new public name: a new certificate that carries it first. */
  scm_enrollment_server_set_public_url (f->server, "https://Enroll.Example.org:8443/");
  start_server (f);
  renamed = fingerprint_of (scm_enrollment_server_get_tls_certificate (f->server));
  g_assert_cmpstr (renamed, !=, first);
  g_assert_cmpstr (scm_enrollment_server_get_url (f->server), ==, "https://Enroll.Example.org:8443");
  names = scm_server_cert_collect_names ("127.0.0.1", "https://Enroll.Example.org:8443/");
  g_assert_cmpstr (names[0], ==, "enroll.example.org");
  g_assert_cmpstr (names[1], ==, "127.0.0.1");
  g_assert_null (names[2]);

  stored = scm_server_cert_ensure (f->authority, (const char * const *) names, now, &error);
  g_assert_no_error (error);
  g_assert_false (stored->issued);
  g_assert_cmpstr (stored->fingerprint, ==, renamed);
  g_assert_cmpstr (stored->names[0], ==, "enroll.example.org");
  g_assert_cmpstr (stored->names[1], ==, "127.0.0.1");

  /* Within 30 days of its end it is renewed, and the renewal is kept. */
  renewed = scm_server_cert_ensure (f->authority, (const char * const *) names,
                                    stored->not_after - 29 * 86400, &error);
  g_assert_no_error (error);
  g_assert_true (renewed->issued);
  g_assert_cmpstr (renewed->fingerprint, !=, stored->fingerprint);
  g_assert_cmpint (renewed->not_after, >, stored->not_after);
  again = scm_server_cert_ensure (f->authority, (const char * const *) names, now, &error);
  g_assert_no_error (error);
  g_assert_false (again->issued);
  g_assert_cmpstr (again->fingerprint, ==, renewed->fingerprint);

  /* Each issuance is audited; the key never reaches the database in clear. */
  events = scm_store_list_audit_events (f->store, &filter, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 3);
  g_assert_true (g_file_get_contents (scm_store_get_database_path (f->store), &db, &db_len, NULL));
  g_assert_null (g_strstr_len (db, db_len, "BEGIN PRIVATE KEY"));
  key_text = g_bytes_get_data (again->key_pem, NULL);
  g_assert_true (g_str_has_prefix (key_text, "-----BEGIN PRIVATE KEY-----\n"));
  {
    /* The first line of base64 is unique to the key. */
    g_autofree char *line = g_strndup (key_text + strlen ("-----BEGIN PRIVATE KEY-----\n"), 64);
    g_autofree char *wal = g_strconcat (scm_store_get_database_path (f->store), "-wal", NULL);
    g_autofree char *wal_data = NULL;
    gsize wal_len = 0;

    g_assert_null (g_strstr_len (db, db_len, line));
    if (g_file_get_contents (wal, &wal_data, &wal_len, NULL))
      g_assert_null (g_strstr_len (wal_data, wal_len, line));
  }
}

static void
test_tls_names (void)
{
  g_auto(GStrv) all = scm_server_cert_collect_names ("0.0.0.0", NULL);
  g_auto(GStrv) local = scm_server_cert_collect_names ("localhost", NULL);
  g_auto(GStrv) v6 = scm_server_cert_collect_names ("[2001:DB8::1]", "https://[2001:db8::1]:8443");
  g_auto(GStrv) with_url = scm_server_cert_collect_names (NULL, "https://enroll.example.org");

  g_assert_true (g_strv_contains ((const char * const *) all, "localhost"));
  g_assert_true (g_strv_contains ((const char * const *) all, "127.0.0.1"));
  g_assert_true (g_strv_contains ((const char * const *) all, "::1"));
  g_assert_cmpstr (local[0], ==, "localhost");
  g_assert_true (g_strv_contains ((const char * const *) local, "127.0.0.1"));
  g_assert_cmpuint (g_strv_length (v6), ==, 1);
  g_assert_cmpstr (v6[0], ==, "2001:db8::1");
  g_assert_cmpstr (with_url[0], ==, "enroll.example.org");
  g_assert_true (g_strv_contains ((const char * const *) with_url, "127.0.0.1"));
}

static void
make_self_signed (Fixture    *f,
                  const char *name,
                  char      **out_cert,
                  char      **out_key)
{
  g_autofree char *out = NULL;
  g_autofree char *cert_name = g_strconcat (name, ".crt", NULL);
  g_autofree char *key_name = g_strconcat (name, ".key", NULL);

  *out_cert = g_build_filename (f->dir, cert_name, NULL);
  *out_key = g_build_filename (f->dir, key_name, NULL);
  g_assert_cmpint (scm_test_tool (&out, f->dir, "openssl", "req", "-x509", "-newkey", "ec",
                                  "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                  "-keyout", *out_key, "-out", *out_cert, "-days", "30",
                                  "-subj", "/CN=127.0.0.1",
                                  "-addext", "subjectAltName=IP:127.0.0.1", NULL), ==, 0);
}

static void
assert_start_fails (Fixture    *f,
                    const char *message_part)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (scm_enrollment_server_start (f->server, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  if (strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not say “%s”", error->message, message_part);
  g_assert_false (scm_enrollment_server_get_running (f->server));
}

static void
test_tls_supplied (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *other_cert = NULL;
  g_autofree char *other_key = NULL;
  g_autofree char *encrypted_key = NULL;
  g_autofree char *out = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(Reply) reply = NULL;
  g_autoptr(GBytes) file_pem = NULL;
  g_autoptr(GBytes) file_der = NULL;
  g_autofree char *url = NULL;

  make_self_signed (f, "own", &cert, &key);
  make_self_signed (f, "other", &other_cert, &other_key);

  /* Half a configuration is refused, naming what is missing. */
  scm_test_set_setting (f->store, "server.tls-certificate", cert);
  assert_start_fails (f, "server.tls-key");

  scm_test_set_setting (f->store, "server.tls-key", other_key);
  assert_start_fails (f, "does not belong");

  encrypted_key = g_build_filename (f->dir, "encrypted.key", NULL);
  g_assert_cmpint (scm_test_tool (&out, f->dir, "openssl", "pkey", "-in", key, "-aes256",
                                  "-passout", "pass:Secret-Pass-1234", "-out", encrypted_key,
                                  NULL), ==, 0);
  scm_test_set_setting (f->store, "server.tls-key", encrypted_key);
  assert_start_fails (f, "encrypted");

  /* The administrator's pair is served as it is. */
  scm_test_set_setting (f->store, "server.tls-key", key);
  start_server (f);
  session = scm_test_session_new (cert, NULL);
  url = g_strconcat (scm_enrollment_server_get_url (f->server), "/ca.crt", NULL);
  reply = request_full (session, "GET", url, NULL, NULL);
  g_assert_no_error (reply->error);
  g_assert_cmpuint (reply->status, ==, 200);
  file_pem = scm_test_read_file (cert);
  file_der = scm_x509_pem_to_der (g_bytes_get_data (file_pem, NULL), g_bytes_get_size (file_pem), NULL);
  {
    g_autoptr(GBytes) served = certificate_der (reply->peer);
    g_assert_true (g_bytes_equal (served, file_der));
  }
}

/* Routes ---------------------------------------------------------------------------- */

static void
test_forms (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(ScmForm) form = add_form (f, "Staff <enrollment>", TRUE);
  g_autoptr(ScmForm) disabled = add_form (f, "Old form", FALSE);
  g_autoptr(Reply) reply = NULL;
  g_autoptr(Reply) head = NULL;
  g_autoptr(Reply) off = NULL;
  g_autoptr(Reply) unknown = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonObject) off_problem = NULL;
  g_autoptr(JsonObject) unknown_problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  JsonObject *object;
  JsonObject *help;

  start_server (f);
  path = g_strconcat ("/api/v1/forms/", scm_form_get_uri_extension (form), NULL);
  reply = request (f, "GET", path, NULL, NULL);
  g_assert_no_error (reply->error);
  g_assert_cmpuint (reply->status, ==, 200);
  assert_security_headers (reply->headers);
  g_assert_cmpstr (soup_message_headers_get_content_type (reply->headers, NULL), ==, "application/json");
  json_parser_load_from_data (parser, reply->text, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Staff <enrollment>");
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "client-self-enrollment");
  g_assert_cmpstr (json_object_get_string_member (object, "authentication"), ==, "secret-id");
  g_assert_cmpstr (json_object_get_string_member (object, "contact"), ==, "it@example.org");
  help = json_object_get_object_member (object, "help");
  g_assert_cmpstr (json_object_get_string_member (help, "text"), ==,
                   "Use the Secret ID from your welcome letter.\nCall <IT> & ask.");
  g_assert_cmpstr (json_object_get_string_member (help, "link_text"), ==, "Help & FAQ");
  g_assert_cmpstr (json_object_get_string_member (help, "link_url"), ==,
                   "https://help.example.org/enroll?a=1&b=2");
  /* Nothing internal leaks. */
  g_assert_false (json_object_has_member (object, "id"));
  g_assert_false (json_object_has_member (object, "enabled"));

  head = request (f, "HEAD", path, NULL, NULL);
  g_assert_cmpuint (head->status, ==, 200);
  assert_security_headers (head->headers);
  g_assert_cmpuint (g_bytes_get_size (head->body), ==, 0);

  /* Disabled and unknown forms get the very same answer. */
  g_free (path);
  path = g_strconcat ("/api/v1/forms/", scm_form_get_uri_extension (disabled), NULL);
  off = request (f, "GET", path, NULL, NULL);
  off_problem = assert_problem (off, SCM_HTTP_PROBLEM_NOT_FOUND);
  unknown = request (f, "GET", "/api/v1/forms/0123456789abcdef0123456789abcdef", NULL, NULL);
  unknown_problem = assert_problem (unknown, SCM_HTTP_PROBLEM_NOT_FOUND);
  g_assert_true (json_object_equal (off_problem, unknown_problem));
  g_assert_true (g_bytes_equal (off->body, unknown->body));
}

static void
test_ca_certificate_and_crl (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(Reply) chain = NULL;
  g_autoptr(Reply) crl = NULL;
  g_autofree char *crl_path = NULL;
  g_autofree char *chain_path = NULL;
  g_autofree char *out = NULL;
  GBytes *expected = scm_ca_get_chain_pem (scm_authority_get_ca (f->authority));

  start_server (f);
  chain = request (f, "GET", "/ca.crt", NULL, NULL);
  g_assert_no_error (chain->error);
  g_assert_cmpuint (chain->status, ==, 200);
  assert_security_headers (chain->headers);
  g_assert_cmpstr (soup_message_headers_get_content_type (chain->headers, NULL), ==,
                   "application/pem-certificate-chain");
  g_assert_true (g_bytes_equal (chain->body, expected));

  crl = request (f, "GET", "/crl", NULL, NULL);
  g_assert_no_error (crl->error);
  g_assert_cmpuint (crl->status, ==, 200);
  assert_security_headers (crl->headers);
  g_assert_cmpstr (soup_message_headers_get_content_type (crl->headers, NULL), ==,
                   "application/pkix-crl");
  crl_path = scm_test_write_file (f->dir, "current.crl", crl->body);
  g_assert_cmpint (scm_test_tool (&out, f->dir, "openssl", "crl", "-inform", "DER", "-in", crl_path,
                                  "-noout", "-issuer", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Client Issuing CA"));
  /* Signed by the issuing CA. */
  chain_path = scm_test_write_file (f->dir, "chain.pem", expected);
  g_assert_cmpint (scm_test_tool (&out, f->dir, "openssl", "crl", "-inform", "DER", "-in", crl_path,
                                  "-noout", "-CAfile", chain_path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "verify OK"));
}

static void
test_enroll_page (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(ScmForm) form = add_form (f, "<b>R&D</b> staff", TRUE);
  g_autoptr(Reply) page = NULL;
  g_autoptr(Reply) missing = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected_url = NULL;
  const char *html;

  start_server (f);
  path = g_strconcat ("/enroll/", scm_form_get_uri_extension (form), NULL);
  page = request (f, "GET", path, NULL, NULL);
  g_assert_no_error (page->error);
  g_assert_cmpuint (page->status, ==, 200);
  assert_security_headers (page->headers);
  g_assert_cmpstr (soup_message_headers_get_content_type (page->headers, NULL), ==, "text/html");
  g_assert_nonnull (soup_message_headers_get_one (page->headers, "Content-Security-Policy"));
  html = page->text;
  g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>"));
  g_assert_nonnull (strstr (html, "&lt;b&gt;R&amp;D&lt;/b&gt; staff"));
  g_assert_null (strstr (html, "<b>R&D"));
  g_assert_nonnull (strstr (html, "Call &lt;IT&gt; &amp; ask."));
  g_assert_nonnull (strstr (html, "href=\"https://help.example.org/enroll?a=1&amp;b=2\""));
  g_assert_nonnull (strstr (html, "scm-enroll --enroll"));
  expected_url = g_strdup_printf ("%s%s#sha256=%s", scm_enrollment_server_get_url (f->server), path,
                                  scm_ca_get_root_fingerprint (scm_authority_get_ca (f->authority)));
  g_assert_nonnull (strstr (html, expected_url));

  /* An unknown link is said to be unknown, and what it carried is escaped. */
  missing = request (f, "GET", "/enroll/%3Cscript%3Ealert(1)%3C%2Fscript", NULL, NULL);
  g_assert_cmpuint (missing->status, ==, 404);
  g_clear_pointer (&missing, reply_free);
  missing = request (f, "GET", "/enroll/%3Cscript%3Ealert(%22x%22)", NULL, NULL);
  g_assert_no_error (missing->error);
  g_assert_cmpuint (missing->status, ==, 404);
  assert_security_headers (missing->headers);
  html = missing->text;
  g_assert_nonnull (strstr (html, "&lt;script&gt;alert(&quot;x&quot;)"));
  g_assert_null (strstr (html, "<script"));
}

static void
test_unknown_and_methods (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(ScmForm) form = add_form (f, "Staff", TRUE);
  g_autoptr(Reply) unknown = NULL;
  g_autoptr(Reply) root = NULL;
  g_autoptr(Reply) deep = NULL;
  g_autoptr(Reply) delete = NULL;
  g_autoptr(Reply) post_json = NULL;
  g_autoptr(Reply) post_text = NULL;
  g_autoptr(Reply) post_charset = NULL;
  g_autoptr(JsonObject) problem = NULL;
  g_autofree char *path = NULL;

  start_server (f);
  unknown = request (f, "GET", "/nothing/here", NULL, NULL);
  g_clear_pointer (&problem, json_object_unref);
  problem = assert_problem (unknown, SCM_HTTP_PROBLEM_NOT_FOUND);
  root = request (f, "GET", "/", NULL, NULL);
  g_clear_pointer (&problem, json_object_unref);
  problem = assert_problem (root, SCM_HTTP_PROBLEM_NOT_FOUND);
  deep = request (f, "GET", "/ca.crt/more", NULL, NULL);
  g_clear_pointer (&problem, json_object_unref);
  problem = assert_problem (deep, SCM_HTTP_PROBLEM_NOT_FOUND);

  delete = request (f, "DELETE", "/ca.crt", NULL, NULL);
  g_clear_pointer (&problem, json_object_unref);
  problem = assert_problem (delete, SCM_HTTP_PROBLEM_METHOD_NOT_ALLOWED);
  g_assert_cmpstr (soup_message_headers_get_one (delete->headers, "Allow"), ==, "GET, HEAD");

  /* The API takes nothing but JSON: a text body is refused as such even
   * before the method is looked at; a JSON one meets the 405. */
  path = g_strconcat ("/api/v1/forms/", scm_form_get_uri_extension (form), NULL);
  post_text = request (f, "POST", path, "text/plain", "email=ada@example.org");
  g_clear_pointer (&problem, json_object_unref);
  problem = assert_problem (post_text, SCM_HTTP_PROBLEM_UNSUPPORTED_MEDIA_TYPE);
  post_json = request (f, "POST", path, "application/json", "{\"email\": \"ada@example.org\"}");
  g_clear_pointer (&problem, json_object_unref);
  problem = assert_problem (post_json, SCM_HTTP_PROBLEM_METHOD_NOT_ALLOWED);
  g_assert_cmpstr (soup_message_headers_get_one (post_json->headers, "Allow"), ==, "GET, HEAD");
  post_charset = request (f, "POST", path, "application/json; charset=UTF-8", "{}");
  g_clear_pointer (&problem, json_object_unref);
  problem = assert_problem (post_charset, SCM_HTTP_PROBLEM_METHOD_NOT_ALLOWED);
}

/* A client that writes the request by hand over TLS, so that it can send
 * the headers and only part of the body, then wait for the answer. */
typedef struct
{
  guint port;
  char *root_path;
  GBytes *request;        /* sent as it is; the client then waits */
  volatile gint done;
  GString *response;
  GError *error;
} RawClient;

static gboolean
response_complete (GString *response)
{
  const char *end = strstr (response->str, "\r\n\r\n");
  const char *length;

  if (end == NULL)
    return FALSE;
  length = g_strstr_len (response->str, end - response->str, "Content-Length: ");
  if (length == NULL)
    return FALSE;
  return response->len - (gsize) (end + 4 - response->str)
         >= (gsize) g_ascii_strtoull (length + strlen ("Content-Length: "), NULL, 10);
}

static gpointer
raw_client_thread (gpointer user_data)
{
  RawClient *client = user_data;
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  char buffer[4096];

  client->response = g_string_new (NULL);
  connection = g_socket_client_connect_to_host (socket_client, "127.0.0.1", client->port, NULL,
                                                &client->error);
  if (connection == NULL)
    goto out;
  /* A server that never answered would fail the test, not hang it. */
  g_socket_set_timeout (g_socket_connection_get_socket (connection), 60);
  identity = g_network_address_new ("127.0.0.1", client->port);
  database = g_tls_file_database_new (client->root_path, &client->error);
  tls = database != NULL ? g_tls_client_connection_new (G_IO_STREAM (connection), identity,
                                                        &client->error) : NULL;
  if (tls == NULL)
    goto out;
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), database);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &client->error)
      || !g_output_stream_write_all (g_io_stream_get_output_stream (tls),
                                     g_bytes_get_data (client->request, NULL),
                                     g_bytes_get_size (client->request), NULL, NULL,
                                     &client->error))
    goto out;

  while (!response_complete (client->response))
    {
      gssize n = g_input_stream_read (g_io_stream_get_input_stream (tls), buffer, sizeof buffer,
                                      NULL, &client->error);
      if (n <= 0)
        break;
      g_string_append_len (client->response, buffer, n);
    }

out:
  g_atomic_int_set (&client->done, 1);
  g_main_context_wakeup (NULL);
  return NULL;
}

/* Sends @request raw and returns the answer's text. */
static char *
raw_exchange (Fixture *f,
              GBytes  *raw_request)
{
  RawClient client = { 0 };
  GThread *thread;

  client.port = scm_enrollment_server_get_port (f->server);
  client.root_path = f->root_path;
  client.request = raw_request;
  thread = g_thread_new ("raw-client", raw_client_thread, &client);
  while (!g_atomic_int_get (&client.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
  g_assert_no_error (client.error);
  return g_string_free (client.response, FALSE);
}

static void
assert_raw_too_large (const char *response)
{
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  const char *end = strstr (response, "\r\n\r\n");
  guint status = 0;

  g_assert_nonnull (end);
  g_assert_true (soup_headers_parse_response (response, (int) (end + 4 - response), headers,
                                              NULL, &status, NULL));
  g_assert_cmpuint (status, ==, 413);
  assert_security_headers (headers);
  g_assert_cmpstr (soup_message_headers_get_content_type (headers, NULL), ==,
                   "application/problem+json");
  g_assert_nonnull (strstr (end, "\"type\":\"https://scm-enroll.example/problems/body-too-large\""));
}

static void
test_body_too_large (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(ScmForm) form = add_form (f, "Staff", TRUE);
  g_autofree char *path = g_strconcat ("/api/v1/forms/", scm_form_get_uri_extension (form), NULL);
  g_autoptr(GString) raw = g_string_new (NULL);
  g_autoptr(GBytes) raw_bytes = NULL;
  g_autofree char *response = NULL;
  g_autoptr(GBytes) big = NULL;
  g_autoptr(Reply) reply = NULL;
  g_autoptr(Reply) after = NULL;
  g_autoptr(JsonObject) problem = NULL;
  g_autofree char *url = NULL;
  char *filler;

  start_server (f);

  /* 100 KiB announced, 1 KiB sent: the answer comes although the client
   * still owes 99 KiB, so it was given before the body was read. */
  g_string_append_printf (raw, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Content-Type: application/json\r\nContent-Length: 102400\r\n\r\n", path);
  filler = g_strnfill (1024, ' ');
  g_string_append (raw, filler);
  g_free (filler);
  raw_bytes = g_bytes_new (raw->str, raw->len);
  response = raw_exchange (f, raw_bytes);
  assert_raw_too_large (response);

  /* The same for a chunked body, once it passes 64 KiB. */
  g_string_truncate (raw, 0);
  g_clear_pointer (&raw_bytes, g_bytes_unref);
  g_clear_pointer (&response, g_free);
  g_string_append_printf (raw, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", path);
  filler = g_strnfill (8192, 'x');
  for (int i = 0; i < 9; i++)
    g_string_append_printf (raw, "2000\r\n%s\r\n", filler);
  g_free (filler);
  raw_bytes = g_bytes_new (raw->str, raw->len);
  response = raw_exchange (f, raw_bytes);
  assert_raw_too_large (response);

  /* An ordinary client sending the whole body reads the same answer. */
  filler = g_strnfill (100 * 1024, 'x');
  big = g_bytes_new_take (filler, 100 * 1024);
  url = g_strconcat (scm_enrollment_server_get_url (f->server), path, NULL);
  reply = request_full (f->session, "POST", url, "application/json", big);
  problem = assert_problem (reply, SCM_HTTP_PROBLEM_BODY_TOO_LARGE);

  /* The server is unharmed. */
  after = request (f, "GET", "/ca.crt", NULL, NULL);
  g_assert_cmpuint (after->status, ==, 200);
}

static void
test_plain_http (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(Reply) reply = NULL;

  scm_enrollment_server_set_use_tls (f->server, FALSE);
  start_server (f);
  g_assert_true (g_str_has_prefix (scm_enrollment_server_get_url (f->server), "http://127.0.0.1:"));
  g_assert_null (scm_enrollment_server_get_tls_certificate (f->server));

  reply = request (f, "GET", "/ca.crt", NULL, NULL);
  g_assert_no_error (reply->error);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_null (reply->peer);
  assert_security_headers (reply->headers);
  g_assert_true (g_bytes_equal (reply->body, scm_ca_get_chain_pem (scm_authority_get_ca (f->authority))));
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_state (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint running_changes = 0;
  guint url_changes = 0;
  guint port;

  g_signal_connect (f->server, "notify::running", G_CALLBACK (count_notify_cb), &running_changes);
  g_signal_connect (f->server, "notify::url", G_CALLBACK (count_notify_cb), &url_changes);
  g_assert_false (scm_enrollment_server_get_running (f->server));
  g_assert_null (scm_enrollment_server_get_url (f->server));

  start_server (f);
  g_assert_cmpuint (running_changes, ==, 1);
  g_assert_cmpuint (url_changes, ==, 1);
  port = scm_enrollment_server_get_port (f->server);
  g_assert_cmpuint (port, >, 0);
  /* Starting again changes nothing. */
  g_assert_true (scm_enrollment_server_start (f->server, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (running_changes, ==, 1);

  scm_enrollment_server_stop (f->server);
  g_assert_cmpuint (running_changes, ==, 2);
  g_assert_false (scm_enrollment_server_get_running (f->server));
  g_assert_null (scm_enrollment_server_get_url (f->server));
  scm_enrollment_server_stop (f->server);
  g_assert_cmpuint (running_changes, ==, 2);

  /* Two servers cannot share a port. */
  {
    g_autoptr(ScmEnrollmentServer) first = scm_enrollment_server_new (f->authority);
    g_autoptr(GError) busy = NULL;

    scm_enrollment_server_set_listen_address (first, "127.0.0.1");
    scm_enrollment_server_set_port (first, 0);
    g_assert_true (scm_enrollment_server_start (first, &error));
    g_assert_no_error (error);
    scm_enrollment_server_set_port (f->server, scm_enrollment_server_get_port (first));
    g_assert_false (scm_enrollment_server_start (f->server, &busy));
    g_assert_error (busy, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
    g_assert_nonnull (strstr (busy->message, "in use"));
    g_assert_false (scm_enrollment_server_get_running (f->server));
    scm_enrollment_server_stop (first);
  }

  /* Settings give the defaults. */
  scm_test_set_setting (f->store, "server.listen", "127.0.0.1:9443");
  scm_test_set_setting (f->store, "server.public-url", "https://enroll.example.org:9443");
  {
    g_autoptr(ScmEnrollmentServer) configured = scm_enrollment_server_new (f->authority);

    g_assert_cmpstr (scm_enrollment_server_get_listen_address (configured), ==, "127.0.0.1");
    g_assert_cmpuint (scm_enrollment_server_get_port (configured), ==, 9443);
    g_assert_cmpstr (scm_enrollment_server_get_public_url (configured), ==,
                     "https://enroll.example.org:9443");
    g_assert_true (scm_enrollment_server_get_use_tls (configured));
  }
}

static void
test_parse_listen (void)
{
  struct
  {
    const char *text;
    const char *address;
    guint port;
  } good[] = {
    { "0.0.0.0:8443", "0.0.0.0", 8443 },
    { "127.0.0.1:0", "127.0.0.1", 0 },
    { "[::]:8443", "::", 8443 },
    { "[::1]:443", "::1", 443 },
    { "localhost:8443", "localhost", 8443 },
  };
  const char *bad[] = { "", "8443", ":8443", "127.0.0.1", "127.0.0.1:65536", "127.0.0.1:-1",
                        "::1:8443", "[::1:8443", "example.org:8443", "[127.0.0.1]:8443",
                        "127.0.0.1:84x3" };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *address = NULL;
      g_autoptr(GError) error = NULL;
      guint port = 1;

      g_assert_true (scm_enrollment_server_parse_listen (good[i].text, &address, &port, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (address, ==, good[i].address);
      g_assert_cmpuint (port, ==, good[i].port);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *address = NULL;
      g_autoptr(GError) error = NULL;
      guint port = 0;

      if (scm_enrollment_server_parse_listen (bad[i], &address, &port, &error))
        g_error ("“%s” was accepted as %s:%u", bad[i], address, port);
      g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "ADDRESS:PORT"));
    }
}

static void
test_json_body (void)
{
  struct
  {
    const char *content_type;
    const char *body;
    gssize len;
    int problem;   /* -1: accepted */
  } cases[] = {
    { "application/json", "{\"email\": \"ada@example.org\"}", -1, -1 },
    { "Application/JSON; charset=utf-8", "{}", -1, -1 },
    { "application/json; charset=iso-8859-1", "{}", -1, SCM_HTTP_PROBLEM_UNSUPPORTED_MEDIA_TYPE },
    { "text/plain", "{}", -1, SCM_HTTP_PROBLEM_UNSUPPORTED_MEDIA_TYPE },
    { "application/jsonp", "{}", -1, SCM_HTTP_PROBLEM_UNSUPPORTED_MEDIA_TYPE },
    { NULL, "{}", -1, SCM_HTTP_PROBLEM_UNSUPPORTED_MEDIA_TYPE },
    { "application/json", "", -1, SCM_HTTP_PROBLEM_MALFORMED_REQUEST },
    { "application/json", "[1, 2]", -1, SCM_HTTP_PROBLEM_MALFORMED_REQUEST },
    { "application/json", "{\"a\": ", -1, SCM_HTTP_PROBLEM_MALFORMED_REQUEST },
    { "application/json", "{\"a\": \"\xff\"}", -1, SCM_HTTP_PROBLEM_MALFORMED_REQUEST },
    { "application/json", "{\"a\": 1}\0{}", 11, SCM_HTTP_PROBLEM_MALFORMED_REQUEST },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = cases[i].len >= 0 ? (gsize) cases[i].len : strlen (cases[i].body);
      g_autoptr(GBytes) body = g_bytes_new (cases[i].body, len);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) object = scm_http_parse_json_object (cases[i].content_type, body, &error);

      if (cases[i].problem < 0)
        {
          g_assert_no_error (error);
          g_assert_nonnull (object);
        }
      else
        {
          g_assert_null (object);
          g_assert_error (error, SCM_HTTP_PROBLEM_ERROR, cases[i].problem);
        }
    }

  {
    char *large = g_strnfill (SCM_HTTP_MAX_BODY_SIZE + 1, ' ');
    g_autoptr(GBytes) body = g_bytes_new_take (large, SCM_HTTP_MAX_BODY_SIZE + 1);
    g_autoptr(GError) error = NULL;

    large[0] = '{';
    g_assert_null (scm_http_parse_json_object ("application/json", body, &error));
    g_assert_error (error, SCM_HTTP_PROBLEM_ERROR, SCM_HTTP_PROBLEM_BODY_TOO_LARGE);
  }
}

/* scm-enrollctl serve --------------------------------------------------------------- */

static GSubprocess *
spawn_serve (Fixture     *f,
             const char  *listen,
             const char  *extra,
             char       **out_first_line)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir_arg = g_strdup_printf ("--data-dir=%s", f->data_dir);
  g_autoptr(GDataInputStream) lines = NULL;
  GSubprocess *process;
  const char *argv[] = { g_getenv ("SCM_ENROLLCTL"), "serve", "--listen", listen, data_dir_arg,
                         extra, NULL };

  g_assert_nonnull (argv[0]);
  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  *out_first_line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*out_first_line);
  return process;
}

static void
stop_serve (GSubprocess *process)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

static void
test_ctl_serve (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GSubprocess) plain = NULL;
  g_autofree char *line = NULL;
  g_autofree char *plain_line = NULL;
  g_autoptr(Reply) reply = NULL;
  g_autoptr(Reply) plain_reply = NULL;
  g_autofree char *url = NULL;
  const char *prefix = "Serving the enrollment endpoint at ";

  process = spawn_serve (f, "127.0.0.1:0", NULL, &line);
  g_assert_true (g_str_has_prefix (line, prefix));
  g_assert_true (g_str_has_prefix (line + strlen (prefix), "https://127.0.0.1:"));
  g_assert_cmpstr (line + strlen (prefix), !=, "https://127.0.0.1:0");

  url = g_strconcat (line + strlen (prefix), "/ca.crt", NULL);
  reply = request_full (f->session, "GET", url, NULL, NULL);
  g_assert_no_error (reply->error);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_true (g_bytes_equal (reply->body, scm_ca_get_chain_pem (scm_authority_get_ca (f->authority))));
  stop_serve (process);

  /* --http serves plain HTTP. */
  plain = spawn_serve (f, "127.0.0.1:0", "--http", &plain_line);
  g_assert_true (g_str_has_prefix (plain_line + strlen (prefix), "http://127.0.0.1:"));
  g_free (url);
  url = g_strconcat (plain_line + strlen (prefix), "/ca.crt", NULL);
  plain_reply = request_full (f->session, "GET", url, NULL, NULL);
  g_assert_no_error (plain_reply->error);
  g_assert_cmpuint (plain_reply->status, ==, 200);
  stop_serve (plain);
}

static void
test_ctl_serve_errors (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *data_dir_arg = g_strdup_printf ("--data-dir=%s", f->data_dir);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *ctl = g_getenv ("SCM_ENROLLCTL");
  int status;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &bound, &error);
  g_assert_no_error (error);
  listen = g_strdup_printf ("127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  {
    const char *argv[] = { ctl, "serve", "--listen", listen, data_dir_arg, NULL };

    status = scm_test_run (argv, NULL, &out, &err);
    g_assert_cmpint (status, ==, 1);
    /* One line. */
    g_assert_true (g_str_has_suffix (err, "\n"));
    g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);
    g_assert_nonnull (strstr (err, "in use"));
    g_assert_nonnull (strstr (err, "choose another with --listen"));
  }

  {
    const char *argv[] = { ctl, "serve", "--listen", "example.org:8443", data_dir_arg, NULL };

    g_clear_pointer (&err, g_free);
    g_clear_pointer (&out, g_free);
    status = scm_test_run (argv, NULL, &out, &err);
    g_assert_cmpint (status, ==, 2);
    g_assert_nonnull (strstr (err, "ADDRESS:PORT"));
  }

  {
    const char *argv[] = { ctl, "serve", "--public-url", "ftp://example.org", data_dir_arg, NULL };

    g_clear_pointer (&err, g_free);
    g_clear_pointer (&out, g_free);
    status = scm_test_run (argv, NULL, &out, &err);
    g_assert_cmpint (status, ==, 2);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/server/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("tls/chain", test_tls_chain);
  ADD ("tls/reuse-and-reissue", test_tls_reuse_and_reissue);
  ADD ("tls/supplied", test_tls_supplied);
  g_test_add_func ("/server/tls/names", test_tls_names);
  ADD ("routes/forms", test_forms);
  ADD ("routes/ca-certificate-and-crl", test_ca_certificate_and_crl);
  ADD ("routes/enroll-page", test_enroll_page);
  ADD ("routes/unknown-and-methods", test_unknown_and_methods);
  ADD ("limits/body-too-large", test_body_too_large);
  g_test_add_func ("/server/limits/json-body", test_json_body);
  ADD ("http", test_plain_http);
  ADD ("state", test_state);
  g_test_add_func ("/server/parse-listen", test_parse_listen);
  ADD ("ctl/serve", test_ctl_serve);
  ADD ("ctl/serve-errors", test_ctl_serve_errors);

  return g_test_run ();
}
