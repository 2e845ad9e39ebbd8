/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "scm-error.h"
#include "scm-mail.h"
#include "scm-smtp-sink.h"
#include "scm-store.h"
#include "scm-test-util.h"

/* Mail as a person receives it: composed by ScmEnroll, sent by libcurl
 * over a real SMTP conversation with the test sink on 127.0.0.1, decoded
 * by the sink's own (independent) MIME reading. */

#define WAIT_MS 30000

#define SENDER "enroll@example.org"
#define RECIPIENT "jo.mueller@example.org"

/* What a person must read back exactly: umlauts, a long line, a line that
 * SMTP's dot-stuffing must protect, "From " at a line start, spaces at a
 * line end, a tab, a lone "=" and an empty line. */
static const char body_text[] =
  "Grüße aus Köln, Jörg!\n"
  "\n"
  ".hidden line that starts with a dot\n"
  "..and one with two\n"
  ".\n"
  "From here on, a mailbox would add a >\n"
  "Spaces at the end   \n"
  "tab\there, equals = sign, 100% sure\n"
  "Ein sehr langer Satz über Äpfel, Öl und Übermut, der weit über sechsundsiebzig Zeichen "
  "hinausgeht, damit weiche Zeilenumbrüche nötig werden: äöüßÄÖÜ€✓ äöüßÄÖÜ€✓ äöüßÄÖÜ€✓ "
  "äöüßÄÖÜ€✓ äöüßÄÖÜ€✓ Ende.\n";

typedef struct
{
  char *dir;
  ScmSmtpSink *sink;
  ScmMailSettings *settings;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = scm_test_make_tmp_dir ("scm-test-mail-XXXXXX");
  fixture->sink = scm_smtp_sink_new ();
  fixture->settings = scm_mail_settings_new ();
  fixture->settings->host = g_strdup ("127.0.0.1");
  fixture->settings->port = scm_smtp_sink_get_port (fixture->sink);
  fixture->settings->security = SCM_MAIL_SECURITY_NONE;
  fixture->settings->from = g_strdup (SENDER);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->sink, scm_smtp_sink_free);
  g_clear_pointer (&fixture->settings, scm_mail_settings_free);
  scm_test_remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

static char *
server_of (Fixture *fixture)
{
  return g_strdup_printf ("127.0.0.1:%u", scm_smtp_sink_get_port (fixture->sink));
}

static ScmSmtpMessage *
only_message (Fixture *fixture)
{
  g_autoptr (GPtrArray) messages = NULL;

  g_assert_true (scm_smtp_sink_wait_for_messages (fixture->sink, 1, WAIT_MS));
  messages = scm_smtp_sink_get_messages (fixture->sink);
  g_assert_cmpuint (messages->len, ==, 1);
  return scm_smtp_message_copy (g_ptr_array_index (messages, 0));
}

static void
assert_sink_got_nothing (Fixture *fixture)
{
  g_autoptr (GPtrArray) messages = scm_smtp_sink_get_messages (fixture->sink);

  g_assert_cmpuint (messages->len, ==, 0);
}

static void
assert_crlf_lines (const char *data,
                   gsize       max_body_line)
{
  const char *body = strstr (data, "\r\n\r\n");
  const char *line = data;

  g_assert_nonnull (body);
  while (*line != '\0')
    {
      const char *lf = strchr (line, '\n');
      gsize len;

      g_assert_nonnull (lf);
      g_assert_true (lf > line && lf[-1] == '\r');   /* no bare LF */
      g_assert_null (memchr (line, '\r', lf - 1 - line));  /* no bare CR */
      len = lf - 1 - line;
      g_assert_cmpuint (len, <=, line > body ? max_body_line : 78);
      /* 7-bit clean: quoted-printable leaves no raw UTF-8. */
      for (const char *p = line; p < lf; p++)
        g_assert_cmpuint ((guchar) *p, <, 0x80);
      line = lf + 1;
    }
}

/* Composing ------------------------------------------------------------ */

