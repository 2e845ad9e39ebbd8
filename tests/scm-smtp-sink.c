/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-test"

#include "config.h"

#include <string.h>

#include "scm-smtp-sink.h"

#define SINK_NAME "sink.test"
#define MAX_SIZE 10485760

struct _ScmSmtpSink
{
  GSocketListener *listener;
  guint16 port;
  GCancellable *cancellable;
  GThread *accept_thread;

  GMutex mutex;                 /* guards everything below */
  GCond changed;
  GPtrArray *messages;          /* ScmSmtpMessage */
  GPtrArray *threads;           /* GThread, one per connection */
  guint connection_count;
  char *user;
  char *password;
  char *mechanisms;
  GPtrArray *refused;           /* char * */
  ScmSmtpSinkTls tls_mode;
  GTlsCertificate *certificate;
};

/* What one connection works with: a snapshot of the sink's settings taken
 * when it was accepted, so tests can change them between connections. */
typedef struct
{
  ScmSmtpSink *sink;
  GSocketConnection *connection;
  GIOStream *stream;            /* the connection, or its TLS wrapper */
  GDataInputStream *input;
  GOutputStream *output;

  char *user;
  char *password;
  char *mechanisms;
  GPtrArray *refused;
  ScmSmtpSinkTls tls_mode;
  GTlsCertificate *certificate;

  gboolean greeted;
  gboolean tls_active;
  char *auth_user;
  ScmSmtpMessage *transaction;  /* between MAIL and the end of DATA */
} Session;

ScmSmtpMessage *
scm_smtp_message_copy (const ScmSmtpMessage *message)
{
  ScmSmtpMessage *copy = g_new0 (ScmSmtpMessage, 1);

  copy->from = g_strdup (message->from);
  copy->rcpt = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < message->rcpt->len; i++)
    g_ptr_array_add (copy->rcpt, g_strdup (g_ptr_array_index (message->rcpt, i)));
  copy->data = g_strdup (message->data);
  copy->auth_user = g_strdup (message->auth_user);
  copy->tls = message->tls;
  return copy;
}

void
scm_smtp_message_free (ScmSmtpMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->from);
  g_clear_pointer (&message->rcpt, g_ptr_array_unref);
  g_free (message->data);
  g_free (message->auth_user);
  g_free (message);
}

/* The conversation ----------------------------------------------------- */

static gboolean
reply (Session    *session,
       const char *format,
       ...) G_GNUC_PRINTF (2, 3);

static gboolean
reply (Session    *session,
       const char *format,
       ...)
{
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  line = g_strconcat (text, "\r\n", NULL);
  return g_output_stream_write_all (session->output, line, strlen (line), NULL,
                                    session->sink->cancellable, NULL);
}

/* One line without its CRLF (a bare LF ends a line too), or NULL when the
 * client is gone or the sink stops. */
static char *
read_line (Session *session)
{
  gsize len = 0;
  char *line = g_data_input_stream_read_line (session->input, &len, session->sink->cancellable, NULL);

  if (line != NULL && len > 0 && line[len - 1] == '\r')
    line[len - 1] = '\0';
  return line;
}

static void
use_stream (Session   *session,
            GIOStream *stream)
{
  g_clear_object (&session->input);
  g_set_object (&session->stream, stream);
  session->input = g_data_input_stream_new (g_io_stream_get_input_stream (stream));
  /* STARTTLS reads through the same socket: dropping this reader must
   * not close it. */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (session->input), FALSE);
  g_data_input_stream_set_newline_type (session->input, G_DATA_STREAM_NEWLINE_TYPE_LF);
  session->output = g_io_stream_get_output_stream (stream);
}

static gboolean
start_tls (Session *session)
{
  g_autoptr (GIOStream) tls = NULL;
  g_autoptr (GError) error = NULL;

  tls = g_tls_server_connection_new (G_IO_STREAM (session->connection), session->certificate, &error);
  if (tls == NULL || !g_tls_connection_handshake (G_TLS_CONNECTION (tls), session->sink->cancellable, &error))
    {
      g_debug ("smtp sink: TLS handshake failed: %s", error->message);
      return FALSE;
    }
  use_stream (session, tls);
  session->tls_active = TRUE;
  return TRUE;
}

