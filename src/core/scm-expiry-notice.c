/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "scm-authority.h"
#include "scm-error.h"
#include "scm-expiry-notice.h"
#include "scm-mail-message.h"
#include "scm-validate.h"

/* Crash safety. SMTP cannot make "record" and "send" one atomic step, so
 * a notice is
 *   1. claimed: a row (certificate, threshold, "sending", this process)
 *      committed before connecting to the mail server;
 *   2. sent;
 *   3. marked "sent" once the server accepted it, or its claim dropped
 *      when it refused, so that the next run tries again.
 * A claim whose process is still running is left alone, so two runs at
 * once (the hourly one in `serve` and a command) never both send it. A
 * claim left by a process that stopped is taken over and the notice sent:
 * we choose to send a reminder twice rather than never, and only a crash
 * between the server's acceptance and step 3 — a few milliseconds — can
 * cause that; a crash anywhere else neither repeats nor skips one.
 *
 * Thresholds: at each run a certificate gets the notice of the smallest
 * threshold it has crossed, if not sent already. Larger ones it crossed
 * while no run happened (a server that was down) are not sent late: the
 * person gets one reminder with the true number of days left. */

#define MAX_NOTICE_DAYS 825
/* Consecutive failures after which the mail server is taken to be down
 * for this run, rather than waiting for each remaining notice to time out. */
#define MAX_CONSECUTIVE_FAILURES 3

GArray *
scm_expiry_notice_parse_days (const char *text,
                              GError    **error)
{
  g_autoptr(GArray) days = g_array_new (FALSE, FALSE, sizeof (guint));
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = g_strstrip (parts[i]);
      guint64 value = 0;
      gboolean seen = FALSE;

      if (*part == '\0' && parts[1] == NULL)
        break;
      if (!g_ascii_string_to_unsigned (part, 10, 1, MAX_NOTICE_DAYS, &value, NULL))
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                       _("“%s” is not a number of days from 1 to %d; write the days before "
                         "expiry separated by commas, such as 30,7,1"), part, MAX_NOTICE_DAYS);
          return NULL;
        }
      for (guint j = 0; j < days->len; j++)
        seen |= g_array_index (days, guint, j) == value;
      if (!seen)
        {
          guint day = (guint) value;
          guint at = 0;

          /* Largest first. */
          while (at < days->len && g_array_index (days, guint, at) > day)
            at++;
          g_array_insert_val (days, at, day);
        }
    }
  return g_steal_pointer (&days);
}

GStrv
scm_expiry_notice_parse_emails (const char *text,
                                GError    **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  parts = g_strsplit_set (text, ", ", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *email = NULL;

      if (*parts[i] == '\0')
        continue;
      if (!scm_validate_email (parts[i], &email, error))
        return NULL;
      g_strv_builder_add (builder, email);
    }
  return g_strv_builder_end (builder);
}

static void
notice_free (ScmExpiryNotice *notice)
{
  g_free (notice->email);
  g_free (notice->serial);
  g_clear_error (&notice->error);
  g_free (notice);
}

void
scm_expiry_notice_summary_free (ScmExpiryNoticeSummary *summary)
{
  if (summary == NULL)
    return;
  g_clear_pointer (&summary->notices, g_ptr_array_unref);
  g_clear_error (&summary->admin_error);
  g_free (summary);
}

/* The smallest threshold (@days is largest first) that @seconds_left has
 * crossed, or 0. */
static guint
crossed_threshold (GArray *days,
                   gint64  seconds_left)
{
  guint crossed = 0;

  for (guint i = 0; i < days->len; i++)
    if (seconds_left <= (gint64) g_array_index (days, guint, i) * 24 * 60 * 60)
      crossed = g_array_index (days, guint, i);
  return crossed;
}

static char *
renewal_url_for (ScmAuthority   *authority,
                 ScmCertificate *certificate,
                 ScmForm       **out_form)
{
  ScmStore *store = scm_authority_get_store (authority);

  *out_form = NULL;
  if (scm_certificate_get_form_id (certificate) == 0)
    return NULL;
  *out_form = scm_store_get_form (store, scm_certificate_get_form_id (certificate), NULL);
  /* A disabled form's link would not work: send the administrator's way. */
  if (*out_form == NULL || !scm_form_get_enabled (*out_form))
    {
      g_clear_object (out_form);
      return NULL;
    }
  return scm_authority_dup_enrollment_url (authority, scm_form_get_uri_extension (*out_form));
}

static void
send_notice (ScmAuthority          *authority,
             const ScmMailSettings *mail,
             ScmCertificate        *certificate,
             ScmExpiryNotice       *notice,
             gint64                 now,
             GCancellable          *cancellable)
{
  g_autoptr(ScmForm) form = NULL;
  g_autofree char *url = renewal_url_for (authority, certificate, &form);
  g_autofree char *subject = NULL;
  g_autofree char *body = NULL;
  guint days_left = (guint) ((notice->not_after - now + 24 * 60 * 60 - 1) / (24 * 60 * 60));

  scm_mail_template_expiry_notice (notice->email, notice->serial,
                                   scm_certificate_get_profile_name (certificate),
                                   notice->not_after, MAX (days_left, 1), url, form,
                                   &subject, &body);
  scm_mail_send (mail, notice->email, subject, body, cancellable, &notice->error);
}

