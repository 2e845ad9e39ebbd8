/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "scm-error.h"
#include "scm-mail-message.h"
#include "scm-secret.h"
#include "scm-validate.h"

/* Encoded lines stay within RFC 2045's 76 characters, the soft break's "="
 * included. */
#define QP_MAX_LINE 76

/* Header lines should stay within RFC 5322's 78 characters; "Subject: " is 9. */
#define HEADER_FOLD_AT 78
/* Bytes of text per RFC 2047 encoded-word: 42 bytes are 56 base64
 * characters, 68 with "=?UTF-8?B?" and "?=", 77 after "Subject: ". */
#define ENCODED_WORD_BYTES 42

static gboolean
check_one_line (const char *value,
                const char *what,
                GError    **error)
{
  /* A CR or LF would let the value end its header and start another:
   * refused, never cleaned up, so nothing unintended is ever sent. */
  if (value != NULL && strpbrk (value, "\r\n") != NULL)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The %s of the message contains a line break; it must be a single line"),
                   what);
      return FALSE;
    }
  return TRUE;
}

static char *
format_date (GDateTime *date)
{
  /* RFC 5322 names, whatever the locale: not strftime's %a and %b. */
  static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
  static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  gint64 offset = g_date_time_get_utc_offset (date) / G_TIME_SPAN_MINUTE;
  char sign = offset < 0 ? '-' : '+';

  if (offset < 0)
    offset = -offset;
  return g_strdup_printf ("%s, %d %s %d %02d:%02d:%02d %c%02d%02d",
                          days[g_date_time_get_day_of_week (date) - 1],
                          g_date_time_get_day_of_month (date),
                          months[g_date_time_get_month (date) - 1],
                          g_date_time_get_year (date),
                          g_date_time_get_hour (date),
                          g_date_time_get_minute (date),
                          g_date_time_get_second (date),
                          sign, (int) (offset / 60), (int) (offset % 60));
}

static gboolean
is_qp_literal (guchar c)
{
  return c >= 33 && c <= 126 && c != '=';
}

static void
encode_qp_line (GString    *out,
                const char *line,
                gsize       len)
{
  gsize column = 0;
  const char *p = line;
  const char *end = line + len;

  while (p < end)
    {
      /* One character's bytes stay on one encoded line. */
      const char *next = g_utf8_next_char (p);
      char token[16];
      gsize token_len = 0;

      if (next > end)
        next = end;
      for (const char *q = p; q < next; q++)
        {
          guchar c = (guchar) *q;
          gboolean literal = is_qp_literal (c);

          /* Spaces are literal except at the end of a line, where
           * transports may strip them; "From " at the start of a line is
           * mangled by some mailboxes, so its F is encoded. */
          if ((c == ' ' || c == '\t') && q + 1 < end)
            literal = TRUE;
          if (c == 'F' && q == line && len >= 5 && memcmp (line, "From ", 5) == 0)
            literal = FALSE;

          if (literal)
            token[token_len++] = (char) c;
          else
            {
              g_snprintf (token + token_len, 4, "=%02X", c);
              token_len += 3;
            }
        }

      /* Room for the soft break's "=" unless this ends the line. */
      if (column + token_len > (next < end ? QP_MAX_LINE - 1 : QP_MAX_LINE))
        {
          g_string_append (out, "=\r\n");
          column = 0;
        }
      g_string_append_len (out, token, token_len);
      column += token_len;
      p = next;
    }
  g_string_append (out, "\r\n");
}

char *
scm_mail_encode_quoted_printable (const char *text)
{
  GString *out;
  const char *p;

  g_return_val_if_fail (text != NULL, NULL);

  out = g_string_sized_new (strlen (text) + strlen (text) / 8 + 8);
  p = text;
  while (*p != '\0')
    {
      gsize len = strcspn (p, "\r\n");

      encode_qp_line (out, p, len);
      p += len;
      /* CRLF, LF or a lone CR each end one line. */
      if (p[0] == '\r' && p[1] == '\n')
        p += 2;
      else if (*p != '\0')
        p++;
    }
  return g_string_free (out, FALSE);
}

static gboolean
is_plain_header_text (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || (guchar) *p > 0x7e)
      return FALSE;
  /* Literal "=?" could be read back as an encoded-word. */
  return strstr (text, "=?") == NULL;
}