static void
test_compose_headers (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) date = g_date_time_new_utc (2026, 3, 3, 9, 5, 7);
  g_autoptr (GTimeZone) zone = g_time_zone_new_identifier ("+01:30");
  g_autoptr (GDateTime) local = g_date_time_to_timezone (date, zone);
  g_autoptr (GBytes) first = NULL;
  g_autoptr (GBytes) second = NULL;
  g_autofree char *text = NULL;
  g_autofree char *other = NULL;
  g_autoptr (GMatchInfo) match = NULL;
  g_autoptr (GRegex) message_id = g_regex_new ("\r\nMessage-ID: <([0-9a-f]{32})@example\\.org>\r\n", 0, 0, NULL);
  g_autofree char *first_id = NULL;
  g_autofree char *second_id = NULL;

  first = scm_mail_compose ("Enroll@Example.ORG", RECIPIENT, "Hello", "Hi\n", local, &error);
  g_assert_no_error (error);
  text = g_strndup (g_bytes_get_data (first, NULL), g_bytes_get_size (first));

  /* The date in RFC 5322's English names and the zone's offset. */
  g_assert_true (g_str_has_prefix (text, "Date: Tue, 3 Mar 2026 10:35:07 +0130\r\n"));
  g_assert_nonnull (strstr (text, "\r\nFrom: enroll@example.org\r\n"));
  g_assert_nonnull (strstr (text, "\r\nTo: " RECIPIENT "\r\n"));
  g_assert_nonnull (strstr (text, "\r\nSubject: Hello\r\n"));
  g_assert_nonnull (strstr (text, "\r\nMIME-Version: 1.0\r\n"));
  g_assert_nonnull (strstr (text, "\r\nContent-Type: text/plain; charset=UTF-8\r\n"));
  g_assert_nonnull (strstr (text, "\r\nContent-Transfer-Encoding: quoted-printable\r\n"));
  g_assert_true (g_str_has_suffix (text, "\r\n\r\nHi\r\n"));
  assert_crlf_lines (text, 76);

  /* A fresh random Message-ID each time. */
  g_assert_true (g_regex_match (message_id, text, 0, &match));
  first_id = g_match_info_fetch (match, 1);
  g_clear_pointer (&match, g_match_info_free);
  second = scm_mail_compose (SENDER, RECIPIENT, "Hello", "Hi\n", local, &error);
  g_assert_no_error (error);
  other = g_strndup (g_bytes_get_data (second, NULL), g_bytes_get_size (second));
  g_assert_true (g_regex_match (message_id, other, 0, &match));
  second_id = g_match_info_fetch (match, 1);
  g_assert_cmpstr (second_id, !=, first_id);
}

static void
test_compose_encodings (void)
{
  g_autofree char *plain = scm_mail_encode_header_text ("Your confirmation code");
  g_autofree char *umlaut = scm_mail_encode_header_text ("Grüße");
  g_autofree char *lookalike = scm_mail_encode_header_text ("=?UTF-8?B?eA==?=");
  g_autofree char *qp = scm_mail_encode_quoted_printable ("a=b \nc\r\nFrom x\rtrailing\t");

  g_assert_cmpstr (plain, ==, "Your confirmation code");
  g_assert_cmpstr (umlaut, ==, "=?UTF-8?B?R3LDvMOfZQ==?=");
  /* Text that looks like an encoded-word is itself encoded, so it reads
   * back as typed. */
  g_assert_true (g_str_has_prefix (lookalike, "=?UTF-8?B?"));
  g_assert_cmpstr (qp, ==, "a=3Db=20\r\nc\r\n=46rom x\r\ntrailing=09\r\n");
}

static void
test_compose_refusals (void)
{
  const struct
  {
    const char *from, *to, *subject;
  } cases[] = {
    { SENDER, RECIPIENT "\r\nBcc: all@example.org", "Hi" },
    { SENDER, RECIPIENT "\nBcc: all@example.org", "Hi" },
    { SENDER "\r\nBcc: all@example.org", RECIPIENT, "Hi" },
    { SENDER, RECIPIENT, "Hi\r\nBcc: all@example.org" },
    { SENDER, RECIPIENT, "Hi\rthere" },
    { SENDER, "not an address", "Hi" },
    { SENDER, "a@b@example.org", "Hi" },
    { "", RECIPIENT, "Hi" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) message = scm_mail_compose (cases[i].from, cases[i].to, cases[i].subject,
                                                     "body", NULL, &error);

      g_assert_null (message);
      g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
      g_assert_null (strchr (error->message, '\n'));
    }
}

/* Sending through the sink --------------------------------------------- */