/* "FROM:<a@b> SIZE=12" → "a@b"; NULL when malformed. */
static char *
parse_path (const char *argument,
            const char *keyword)
{
  const char *open, *close;

  if (argument == NULL || g_ascii_strncasecmp (argument, keyword, strlen (keyword)) != 0)
    return NULL;
  open = strchr (argument, '<');
  close = open != NULL ? strchr (open, '>') : NULL;
  if (close == NULL)
    return NULL;
  return g_strndup (open + 1, close - open - 1);
}

static gboolean
mechanism_offered (Session    *session,
                   const char *mechanism)
{
  g_auto (GStrv) offered = g_strsplit (session->mechanisms, " ", -1);

  for (guint i = 0; offered[i] != NULL; i++)
    if (g_ascii_strcasecmp (offered[i], mechanism) == 0)
      return TRUE;
  return FALSE;
}

static char *
decode_base64_text (const char *text)
{
  gsize len = 0;
  guchar *bytes;
  char *result;

  if (text == NULL)
    return NULL;
  bytes = g_base64_decode (text, &len);
  result = g_malloc (len + 1);
  memcpy (result, bytes, len);
  result[len] = '\0';
  g_free (bytes);
  return result;
}

/* Reads the client's answer to a 334 challenge; NULL when it cancelled. */
static char *
challenge (Session    *session,
           const char *prompt)
{
  g_autofree char *answer = NULL;

  if (!reply (session, "334 %s", prompt))
    return NULL;
  answer = read_line (session);
  if (answer == NULL || g_str_equal (answer, "*"))
    return NULL;
  return g_steal_pointer (&answer);
}

static gboolean
handle_auth (Session    *session,
             const char *argument)
{
  g_auto (GStrv) words = g_strsplit (argument != NULL ? argument : "", " ", 2);
  g_autofree char *user = NULL;
  g_autofree char *password = NULL;

  if (session->user == NULL)
    return reply (session, "503 5.5.1 AUTH is not available here");
  if (session->auth_user != NULL)
    return reply (session, "503 5.5.1 Already authenticated");
  if (words[0] == NULL || !mechanism_offered (session, words[0]))
    return reply (session, "504 5.5.4 Unrecognized authentication type");

  if (g_ascii_strcasecmp (words[0], "PLAIN") == 0)
    {
      g_autofree char *encoded = words[1] != NULL ? g_strdup (words[1]) : challenge (session, "");
      g_autofree char *decoded = NULL;
      gsize len = 0;
      guchar *raw;

      if (encoded == NULL)
        return reply (session, "501 5.7.0 Authentication cancelled");
      /* authzid NUL authcid NUL passwd */
      raw = g_base64_decode (encoded, &len);
      decoded = g_malloc0 (len + 1);
      memcpy (decoded, raw, len);
      g_free (raw);
      {
        const char *authcid = memchr (decoded, '\0', len);
        const char *passwd = authcid != NULL ? memchr (authcid + 1, '\0', len - (authcid + 1 - decoded)) : NULL;

        if (passwd == NULL)
          return reply (session, "501 5.5.2 Malformed AUTH PLAIN response");
        user = g_strdup (authcid + 1);
        password = g_strndup (passwd + 1, len - (passwd + 1 - decoded));
      }
    }
  else
    {
      g_autofree char *encoded_user = words[1] != NULL ? g_strdup (words[1])
                                                       : challenge (session, "VXNlcm5hbWU6");
      g_autofree char *encoded_password = NULL;

      if (encoded_user == NULL)
        return reply (session, "501 5.7.0 Authentication cancelled");
      encoded_password = challenge (session, "UGFzc3dvcmQ6");
      if (encoded_password == NULL)
        return reply (session, "501 5.7.0 Authentication cancelled");
      user = decode_base64_text (encoded_user);
      password = decode_base64_text (encoded_password);
    }

  if (g_strcmp0 (user, session->user) != 0 || g_strcmp0 (password, session->password) != 0)
    return reply (session, "535 5.7.8 Authentication credentials invalid");
  session->auth_user = g_steal_pointer (&user);
  return reply (session, "235 2.7.0 Authentication successful");
}