char *
scm_mail_encode_header_text (const char *text)
{
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  out = g_string_new (NULL);
  if (is_plain_header_text (text))
    {
      /* Folded before spaces so that lines stay short; a word longer than
       * a line stays whole (lines may reach 998 characters). */
      gsize column = strlen ("Subject: ");
      const char *p = text;

      while (*p != '\0')
        {
          const char *word_end = strchr (p + 1, ' ');
          gsize word_len = word_end != NULL ? (gsize) (word_end - p) : strlen (p);

          if (p != text && *p == ' ' && column + word_len > HEADER_FOLD_AT)
            {
              g_string_append (out, "\r\n");
              column = 0;
            }
          g_string_append_len (out, p, word_len);
          column += word_len;
          p += word_len;
        }
      return g_string_free (out, FALSE);
    }

  for (const char *p = text; *p != '\0';)
    {
      const char *end = p;
      g_autofree char *base64 = NULL;

      /* Whole characters only: an encoded-word must decode on its own. */
      while (*end != '\0')
        {
          const char *next = g_utf8_next_char (end);
          if (end != p && next - p > ENCODED_WORD_BYTES)
            break;
          end = next;
        }
      base64 = g_base64_encode ((const guchar *) p, end - p);
      if (out->len > 0)
        g_string_append (out, "\r\n ");
      g_string_append_printf (out, "=?UTF-8?B?%s?=", base64);
      p = end;
    }
  return g_string_free (out, FALSE);
}

GBytes *
scm_mail_compose (const char *from,
                  const char *to,
                  const char *subject,
                  const char *body,
                  GDateTime  *date,
                  GError    **error)
{
  g_autofree char *from_address = NULL;
  g_autofree char *to_address = NULL;
  g_autofree char *date_text = NULL;
  g_autofree char *encoded_subject = NULL;
  g_autofree char *encoded_body = NULL;
  g_autofree char *message_id = NULL;
  g_autoptr (GDateTime) now = NULL;
  GString *message;

  g_return_val_if_fail (from != NULL, NULL);
  g_return_val_if_fail (to != NULL, NULL);
  g_return_val_if_fail (subject != NULL, NULL);
  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_one_line (from, _("sender"), error)
      || !check_one_line (to, _("recipient"), error)
      || !check_one_line (subject, _("subject"), error))
    return NULL;
  if (!scm_validate_email (from, &from_address, error)
      || !scm_validate_email (to, &to_address, error))
    return NULL;
  if (!g_utf8_validate (subject, -1, NULL) || !g_utf8_validate (body, -1, NULL))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The subject or text of the message is not valid UTF-8"));
      return NULL;
    }

  if (date == NULL)
    date = now = g_date_time_new_now_local ();
  date_text = format_date (date);
  encoded_subject = scm_mail_encode_header_text (subject);
  encoded_body = scm_mail_encode_quoted_printable (body);
  {
    g_autofree char *random = scm_random_hex (16);
    message_id = g_strdup_printf ("<%s@%s>", random, scm_email_get_domain (from_address));
  }

  message = g_string_sized_new (512 + strlen (encoded_body));
  g_string_append_printf (message, "Date: %s\r\n", date_text);
  g_string_append_printf (message, "From: %s\r\n", from_address);
  g_string_append_printf (message, "To: %s\r\n", to_address);
  g_string_append_printf (message, "Subject: %s\r\n", encoded_subject);
  g_string_append_printf (message, "Message-ID: %s\r\n", message_id);
  g_string_append (message, "MIME-Version: 1.0\r\n");
  g_string_append (message, "Content-Type: text/plain; charset=UTF-8\r\n");
  g_string_append (message, "Content-Transfer-Encoding: quoted-printable\r\n");
  /* RFC 3834: vacation responders do not answer it. */
  g_string_append (message, "Auto-Submitted: auto-generated\r\n");
  g_string_append (message, "\r\n");
  g_string_append (message, encoded_body);
  return g_string_free_to_bytes (message);
}