static void
test_send_message (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmSmtpMessage) message = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *text = NULL;
  const char *umlaut_subject = "Bestätigungscode für Müller – ✓";

  g_assert_true (scm_mail_send (fixture->settings, "Jo.Mueller@Example.org", umlaut_subject,
                                body_text, NULL, &error));
  g_assert_no_error (error);

  message = only_message (fixture);
  g_assert_cmpstr (message->from, ==, SENDER);
  g_assert_cmpuint (message->rcpt->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (message->rcpt, 0), ==, RECIPIENT);
  g_assert_null (message->auth_user);
  g_assert_false (message->tls);

  assert_crlf_lines (message->data, 76);
  /* Encoded, not raw, in the header; the same text once decoded. */
  g_assert_null (strstr (message->data, "Müller"));
  g_assert_nonnull (strstr (message->data, "\r\nSubject: =?UTF-8?B?"));
  subject = scm_smtp_message_get_header (message, "Subject");
  from = scm_smtp_message_get_header (message, "From");
  to = scm_smtp_message_get_header (message, "To");
  g_assert_cmpstr (subject, ==, umlaut_subject);
  g_assert_cmpstr (from, ==, SENDER);
  g_assert_cmpstr (to, ==, RECIPIENT);

  text = scm_smtp_message_get_text (message);
  g_assert_cmpstr (text, ==, body_text);
}