static gboolean
handle_ehlo (Session    *session,
             const char *argument)
{
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  session->greeted = TRUE;
  g_clear_pointer (&session->transaction, scm_smtp_message_free);

  g_ptr_array_add (lines, g_strdup_printf (SINK_NAME " greets %s", argument != NULL ? argument : "you"));
  g_ptr_array_add (lines, g_strdup_printf ("SIZE %d", MAX_SIZE));
  g_ptr_array_add (lines, g_strdup ("8BITMIME"));
  if (session->tls_mode == SCM_SMTP_SINK_TLS_STARTTLS && !session->tls_active)
    g_ptr_array_add (lines, g_strdup ("STARTTLS"));
  if (session->user != NULL)
    g_ptr_array_add (lines, g_strdup_printf ("AUTH %s", session->mechanisms));
  g_ptr_array_add (lines, g_strdup ("HELP"));

  for (guint i = 0; i < lines->len; i++)
    if (!reply (session, "250%c%s", i + 1 < lines->len ? '-' : ' ', (char *) g_ptr_array_index (lines, i)))
      return FALSE;
  return TRUE;
}

static gboolean
is_refused (Session    *session,
            const char *address)
{
  for (guint i = 0; i < session->refused->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (session->refused, i), address) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
handle_data (Session *session)
{
  g_autoptr (GString) data = g_string_new (NULL);
  ScmSmtpSink *sink = session->sink;

  if (session->transaction == NULL || session->transaction->rcpt->len == 0)
    return reply (session, "503 5.5.1 Need RCPT TO first");
  if (!reply (session, "354 End data with <CR><LF>.<CR><LF>"))
    return FALSE;

  for (;;)
    {
      gsize len = 0;
      g_autofree char *line = g_data_input_stream_read_line (session->input, &len, sink->cancellable, NULL);
      const char *text = line;

      if (line == NULL)
        return FALSE;
      /* The line as sent, its CR kept, so tests see bare LFs. */
      if (g_str_equal (line, ".\r") || g_str_equal (line, "."))
        break;
      if (text[0] == '.')
        text++;
      g_string_append (data, text);
      g_string_append_c (data, '\n');
    }

  session->transaction->data = g_string_free (g_steal_pointer (&data), FALSE);
  session->transaction->auth_user = g_strdup (session->auth_user);
  session->transaction->tls = session->tls_active;

  g_mutex_lock (&sink->mutex);
  g_ptr_array_add (sink->messages, g_steal_pointer (&session->transaction));
  g_cond_broadcast (&sink->changed);
  g_mutex_unlock (&sink->mutex);

  return reply (session, "250 2.0.0 Ok: queued");
}

/* Answers one command; FALSE ends the connection. */
static gboolean
handle_command (Session    *session,
                const char *line)
{
  g_auto (GStrv) parts = g_strsplit (line, " ", 2);
  const char *verb = parts[0] != NULL ? parts[0] : "";
  const char *argument = parts[0] != NULL ? parts[1] : NULL;

  if (g_ascii_strcasecmp (verb, "EHLO") == 0)
    return handle_ehlo (session, argument);
  if (g_ascii_strcasecmp (verb, "HELO") == 0)
    {
      session->greeted = TRUE;
      return reply (session, "250 " SINK_NAME);
    }
  if (g_ascii_strcasecmp (verb, "NOOP") == 0)
    return reply (session, "250 2.0.0 Ok");
  if (g_ascii_strcasecmp (verb, "RSET") == 0)
    {
      g_clear_pointer (&session->transaction, scm_smtp_message_free);
      return reply (session, "250 2.0.0 Ok");
    }
  if (g_ascii_strcasecmp (verb, "QUIT") == 0)
    {
      reply (session, "221 2.0.0 Bye");
      return FALSE;
    }
  if (g_ascii_strcasecmp (verb, "VRFY") == 0)
    return reply (session, "252 2.0.0 Cannot verify");
  if (!session->greeted)
    return reply (session, "503 5.5.1 Say EHLO first");

  if (g_ascii_strcasecmp (verb, "STARTTLS") == 0)
    {
      if (session->tls_mode != SCM_SMTP_SINK_TLS_STARTTLS || session->tls_active)
        return reply (session, "502 5.5.1 STARTTLS not available");
      if (!reply (session, "220 2.0.0 Ready to start TLS") || !start_tls (session))
        return FALSE;
      /* RFC 3207: everything learnt before is forgotten. */
      session->greeted = FALSE;
      g_clear_pointer (&session->auth_user, g_free);
      g_clear_pointer (&session->transaction, scm_smtp_message_free);
      return TRUE;
    }
  if (g_ascii_strcasecmp (verb, "AUTH") == 0)
    return handle_auth (session, argument);
  if (g_ascii_strcasecmp (verb, "MAIL") == 0)
    {
      g_autofree char *from = parse_path (argument, "FROM:");

      if (from == NULL)
        return reply (session, "501 5.5.4 Syntax: MAIL FROM:<address>");
      if (session->transaction != NULL)
        return reply (session, "503 5.5.1 Nested MAIL command");
      if (session->user != NULL && session->auth_user == NULL)
        return reply (session, "530 5.7.0 Authentication required");
      session->transaction = g_new0 (ScmSmtpMessage, 1);
      session->transaction->from = g_steal_pointer (&from);
      session->transaction->rcpt = g_ptr_array_new_with_free_func (g_free);
      return reply (session, "250 2.1.0 Ok");
    }
  if (g_ascii_strcasecmp (verb, "RCPT") == 0)
    {
      g_autofree char *to = parse_path (argument, "TO:");

      if (to == NULL)
        return reply (session, "501 5.5.4 Syntax: RCPT TO:<address>");
      if (session->transaction == NULL)
        return reply (session, "503 5.5.1 Need MAIL first");
      if (is_refused (session, to))
        return reply (session, "550 5.1.1 <%s>: Recipient address rejected: User unknown", to);
      g_ptr_array_add (session->transaction->rcpt, g_steal_pointer (&to));
      return reply (session, "250 2.1.5 Ok");
    }
  if (g_ascii_strcasecmp (verb, "DATA") == 0)
    return handle_data (session);

  return reply (session, "500 5.5.2 Command not recognized");
}

static void
session_free (Session *session)
{
  g_clear_pointer (&session->transaction, scm_smtp_message_free);
  g_free (session->auth_user);
  g_clear_object (&session->input);
  if (session->stream != NULL)
    g_io_stream_close (session->stream, NULL, NULL);
  g_clear_object (&session->stream);
  g_clear_object (&session->connection);
  g_free (session->user);
  g_free (session->password);
  g_free (session->mechanisms);
  g_ptr_array_unref (session->refused);
  g_clear_object (&session->certificate);
  g_free (session);
}

static gpointer
serve_thread (gpointer data)
{
  Session *session = data;

  use_stream (session, G_IO_STREAM (session->connection));
  if (session->tls_mode == SCM_SMTP_SINK_TLS_IMPLICIT && !start_tls (session))
    {
      session_free (session);
      return NULL;
    }

  if (reply (session, "220 " SINK_NAME " ESMTP scm-smtp-sink"))
    for (;;)
      {
        g_autofree char *line = read_line (session);

        if (line == NULL || !handle_command (session, line))
          break;
      }

  session_free (session);
  return NULL;
}

static gpointer
accept_thread (gpointer data)
{
  ScmSmtpSink *self = data;

  for (;;)
    {
      g_autoptr (GError) error = NULL;
      GSocketConnection *connection;
      Session *session;

      connection = g_socket_listener_accept (self->listener, NULL, self->cancellable, &error);
      if (connection == NULL)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_debug ("smtp sink: accept failed: %s", error->message);
          break;
        }

      session = g_new0 (Session, 1);
      session->sink = self;
      session->connection = connection;

      g_mutex_lock (&self->mutex);
      session->user = g_strdup (self->user);
      session->password = g_strdup (self->password);
      session->mechanisms = g_strdup (self->mechanisms);
      session->refused = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < self->refused->len; i++)
        g_ptr_array_add (session->refused, g_strdup (g_ptr_array_index (self->refused, i)));
      session->tls_mode = self->tls_mode;
      session->certificate = self->certificate != NULL ? g_object_ref (self->certificate) : NULL;
      self->connection_count++;
      g_ptr_array_add (self->threads, g_thread_new ("smtp-sink-session", serve_thread, session));
      g_mutex_unlock (&self->mutex);
    }
  return NULL;
}