static void
send_summary (ScmStore               *store,
              const ScmMailSettings  *mail,
              ScmExpiryNoticeSummary *summary,
              GCancellable           *cancellable)
{
  g_autofree char *admins_text = scm_store_get_setting (store, "notify.admin-emails");
  g_auto(GStrv) admins = NULL;
  g_autoptr(GString) listing = g_string_new (NULL);
  g_autofree char *subject = NULL;
  g_autofree char *body = NULL;

  if (admins_text == NULL || summary->notices->len == 0)
    return;
  admins = scm_expiry_notice_parse_emails (admins_text, &summary->admin_error);
  if (admins == NULL)
    return;

  for (guint i = 0; i < summary->notices->len; i++)
    {
      ScmExpiryNotice *notice = g_ptr_array_index (summary->notices, i);
      g_autoptr(GDateTime) until = g_date_time_new_from_unix_utc (notice->not_after);
      g_autofree char *date = g_date_time_format (until, "%Y-%m-%d %H:%M UTC");

      /* Translators: one line of the administrators' summary: the email,
       * the serial number, the expiry date, the threshold in days, and
       * "sent" or why not. */
      g_string_append_printf (listing, _("%s, serial %s, expires %s (%u-day notice): %s\n"),
                              notice->email, notice->serial, date, notice->threshold_days,
                              notice->error == NULL ? _("sent") : notice->error->message);
    }
  scm_mail_template_expiry_summary (listing->str, summary->n_sent, summary->n_failed,
                                    &subject, &body);
  for (guint i = 0; admins[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      if (scm_mail_send (mail, admins[i], subject, body, cancellable, &error))
        summary->n_admin_sent++;
      else if (summary->admin_error == NULL)
        summary->admin_error = g_steal_pointer (&error);
    }
}

ScmExpiryNoticeSummary *
scm_expiry_notice_run (ScmAuthority          *authority,
                       const ScmMailSettings *mail,
                       gint64                 now,
                       GCancellable          *cancellable,
                       GError               **error)
{
  ScmStore *store;
  g_autoptr(ScmMailSettings) loaded = NULL;
  g_autoptr(ScmExpiryNoticeSummary) summary = NULL;
  g_autofree char *days_text = NULL;
  g_autofree char *owner = scm_authority_process_owner ();
  g_autoptr(GArray) days = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  guint consecutive_failures = 0;

  g_return_val_if_fail (SCM_IS_AUTHORITY (authority), NULL);

  store = scm_authority_get_store (authority);
  summary = g_new0 (ScmExpiryNoticeSummary, 1);
  summary->notices = g_ptr_array_new_with_free_func ((GDestroyNotify) notice_free);

  days_text = scm_store_get_setting (store, "notify.expiry-days");
  days = scm_expiry_notice_parse_days (days_text != NULL ? days_text : "", error);
  if (days == NULL)
    return NULL;
  if (days->len == 0)
    return g_steal_pointer (&summary);

  if (mail == NULL)
    {
      mail = loaded = scm_mail_settings_load (store, error);
      if (mail == NULL)
        return NULL;
    }

  certificates = scm_store_list_expiring_certificates (store, now,
                                                       now + (gint64) g_array_index (days, guint, 0)
                                                             * 24 * 60 * 60,
                                                       error);
  if (certificates == NULL)
    return NULL;

  for (guint i = 0; i < certificates->len; i++)
    {
      ScmCertificate *certificate = g_ptr_array_index (certificates, i);
      gint64 not_after = scm_certificate_get_not_after (certificate);
      guint threshold = crossed_threshold (days, not_after - now);
      g_autofree char *message = NULL;
      ScmExpiryNotice *notice;
      gboolean claimed = FALSE;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (threshold == 0
          || scm_store_expiry_notice_sent (store, scm_certificate_get_id (certificate), threshold))
        continue;
      if (!scm_store_claim_expiry_notice (store, scm_certificate_get_id (certificate), threshold,
                                          owner, now, scm_authority_process_is_alive, &claimed,
                                          error))
        return NULL;
      if (!claimed)
        continue;

      notice = g_new0 (ScmExpiryNotice, 1);
      notice->email = g_strdup (scm_certificate_get_person_email (certificate));
      notice->serial = g_strdup (scm_certificate_get_serial (certificate));
      notice->not_after = not_after;
      notice->threshold_days = threshold;
      g_ptr_array_add (summary->notices, notice);

      if (consecutive_failures >= MAX_CONSECUTIVE_FAILURES)
        g_set_error (&notice->error, SCM_ERROR, SCM_ERROR_FAILED,
                     _("Not tried: the mail server failed %d times in a row"),
                     MAX_CONSECUTIVE_FAILURES);
      else
        send_notice (authority, mail, certificate, notice, now, cancellable);

      if (notice->error == NULL)
        {
          summary->n_sent++;
          consecutive_failures = 0;
          message = g_strdup_printf ("Expiry notice (%u days) sent to %s", threshold,
                                     notice->email);
        }
      else
        {
          summary->n_failed++;
          consecutive_failures++;
          message = g_strdup_printf ("Expiry notice (%u days) to %s not sent: %s", threshold,
                                     notice->email, notice->error->message);
        }
      if (!scm_store_complete_expiry_notice (store, scm_certificate_get_id (certificate), threshold,
                                             notice->error == NULL, notice->serial, message, now,
                                             error))
        return NULL;
    }

  send_summary (store, mail, summary, cancellable);
  return g_steal_pointer (&summary);
}