static void
test_send_long_subject (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmSmtpMessage) message = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *ascii = NULL;
  g_autoptr (GString) long_subject = g_string_new (NULL);
  g_autoptr (GString) long_ascii = g_string_new (NULL);

  for (int i = 0; i < 12; i++)
    g_string_append (long_subject, "Überprüfung ✓ ");
  g_string_append (long_subject, "Ende");
  for (int i = 0; i < 20; i++)
    g_string_append (long_ascii, "confirm ");
  g_string_append (long_ascii, "end");

  g_assert_true (scm_mail_send (fixture->settings, RECIPIENT, long_subject->str, "x", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (scm_mail_send (fixture->settings, RECIPIENT, long_ascii->str, "x", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (scm_smtp_sink_wait_for_messages (fixture->sink, 2, WAIT_MS));

  {
    g_autoptr (GPtrArray) messages = scm_smtp_sink_get_messages (fixture->sink);

    message = scm_smtp_message_copy (g_ptr_array_index (messages, 0));
    /* Folded into several header lines of at most 78 characters. */
    assert_crlf_lines (message->data, 76);
    subject = scm_smtp_message_get_header (message, "Subject");
    g_assert_cmpstr (subject, ==, long_subject->str);

    assert_crlf_lines (((ScmSmtpMessage *) g_ptr_array_index (messages, 1))->data, 76);
    ascii = scm_smtp_message_get_header (g_ptr_array_index (messages, 1), "Subject");
    g_assert_cmpstr (ascii, ==, long_ascii->str);
  }
}

static void
test_send_login (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *mechanism = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmSmtpMessage) message = NULL;

  scm_smtp_sink_set_credentials (fixture->sink, "mailer", "pässword with spaces ");
  scm_smtp_sink_set_auth_mechanisms (fixture->sink, mechanism);
  fixture->settings->username = g_strdup ("mailer");
  fixture->settings->password = g_strdup ("pässword with spaces ");

  g_assert_true (scm_mail_send (fixture->settings, RECIPIENT, "Hi", "Hello\n", NULL, &error));
  g_assert_no_error (error);
  message = only_message (fixture);
  g_assert_cmpstr (message->auth_user, ==, "mailer");
}

static void
test_send_wrong_login (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *server = server_of (fixture);

  scm_smtp_sink_set_credentials (fixture->sink, "mailer", "right-password");
  fixture->settings->username = g_strdup ("mailer");
  fixture->settings->password = g_strdup ("wrong-password-42");

  g_assert_false (scm_mail_send (fixture->settings, RECIPIENT, "Hi", "Hello\n", NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "The mail server "));
  g_assert_nonnull (strstr (error->message, server));
  g_assert_nonnull (strstr (error->message, "refused the login of “mailer”"));
  g_assert_nonnull (strstr (error->message, "smtp.password"));
  g_assert_null (strstr (error->message, "wrong-password-42"));
  g_assert_null (strchr (error->message, '\n'));
  assert_sink_got_nothing (fixture);
}

static void
test_send_login_required (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  scm_smtp_sink_set_credentials (fixture->sink, "mailer", "right-password");

  g_assert_false (scm_mail_send (fixture->settings, RECIPIENT, "Hi", "Hello\n", NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "requires a login"));
  g_assert_nonnull (strstr (error->message, "smtp.username"));
  assert_sink_got_nothing (fixture);
}

static void
test_send_refused_recipient (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *server = server_of (fixture);
  g_autofree char *expected = g_strdup_printf ("The mail server %s refused the recipient "
                                               "nobody@example.org (550 ", server);

  scm_smtp_sink_refuse_recipient (fixture->sink, "nobody@example.org");

  g_assert_false (scm_mail_send (fixture->settings, "Nobody@example.org", "Hi", "Hello\n", NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, expected));
  g_assert_nonnull (strstr (error->message, "User unknown"));
  g_assert_null (strchr (error->message, '\n'));
  assert_sink_got_nothing (fixture);

  /* Another address still goes through. */
  g_clear_error (&error);
  g_assert_true (scm_mail_send (fixture->settings, RECIPIENT, "Hi", "Hello\n", NULL, &error));
  g_assert_no_error (error);
}

static guint16
get_closed_port (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                             G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  g_socket_close (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
test_send_closed_port (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *expected = NULL;

  fixture->settings->port = get_closed_port ();
  expected = g_strdup_printf ("Could not connect to the mail server 127.0.0.1:%u: ", fixture->settings->port);

  g_assert_false (scm_mail_send (fixture->settings, RECIPIENT, "Hi", "Hello\n", NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, expected));
  g_assert_nonnull (strstr (error->message, "Connection refused"));
  g_assert_true (g_str_has_suffix (error->message, "; check smtp.host and smtp.port"));
}

static void
test_send_refused_before_connecting (Fixture       *fixture,
                                     gconstpointer  data)
{
  const struct
  {
    const char *to, *subject;
  } cases[] = {
    { RECIPIENT, "Hi\r\nBcc: everyone@example.org" },
    { RECIPIENT "\nBcc: everyone@example.org", "Hi" },
    { RECIPIENT ">\r\nRCPT TO:<everyone@example.org", "Hi" },
    { "nobody", "Hi" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_false (scm_mail_send (fixture->settings, cases[i].to, cases[i].subject, "Hello\n", NULL, &error));
      g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
    }

  /* A sender with a line break is refused the same way. */
  {
    g_autoptr (GError) error = NULL;

    g_free (fixture->settings->from);
    fixture->settings->from = g_strdup (SENDER "\r\nBcc: everyone@example.org");
    g_assert_false (scm_mail_send (fixture->settings, RECIPIENT, "Hi", "Hello\n", NULL, &error));
    g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  }

  g_assert_cmpuint (scm_smtp_sink_get_connection_count (fixture->sink), ==, 0);
}

static void
test_send_cancelled_before (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();

  g_cancellable_cancel (cancellable);
  g_assert_false (scm_mail_send (fixture->settings, RECIPIENT, "Hi", "Hello\n", cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (scm_smtp_sink_get_connection_count (fixture->sink), ==, 0);
}

typedef struct
{
  GMainLoop *loop;
  gboolean done;
  gboolean sent;
  GError *error;
} AsyncResult;

static void
send_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncResult *async = user_data;

  async->sent = scm_mail_send_finish (result, &async->error);
  async->done = TRUE;
  g_main_loop_quit (async->loop);
}

static void
test_send_async (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  AsyncResult async = { loop };
  g_autoptr (ScmSmtpMessage) message = NULL;
  g_autofree char *text = NULL;
  g_autofree char *subject = g_strdup ("Äsync");
  g_autofree char *to = g_strdup (RECIPIENT);
  g_autofree char *body = g_strdup (body_text);

  scm_mail_send_async (fixture->settings, to, subject, body, NULL, send_done_cb, &async);
  /* The call copied everything: the caller's data may go at once. */
  g_clear_pointer (&fixture->settings, scm_mail_settings_free);
  g_clear_pointer (&subject, g_free);
  g_clear_pointer (&to, g_free);
  memset (body, 'x', strlen (body));

  g_main_loop_run (loop);
  g_assert_no_error (async.error);
  g_assert_true (async.sent);

  message = only_message (fixture);
  text = scm_smtp_message_get_text (message);
  g_assert_cmpstr (text, ==, body_text);
  subject = scm_smtp_message_get_header (message, "Subject");
  g_assert_cmpstr (subject, ==, "Äsync");
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_send_async_cancel (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) silent = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  AsyncResult async = { loop };

  /* A server that accepts connections (the kernel does) and never says a
   * word: only cancelling ends the wait before libcurl's timeouts. */
  silent = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (silent, address, FALSE, &error));
  g_assert_true (g_socket_listen (silent, &error));
  bound = g_socket_get_local_address (silent, &error);
  g_assert_no_error (error);
  fixture->settings->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  scm_mail_send_async (fixture->settings, RECIPIENT, "Hi", "Hello\n", cancellable, send_done_cb, &async);
  g_timeout_add (200, cancel_cb, cancellable);
  g_main_loop_run (loop);

  g_assert_false (async.sent);
  g_assert_error (async.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&async.error);
}

/* TLS ---------------------------------------------------------------- */

/* A self-signed certificate for 127.0.0.1 in the fixture's directory;
 * FALSE (test skipped) without the openssl tool. */
static gboolean
make_certificate (Fixture          *fixture,
                  GTlsCertificate **certificate,
                  char            **ca_file)
{
  g_autofree char *key = g_build_filename (fixture->dir, "sink.key", NULL);
  g_autofree char *cert = g_build_filename (fixture->dir, "sink.pem", NULL);
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  const char *argv[] = {
    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
    "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", NULL
  };

  if (!scm_test_require_tool ("openssl", "openssl"))
    return FALSE;
  g_assert_cmpint (scm_test_run (argv, NULL, NULL, &err), ==, 0);
  *certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);
  *ca_file = g_steal_pointer (&cert);
  return TRUE;
}

static gboolean
require_tls_backend (void)
{
  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("GIO has no TLS backend; install glib-networking");
      return FALSE;
    }
  return TRUE;
}

static void
test_send_tls (Fixture       *fixture,
               gconstpointer  data)
{
  ScmSmtpSinkTls mode = GPOINTER_TO_INT (data);
  g_autoptr (GTlsCertificate) certificate = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmSmtpMessage) message = NULL;
  g_autofree char *text = NULL;

  if (!require_tls_backend () || !make_certificate (fixture, &certificate, &fixture->settings->ca_file))
    return;
  scm_smtp_sink_set_tls (fixture->sink, mode, certificate);
  scm_smtp_sink_set_credentials (fixture->sink, "mailer", "secret-over-tls");
  fixture->settings->security = mode == SCM_SMTP_SINK_TLS_STARTTLS ? SCM_MAIL_SECURITY_STARTTLS
                                                                   : SCM_MAIL_SECURITY_TLS;
  fixture->settings->username = g_strdup ("mailer");
  fixture->settings->password = g_strdup ("secret-over-tls");

  g_assert_true (scm_mail_send (fixture->settings, RECIPIENT, "Über TLS", body_text, NULL, &error));
  g_assert_no_error (error);
  message = only_message (fixture);
  g_assert_true (message->tls);
  g_assert_cmpstr (message->auth_user, ==, "mailer");
  text = scm_smtp_message_get_text (message);
  g_assert_cmpstr (text, ==, body_text);
}

static void
test_send_starttls_missing (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *server = server_of (fixture);

  /* The sink speaks clear text only: STARTTLS is required, so nothing
   * (least of all a password) is sent in clear. */
  scm_smtp_sink_set_credentials (fixture->sink, "mailer", "never-in-clear");
  fixture->settings->security = SCM_MAIL_SECURITY_STARTTLS;
  fixture->settings->username = g_strdup ("mailer");
  fixture->settings->password = g_strdup ("never-in-clear");

  g_assert_false (scm_mail_send (fixture->settings, RECIPIENT, "Hi", "Hello\n", NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, server));
  g_assert_nonnull (strstr (error->message, "does not offer STARTTLS"));
  assert_sink_got_nothing (fixture);
}

static void
test_send_untrusted_certificate (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr (GTlsCertificate) certificate = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *ca_file = NULL;
  g_autofree char *server = server_of (fixture);
  g_autofree char *other_ca = NULL;

  if (!require_tls_backend () || !make_certificate (fixture, &certificate, &ca_file))
    return;
  scm_smtp_sink_set_tls (fixture->sink, SCM_SMTP_SINK_TLS_IMPLICIT, certificate);
  fixture->settings->security = SCM_MAIL_SECURITY_TLS;
  /* Trust something else than the sink's certificate. */
  other_ca = g_build_filename (fixture->dir, "other.pem", NULL);
  {
    g_autofree char *other_key = g_build_filename (fixture->dir, "other.key", NULL);
    const char *argv[] = {
      "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
      "-nodes", "-keyout", other_key, "-out", other_ca, "-days", "2", "-subj", "/CN=Other CA", NULL
    };
    g_assert_cmpint (scm_test_run (argv, NULL, NULL, NULL), ==, 0);
  }
  fixture->settings->ca_file = g_strdup (other_ca);

  g_assert_false (scm_mail_send (fixture->settings, RECIPIENT, "Hi", "Hello\n", NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "Could not make a secure connection to the mail server "));
  g_assert_nonnull (strstr (error->message, server));
  assert_sink_got_nothing (fixture);
}

/* Settings ------------------------------------------------------------- */

static void
set (ScmStore   *store,
     const char *key,
     const char *value)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (scm_store_set_setting (store, key, value, &error));
  g_assert_no_error (error);
}

static void
assert_not_set_up (ScmStore *store)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmMailSettings) settings = scm_mail_settings_load (store, &error);

  g_assert_null (settings);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "Mail is not set up: set smtp.host and smtp.from in Preferences or with "
                   "`scm-enrollctl settings set`");
}