void
scm_mail_template_confirmation_code (ScmForm    *form,
                                     const char *code,
                                     guint       valid_minutes,
                                     char      **subject,
                                     char      **body)
{
  const char *help_text, *link_text, *link_url, *contact;
  GString *text;

  g_return_if_fail (SCM_IS_FORM (form));
  g_return_if_fail (code != NULL);
  g_return_if_fail (subject != NULL && body != NULL);

  help_text = scm_form_get_help_text (form);
  link_text = scm_form_get_help_link_text (form);
  link_url = scm_form_get_help_link_url (form);
  contact = scm_form_get_contact (form);

  /* Translators: the subject of the mail with a one-time code; %s is the
   * enrollment form's name. */
  *subject = g_strdup_printf (_("Your confirmation code for %s"), scm_form_get_name (form));

  text = g_string_new (NULL);
  g_string_append (text, _("Hello,"));
  g_string_append (text, "\n\n");
  /* Translators: %s is the enrollment form's name. */
  g_string_append_printf (text, _("your confirmation code for “%s” is:"), scm_form_get_name (form));
  g_string_append_printf (text, "\n\n    %s\n\n", code);
  g_string_append_printf (text,
                          /* Translators: %u is a number of minutes. */
                          g_dngettext (GETTEXT_PACKAGE,
                                       "Type it in the enroll window to go on. It is valid for %u minute "
                                       "and can be used once.",
                                       "Type it in the enroll window to go on. It is valid for %u minutes "
                                       "and can be used once.",
                                       valid_minutes),
                          valid_minutes);
  g_string_append (text, "\n");

  if (help_text != NULL && *help_text != '\0')
    g_string_append_printf (text, "\n%s\n", help_text);
  if (link_url != NULL && *link_url != '\0')
    {
      if (link_text != NULL && *link_text != '\0')
        g_string_append_printf (text, "\n%s: %s\n", link_text, link_url);
      else
        g_string_append_printf (text, "\n%s\n", link_url);
    }
  if (contact != NULL && *contact != '\0')
    {
      g_string_append (text, "\n");
      /* Translators: %s says whom to contact (a name, an address…). */
      g_string_append_printf (text, _("Questions? Contact %s."), contact);
      g_string_append (text, "\n");
    }

  g_string_append (text, "\n");
  g_string_append (text, _("If you did not ask for this, ignore this message."));
  g_string_append (text, "\n");

  *body = g_string_free (text, FALSE);
}

void
scm_mail_template_test (const char *server,
                        char      **subject,
                        char      **body)
{
  g_return_if_fail (server != NULL);
  g_return_if_fail (subject != NULL && body != NULL);

  *subject = g_strdup (_("ScmEnroll test message"));
  *body = g_strdup_printf (
    /* Translators: %s is the mail server, HOST:PORT. */
    _("Hello,\n\n"
      "this message was sent by ScmEnroll to check its mail settings. It went "
      "through the mail server %s.\n\n"
      "If you can read it, ScmEnroll can send confirmation codes to the people "
      "who enroll.\n"),
    server);
}

/* The form's help text, help link and contact, as the mails end. */
static void
append_form_help (GString *text,
                  ScmForm *form)
{
  const char *help_text = scm_form_get_help_text (form);
  const char *link_text = scm_form_get_help_link_text (form);
  const char *link_url = scm_form_get_help_link_url (form);
  const char *contact = scm_form_get_contact (form);

  if (help_text != NULL && *help_text != '\0')
    g_string_append_printf (text, "\n%s\n", help_text);
  if (link_url != NULL && *link_url != '\0')
    {
      if (link_text != NULL && *link_text != '\0')
        g_string_append_printf (text, "\n%s: %s\n", link_text, link_url);
      else
        g_string_append_printf (text, "\n%s\n", link_url);
    }
  if (contact != NULL && *contact != '\0')
    {
      g_string_append (text, "\n");
      /* Translators: %s says whom to contact (a name, an address…). */
      g_string_append_printf (text, _("Questions? Contact %s."), contact);
      g_string_append (text, "\n");
    }
}