/* The sink ------------------------------------------------------------- */

ScmSmtpSink *
scm_smtp_sink_new (void)
{
  ScmSmtpSink *self = g_new0 (ScmSmtpSink, 1);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) effective = NULL;
  g_autoptr (GError) error = NULL;

  g_mutex_init (&self->mutex);
  g_cond_init (&self->changed);
  self->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) scm_smtp_message_free);
  self->threads = g_ptr_array_new ();
  self->refused = g_ptr_array_new_with_free_func (g_free);
  self->mechanisms = g_strdup ("PLAIN LOGIN");
  self->cancellable = g_cancellable_new ();

  self->listener = g_socket_listener_new ();
  g_socket_listener_add_address (self->listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &effective, &error);
  g_assert_no_error (error);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));

  self->accept_thread = g_thread_new ("smtp-sink-accept", accept_thread, self);
  return self;
}

guint16
scm_smtp_sink_get_port (ScmSmtpSink *self)
{
  return self->port;
}

void
scm_smtp_sink_set_credentials (ScmSmtpSink *self,
                               const char  *user,
                               const char  *password)
{
  g_mutex_lock (&self->mutex);
  g_free (self->user);
  g_free (self->password);
  self->user = g_strdup (user);
  self->password = g_strdup (password);
  g_mutex_unlock (&self->mutex);
}