static void
test_settings_load (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmStore) store = scm_store_open (fixture->dir, &error);
  g_autoptr (ScmMailSettings) settings = NULL;
  g_autofree char *server = NULL;

  g_assert_no_error (error);
  assert_not_set_up (store);
  set (store, "smtp.host", "mail.example.org");
  assert_not_set_up (store);
  set (store, "smtp.host", NULL);
  set (store, "smtp.from", SENDER);
  assert_not_set_up (store);
  set (store, "smtp.host", "mail.example.org");

  /* The port follows the security unless set. */
  settings = scm_mail_settings_load (store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (settings->host, ==, "mail.example.org");
  g_assert_cmpstr (settings->from, ==, SENDER);
  g_assert_cmpint (settings->security, ==, SCM_MAIL_SECURITY_STARTTLS);
  g_assert_cmpuint (settings->port, ==, 587);
  g_assert_null (settings->username);
  g_assert_null (settings->password);
  g_clear_pointer (&settings, scm_mail_settings_free);

  set (store, "smtp.security", "tls");
  settings = scm_mail_settings_load (store, &error);
  g_assert_cmpint (settings->security, ==, SCM_MAIL_SECURITY_TLS);
  g_assert_cmpuint (settings->port, ==, 465);
  g_clear_pointer (&settings, scm_mail_settings_free);

  set (store, "smtp.security", "none");
  settings = scm_mail_settings_load (store, &error);
  g_assert_cmpint (settings->security, ==, SCM_MAIL_SECURITY_NONE);
  g_assert_cmpuint (settings->port, ==, 25);
  g_clear_pointer (&settings, scm_mail_settings_free);

  set (store, "smtp.port", "2525");
  set (store, "smtp.username", "mailer");
  settings = scm_mail_settings_load (store, &error);
  g_assert_null (settings);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "smtp.password"));
  g_clear_error (&error);

  set (store, "smtp.password", "s3cret pass");
  settings = scm_mail_settings_load (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (settings->port, ==, 2525);
  g_assert_cmpstr (settings->username, ==, "mailer");
  g_assert_cmpstr (settings->password, ==, "s3cret pass");
  server = scm_mail_settings_describe_server (settings);
  g_assert_cmpstr (server, ==, "mail.example.org:2525");

  g_free (settings->host);
  settings->host = g_strdup ("::1");
  g_clear_pointer (&server, g_free);
  server = scm_mail_settings_describe_server (settings);
  g_assert_cmpstr (server, ==, "[::1]:2525");

  /* An unset host also stops scm_mail_send() before connecting. */
  g_clear_pointer (&settings->host, g_free);
  g_assert_false (scm_mail_send (settings, RECIPIENT, "Hi", "Hello\n", NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "Mail is not set up"));
}