void
scm_mail_template_expiry_notice (const char *email,
                                 const char *serial,
                                 const char *profile_name,
                                 gint64      not_after,
                                 guint       days_left,
                                 const char *renewal_url,
                                 ScmForm    *form,
                                 char      **subject,
                                 char      **body)
{
  g_autoptr(GDateTime) until = g_date_time_new_from_unix_utc (not_after);
  g_autofree char *date = until != NULL ? g_date_time_format (until, "%Y-%m-%d %H:%M UTC")
                                        : g_strdup ("?");
  GString *text;

  g_return_if_fail (email != NULL && serial != NULL);
  g_return_if_fail (subject != NULL && body != NULL);
  g_return_if_fail (form == NULL || SCM_IS_FORM (form));

  *subject = g_strdup_printf (
    /* Translators: the subject of the expiry reminder; %u is a number of days. */
    g_dngettext (GETTEXT_PACKAGE, "Your certificate expires in %u day",
                 "Your certificate expires in %u days", days_left),
    days_left);

  text = g_string_new (NULL);
  g_string_append (text, _("Hello,"));
  g_string_append (text, "\n\n");
  /* Translators: %s are the certificate profile, the email address, the
   * serial number and the expiry date and time. */
  g_string_append_printf (text, _("your certificate “%s” for %s (serial number %s) expires on %s."),
                          profile_name != NULL ? profile_name : "", email, serial, date);
  g_string_append (text, "\n\n");
  if (renewal_url != NULL)
    {
      g_string_append (text, _("To keep using it, get a new certificate before then: open this "
                               "link with ScmEnroll (Enroll a Certificate) and sign in as before:"));
      g_string_append_printf (text, "\n\n    %s\n", renewal_url);
    }
  else
    {
      g_string_append (text, _("To keep using it, ask your administrator for a new certificate "
                               "before then."));
      g_string_append (text, "\n");
    }
  if (form != NULL)
    append_form_help (text, form);
  g_string_append (text, "\n");
  g_string_append (text, _("Once you have the new certificate, import it where you used this one "
                           "(browser, mail, VPN or Wi-Fi)."));
  g_string_append (text, "\n");

  *body = g_string_free (text, FALSE);
}

void
scm_mail_template_expiry_summary (const char *listing,
                                  guint       n_sent,
                                  guint       n_failed,
                                  char      **subject,
                                  char      **body)
{
  GString *text;

  g_return_if_fail (listing != NULL);
  g_return_if_fail (subject != NULL && body != NULL);

  *subject = g_strdup_printf (
    /* Translators: the subject of the administrators' summary; %u is a number. */
    g_dngettext (GETTEXT_PACKAGE, "ScmEnroll: %u certificate expiry notice",
                 "ScmEnroll: %u certificate expiry notices", n_sent + n_failed),
    n_sent + n_failed);

  text = g_string_new (NULL);
  g_string_append (text, _("Hello,"));
  g_string_append (text, "\n\n");
  g_string_append_printf (text,
                          /* Translators: %u is a number of reminders. */
                          g_dngettext (GETTEXT_PACKAGE,
                                       "ScmEnroll reminded %u person that a certificate expires soon.",
                                       "ScmEnroll reminded %u persons that a certificate expires soon.",
                                       n_sent),
                          n_sent);
  if (n_failed > 0)
    {
      g_string_append (text, " ");
      g_string_append_printf (text,
                              /* Translators: %u is a number of reminders. */
                              g_dngettext (GETTEXT_PACKAGE,
                                           "%u reminder could not be sent and will be tried again.",
                                           "%u reminders could not be sent and will be tried again.",
                                           n_failed),
                              n_failed);
    }
  g_string_append (text, "\n\n");
  g_string_append (text, listing);
  if (!g_str_has_suffix (listing, "\n"))
    g_string_append (text, "\n");

  *body = g_string_free (text, FALSE);
}

void
scm_mail_template_invitation (ScmForm    *form,
                              const char *url,
                              char      **subject,
                              char      **body)
{
  GString *text;

  g_return_if_fail (SCM_IS_FORM (form));
  g_return_if_fail (url != NULL);
  g_return_if_fail (subject != NULL && body != NULL);

  /* Translators: the subject of an invitation; %s is the enrollment form's name. */
  *subject = g_strdup_printf (_("Get your certificate: %s"), scm_form_get_name (form));

  text = g_string_new (NULL);
  g_string_append (text, _("Hello,"));
  g_string_append (text, "\n\n");
  /* Translators: %s is the enrollment form's name. */
  g_string_append_printf (text, _("you are invited to get a certificate through “%s”. Open this "
                                  "link with ScmEnroll (Enroll a Certificate):"),
                          scm_form_get_name (form));
  g_string_append_printf (text, "\n\n    %s\n\n", url);
  g_string_append (text, _("Paste the whole link, including the part after “#”: it lets ScmEnroll "
                           "check that it talks to the right server."));
  g_string_append (text, "\n");
  append_form_help (text, form);

  *body = g_string_free (text, FALSE);
}