void
scm_smtp_sink_set_auth_mechanisms (ScmSmtpSink *self,
                                   const char  *mechanisms)
{
  g_mutex_lock (&self->mutex);
  g_free (self->mechanisms);
  self->mechanisms = g_strdup (mechanisms);
  g_mutex_unlock (&self->mutex);
}

void
scm_smtp_sink_refuse_recipient (ScmSmtpSink *self,
                                const char  *address)
{
  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->refused, g_strdup (address));
  g_mutex_unlock (&self->mutex);
}

void
scm_smtp_sink_set_tls (ScmSmtpSink     *self,
                       ScmSmtpSinkTls   mode,
                       GTlsCertificate *certificate)
{
  g_assert_true (mode == SCM_SMTP_SINK_TLS_NONE || G_IS_TLS_CERTIFICATE (certificate));

  g_mutex_lock (&self->mutex);
  self->tls_mode = mode;
  g_set_object (&self->certificate, certificate);
  g_mutex_unlock (&self->mutex);
}

gboolean
scm_smtp_sink_wait_for_messages (ScmSmtpSink *self,
                                 guint        n,
                                 guint        timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;
  gboolean reached;

  g_mutex_lock (&self->mutex);
  while (self->messages->len < n)
    if (!g_cond_wait_until (&self->changed, &self->mutex, end))
      break;
  reached = self->messages->len >= n;
  g_mutex_unlock (&self->mutex);
  return reached;
}

GPtrArray *
scm_smtp_sink_get_messages (ScmSmtpSink *self)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) scm_smtp_message_free);

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->messages->len; i++)
    g_ptr_array_add (copy, scm_smtp_message_copy (g_ptr_array_index (self->messages, i)));
  g_mutex_unlock (&self->mutex);
  return copy;
}

guint
scm_smtp_sink_get_connection_count (ScmSmtpSink *self)
{
  guint count;

  g_mutex_lock (&self->mutex);
  count = self->connection_count;
  g_mutex_unlock (&self->mutex);
  return count;
}

void
scm_smtp_sink_free (ScmSmtpSink *self)
{
  if (self == NULL)
    return;

  /* Cancelling wakes the accept and every blocked read. */
  g_cancellable_cancel (self->cancellable);
  g_thread_join (self->accept_thread);
  g_socket_listener_close (self->listener);
  /* No new threads once accept has returned. */
  for (guint i = 0; i < self->threads->len; i++)
    g_thread_join (g_ptr_array_index (self->threads, i));

  g_ptr_array_unref (self->threads);
  g_ptr_array_unref (self->messages);
  g_ptr_array_unref (self->refused);
  g_clear_object (&self->listener);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->certificate);
  g_free (self->user);
  g_free (self->password);
  g_free (self->mechanisms);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->changed);
  g_free (self);
}

/* Reading messages ------------------------------------------------------ */

static gboolean
split_message (const ScmSmtpMessage *message,
               char                **headers,
               const char          **body)
{
  const char *separator = strstr (message->data, "\r\n\r\n");

  if (separator == NULL)
    return FALSE;
  *headers = g_strndup (message->data, separator + 2 - message->data);
  *body = separator + 4;
  return TRUE;
}

static int
hex_value (char c)
{
  return g_ascii_xdigit_value (c);
}