/* Templates ------------------------------------------------------------ */

static void
test_template_confirmation_code (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr (ScmForm) form = scm_form_new ();
  g_autoptr (ScmForm) bare = scm_form_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmSmtpMessage) message = NULL;
  g_autoptr (GRegex) code_regex = g_regex_new ("^    ([0-9]{8})$", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *body = NULL;
  g_autofree char *received_subject = NULL;
  g_autofree char *text = NULL;
  g_autofree char *code = NULL;

  scm_form_set_name (form, "Wi-Fi für Gäste");
  scm_form_set_help_text (form, "Use your university address.\nAsk the help desk if it fails.");
  scm_form_set_help_link_text (form, "Instructions");
  scm_form_set_help_link_url (form, "https://help.example.org/wifi");
  scm_form_set_contact (form, "helpdesk@example.org");

  scm_mail_template_confirmation_code (form, "12345678", 10, &subject, &body);
  g_assert_nonnull (strstr (subject, "Wi-Fi für Gäste"));
  g_assert_nonnull (strstr (body, "“Wi-Fi für Gäste”"));
  g_assert_nonnull (strstr (body, "\n    12345678\n"));
  g_assert_nonnull (strstr (body, "valid for 10 minutes"));
  g_assert_nonnull (strstr (body, "\nUse your university address.\nAsk the help desk if it fails.\n"));
  g_assert_nonnull (strstr (body, "\nInstructions: https://help.example.org/wifi\n"));
  g_assert_nonnull (strstr (body, "helpdesk@example.org"));
  g_assert_true (g_str_has_suffix (body, "If you did not ask for this, ignore this message.\n"));

  /* As a later enrollment test would: send it, read the code back. */
  g_assert_true (scm_mail_send (fixture->settings, RECIPIENT, subject, body, NULL, &error));
  g_assert_no_error (error);
  message = only_message (fixture);
  received_subject = scm_smtp_message_get_header (message, "Subject");
  g_assert_cmpstr (received_subject, ==, subject);
  text = scm_smtp_message_get_text (message);
  g_assert_cmpstr (text, ==, body);
  g_assert_true (g_regex_match (code_regex, text, 0, &match));
  code = g_match_info_fetch (match, 1);
  g_assert_cmpstr (code, ==, "12345678");

  /* Without help, contact or link, nothing is left half-said. */
  g_clear_pointer (&subject, g_free);
  g_clear_pointer (&body, g_free);
  scm_form_set_name (bare, "Staff");
  scm_mail_template_confirmation_code (bare, "87654321", 1, &subject, &body);
  g_assert_nonnull (strstr (body, "valid for 1 minute "));
  g_assert_null (strstr (body, "http"));
  g_assert_null (strstr (body, "Contact"));
  g_assert_null (strstr (body, "(null)"));
}