/* Decodes quoted-printable (with @underscore_is_space for RFC 2047's "Q"). */
static GString *
decode_quoted_printable (const char *text,
                         gsize       len,
                         gboolean    underscore_is_space)
{
  GString *out = g_string_sized_new (len);

  for (gsize i = 0; i < len; i++)
    {
      if (text[i] == '=' && i + 2 < len && text[i + 1] == '\r' && text[i + 2] == '\n')
        i += 2;  /* soft line break */
      else if (text[i] == '=' && i + 1 < len && text[i + 1] == '\n')
        i += 1;
      else if (text[i] == '=' && i + 2 < len && hex_value (text[i + 1]) >= 0 && hex_value (text[i + 2]) >= 0)
        {
          g_string_append_c (out, (char) (hex_value (text[i + 1]) * 16 + hex_value (text[i + 2])));
          i += 2;
        }
      else if (underscore_is_space && text[i] == '_')
        g_string_append_c (out, ' ');
      else
        g_string_append_c (out, text[i]);
    }
  return out;
}

static char *
decode_encoded_words (const char *value)
{
  GString *out = g_string_new (NULL);
  const char *p = value;
  gboolean after_word = FALSE;

  while (*p != '\0')
    {
      const char *start = strstr (p, "=?");
      const char *q1, *q2, *end;
      gsize gap;

      if (start == NULL)
        break;
      q1 = strchr (start + 2, '?');
      q2 = q1 != NULL ? strchr (q1 + 1, '?') : NULL;
      end = q2 != NULL ? strstr (q2 + 1, "?=") : NULL;
      if (end == NULL || q2 != q1 + 2)
        break;

      /* Whitespace between two encoded-words is not part of the text. */
      gap = start - p;
      if (!(after_word && strspn (p, " \t") == gap))
        g_string_append_len (out, p, gap);

      if (g_ascii_toupper (q1[1]) == 'B')
        {
          g_autofree char *encoded = g_strndup (q2 + 1, end - q2 - 1);
          gsize len = 0;
          g_autofree guchar *bytes = g_base64_decode (encoded, &len);

          g_string_append_len (out, (const char *) bytes, len);
        }
      else
        {
          g_autoptr (GString) decoded = decode_quoted_printable (q2 + 1, end - q2 - 1, TRUE);

          g_string_append_len (out, decoded->str, decoded->len);
        }
      p = end + 2;
      after_word = TRUE;
    }
  g_string_append (out, p);
  return g_string_free (out, FALSE);
}

char *
scm_smtp_message_get_header (const ScmSmtpMessage *message,
                             const char           *name)
{
  g_autofree char *headers = NULL;
  g_autoptr (GString) unfolded = g_string_new (NULL);
  g_auto (GStrv) lines = NULL;
  const char *body;

  if (!split_message (message, &headers, &body))
    return NULL;

  /* Unfolding (RFC 5322 2.2.3): a CRLF before a space or tab goes away. */
  for (const char *p = headers; *p != '\0'; p++)
    {
      if (p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t'))
        {
          p++;
          continue;
        }
      g_string_append_c (unfolded, *p);
    }

  lines = g_strsplit (unfolded->str, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *colon = strchr (lines[i], ':');

      if (colon != NULL && (gsize) (colon - lines[i]) == strlen (name)
          && g_ascii_strncasecmp (lines[i], name, strlen (name)) == 0)
        {
          const char *value = colon + 1;

          while (*value == ' ' || *value == '\t')
            value++;
          return decode_encoded_words (value);
        }
    }
  return NULL;
}

char *
scm_smtp_message_get_text (const ScmSmtpMessage *message)
{
  g_autofree char *headers = NULL;
  g_autofree char *encoding = NULL;
  g_autoptr (GString) decoded = NULL;
  const char *body;
  GString *text;

  if (!split_message (message, &headers, &body))
    return NULL;

  encoding = scm_smtp_message_get_header (message, "Content-Transfer-Encoding");
  if (encoding != NULL && g_ascii_strcasecmp (encoding, "quoted-printable") == 0)
    decoded = decode_quoted_printable (body, strlen (body), FALSE);
  else if (encoding != NULL && g_ascii_strcasecmp (encoding, "base64") == 0)
    {
      gsize len = 0;
      g_autofree guchar *bytes = g_base64_decode (body, &len);

      decoded = g_string_new_len ((const char *) bytes, len);
    }
  else
    decoded = g_string_new (body);

  text = g_string_sized_new (decoded->len);
  for (gsize i = 0; i < decoded->len; i++)
    if (!(decoded->str[i] == '\r' && i + 1 < decoded->len && decoded->str[i + 1] == '\n'))
      g_string_append_c (text, decoded->str[i]);
  return g_string_free (text, FALSE);
}