static void
test_template_test_message (void)
{
  g_autofree char *subject = NULL;
  g_autofree char *body = NULL;

  scm_mail_template_test ("mail.example.org:587", &subject, &body);
  g_assert_cmpstr (subject, ==, "ScmEnroll test message");
  g_assert_nonnull (strstr (body, "mail.example.org:587"));
}

/* scm-enrollctl mail test ---------------------------------------------- */

/* Runs scm-enrollctl on the fixture's data directory; with @debug, GLib's
 * debug messages are on too, so that nothing it could log escapes the
 * checks. */
static int
run_ctl (Fixture    *fixture,
         gboolean    debug,
         char      **out,
         char      **err,
         const char *first,
         ...) G_GNUC_NULL_TERMINATED;

static int
run_ctl (Fixture    *fixture,
         gboolean    debug,
         char      **out,
         char      **err,
         const char *first,
         ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  va_list args;

  g_ptr_array_add (argv, g_strdup (g_getenv ("SCM_ENROLLCTL")));
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, g_strdup_printf ("--data-dir=%s", fixture->dir));
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (debug)
    g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

/* Neither in clear nor as AUTH LOGIN or AUTH PLAIN would encode it. */
static void
assert_no_password (const char *text,
                    const char *user,
                    const char *password)
{
  g_autofree char *plain = g_strdup_printf ("%c%s%c%s", 0, user, 0, password);
  gsize plain_len = 2 + strlen (user) + strlen (password);
  g_autofree char *login_base64 = g_base64_encode ((const guchar *) password, strlen (password));
  g_autofree char *plain_base64 = g_base64_encode ((const guchar *) plain, plain_len);

  g_assert_null (strstr (text, password));
  g_assert_null (strstr (text, login_base64));
  g_assert_null (strstr (text, plain_base64));
}

static void
ctl_set (Fixture    *fixture,
         const char *key,
         const char *value)
{
  g_autofree char *err = NULL;

  if (run_ctl (fixture, FALSE, NULL, &err, "settings", "set", key, value, NULL) != 0)
    g_error ("settings set %s failed: %s", key, err);
}

static void
test_ctl_mail_test (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *port = g_strdup_printf ("%u", scm_smtp_sink_get_port (fixture->sink));
  g_autofree char *expected = g_strdup_printf ("Sent a test message to %s through 127.0.0.1:%s\n",
                                               RECIPIENT, port);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (ScmSmtpMessage) message = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *text = NULL;
  const char *password = "Tr0ub4dor&3-horse";

  if (g_getenv ("SCM_ENROLLCTL") == NULL)
    {
      g_test_skip ("SCM_ENROLLCTL is not set; run through meson test");
      return;
    }

  scm_smtp_sink_set_credentials (fixture->sink, "mailer", password);
  ctl_set (fixture, "smtp.host", "127.0.0.1");
  ctl_set (fixture, "smtp.port", port);
  ctl_set (fixture, "smtp.security", "none");
  ctl_set (fixture, "smtp.from", SENDER);
  ctl_set (fixture, "smtp.username", "mailer");
  ctl_set (fixture, "smtp.password", password);

  g_assert_cmpint (run_ctl (fixture, FALSE, &out, &err, "mail", "test", "--to", RECIPIENT, NULL), ==, 0);
  g_assert_cmpstr (out, ==, expected);
  g_assert_cmpstr (err, ==, "");

  message = only_message (fixture);
  g_assert_cmpstr (message->from, ==, SENDER);
  g_assert_cmpstr (g_ptr_array_index (message->rcpt, 0), ==, RECIPIENT);
  g_assert_cmpstr (message->auth_user, ==, "mailer");
  subject = scm_smtp_message_get_header (message, "Subject");
  g_assert_cmpstr (subject, ==, "ScmEnroll test message");
  text = scm_smtp_message_get_text (message);
  g_assert_nonnull (strstr (text, "127.0.0.1:"));
}

static void
test_ctl_mail_test_failures (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *port = g_strdup_printf ("%u", scm_smtp_sink_get_port (fixture->sink));
  const char *password = "wrong-Tr0ub4dor&3";
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (g_getenv ("SCM_ENROLLCTL") == NULL)
    {
      g_test_skip ("SCM_ENROLLCTL is not set; run through meson test");
      return;
    }

  /* Nothing set up yet. */
  g_assert_cmpint (run_ctl (fixture, FALSE, &out, &err, "mail", "test", "--to", RECIPIENT, NULL), ==, 1);
  g_assert_cmpstr (err, ==, "scm-enrollctl mail test: Mail is not set up: set smtp.host and smtp.from "
                            "in Preferences or with `scm-enrollctl settings set`\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Usage: --to is required. */
  g_assert_cmpint (run_ctl (fixture, FALSE, &out, &err, "mail", "test", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--to"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  scm_smtp_sink_set_credentials (fixture->sink, "mailer", "the-right-one");
  ctl_set (fixture, "smtp.host", "127.0.0.1");
  ctl_set (fixture, "smtp.port", port);
  ctl_set (fixture, "smtp.security", "none");
  ctl_set (fixture, "smtp.from", SENDER);
  ctl_set (fixture, "smtp.username", "mailer");
  ctl_set (fixture, "smtp.password", password);

  /* A refused login: one clear line, the password nowhere. */
  g_assert_cmpint (run_ctl (fixture, FALSE, &out, &err, "mail", "test", "--to", RECIPIENT, NULL), ==, 1);
  g_assert_true (g_str_has_prefix (err, "scm-enrollctl mail test: The mail server 127.0.0.1:"));
  g_assert_nonnull (strstr (err, "refused the login of “mailer”"));
  g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);
  g_assert_cmpstr (out, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Not even in debug output, neither clear nor as AUTH sends it. */
  g_assert_cmpint (run_ctl (fixture, TRUE, &out, &err, "mail", "test", "--to", RECIPIENT, NULL), ==, 1);
  g_assert_nonnull (strstr (out, "scm-core-DEBUG"));
  assert_no_password (out, "mailer", password);
  assert_no_password (err, "mailer", password);
  assert_sink_got_nothing (fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/mail/compose/headers", test_compose_headers);
  g_test_add_func ("/mail/compose/encodings", test_compose_encodings);
  g_test_add_func ("/mail/compose/refusals", test_compose_refusals);
  ADD ("/mail/send/message", test_send_message, NULL);
  ADD ("/mail/send/long-subject", test_send_long_subject, NULL);
  ADD ("/mail/send/login-plain", test_send_login, "PLAIN");
  ADD ("/mail/send/login-login", test_send_login, "LOGIN");
  ADD ("/mail/send/wrong-login", test_send_wrong_login, NULL);
  ADD ("/mail/send/login-required", test_send_login_required, NULL);
  ADD ("/mail/send/refused-recipient", test_send_refused_recipient, NULL);
  ADD ("/mail/send/closed-port", test_send_closed_port, NULL);
  ADD ("/mail/send/refused-before-connecting", test_send_refused_before_connecting, NULL);
  ADD ("/mail/send/cancelled-before", test_send_cancelled_before, NULL);
  ADD ("/mail/send/async", test_send_async, NULL);
  ADD ("/mail/send/async-cancel", test_send_async_cancel, NULL);
  ADD ("/mail/send/starttls", test_send_tls, GINT_TO_POINTER (SCM_SMTP_SINK_TLS_STARTTLS));
  ADD ("/mail/send/tls", test_send_tls, GINT_TO_POINTER (SCM_SMTP_SINK_TLS_IMPLICIT));
  ADD ("/mail/send/starttls-missing", test_send_starttls_missing, NULL);
  ADD ("/mail/send/untrusted-certificate", test_send_untrusted_certificate, NULL);
  ADD ("/mail/settings/load", test_settings_load, NULL);
  ADD ("/mail/template/confirmation-code", test_template_confirmation_code, NULL);
  g_test_add_func ("/mail/template/test-message", test_template_test_message);
  ADD ("/mail/ctl/test", test_ctl_mail_test, NULL);
  ADD ("/mail/ctl/failures", test_ctl_mail_test_failures, NULL);

  return g_test_run ();
}
