/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-enrollctl"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "scm-authority.h"
#include "scm-bulk-issue.h"
#include "scm-ctl-private.h"
#include "scm-error.h"
#include "scm-expiry-notice.h"
#include "scm-invitation.h"

/* Certificate lifecycle from the command line: bulk issuance, revoking a
 * person's certificates, expiry notices and invitations. */

static char *
format_time (gint64 unix_time)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (unix_time);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M UTC") : g_strdup ("?");
}

/* bulk-issue ----------------------------------------------------------------------------------- */

typedef struct
{
  GMainLoop *loop;
  GCancellable *cancellable;
  ScmBulkIssueSummary *summary;
  GError *error;
  gboolean show_progress;
} BulkRun;

static void
bulk_progress_cb (guint    done,
                  guint    total,
                  guint    issued,
                  gpointer user_data)
{
  BulkRun *run = user_data;

  if (run->show_progress)
    g_printerr (_("\rIssued %u, %u of %u persons done…"), issued, done, total);
}

static void
bulk_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  BulkRun *run = user_data;

  run->summary = scm_bulk_issue_run_finish (result, &run->error);
  g_main_loop_quit (run->loop);
}

static gboolean
bulk_interrupt_cb (gpointer user_data)
{
  BulkRun *run = user_data;

  /* Certificates issued so far stay valid and are listed. */
  g_printerr (_("\nCancelling after the current batch…\n"));
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

static ScmAccount *
find_account (ScmStore   *store,
              const char *form_name,
              const char *name,
              GError    **error)
{
  g_autoptr (GPtrArray) forms = NULL;
  g_autoptr (ScmForm) form = NULL;
  g_autoptr (ScmAccount) found = NULL;

  if (form_name != NULL)
    {
      form = scm_store_find_form_by_name (store, form_name, error);
      if (form == NULL)
        return NULL;
      return scm_store_find_account_by_name (store, scm_form_get_id (form), name, error);
    }

  /* Account names are unique within a form, compared as the store does. */
  forms = scm_store_list_forms (store, error);
  if (forms == NULL)
    return NULL;
  for (guint i = 0; i < forms->len; i++)
    {
      g_autoptr (GError) local_error = NULL;
      g_autoptr (ScmAccount) account =
        scm_store_find_account_by_name (store, scm_form_get_id (g_ptr_array_index (forms, i)), name,
                                        &local_error);

      if (account == NULL)
        {
          if (!g_error_matches (local_error, SCM_ERROR, SCM_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          continue;
        }
      if (found != NULL)
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                       _("Several forms have an account named “%s”; add --form NAME"), name);
          return NULL;
        }
      found = g_steal_pointer (&account);
    }
  if (found == NULL)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                   _("There is no account named “%s”; `scm-enrollctl list accounts` shows them"),
                   name);
      return NULL;
    }
  return g_steal_pointer (&found);
}

static gboolean
parse_protection (const char          *name,
                  ScmPkcs12Protection *out)
{
  if (g_strcmp0 (name, "modern") == 0)
    *out = SCM_PKCS12_AES256_SHA256;
  else if (g_strcmp0 (name, "compatible") == 0)
    *out = SCM_PKCS12_TRIPLEDES_SHA1;
  else
    return scm_pkcs12_protection_from_string (name, out);
  return TRUE;
}

int
scm_ctl_bulk_issue (ScmCtl *ctl,
                    int     argc,
                    char  **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *persons_csv = NULL;
  g_autofree char *account_name = NULL;
  g_autofree char *form_name = NULL;
  g_autofree char *profile_name = NULL;
  g_autofree char *key_type_name = NULL;
  g_autofree char *protection_name = NULL;
  g_autofree char *out = NULL;
  g_autoptr (ScmAccount) account = NULL;
  g_autoptr (ScmProfile) profile = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (GCancellable) cancellable = NULL;
  g_autoptr (ScmBulkIssueSummary) summary = NULL;
  ScmBulkIssueOptions options = { 0 };
  BulkRun run = { 0 };
  ScmAuthority *authority;
  ScmStore *store;
  int term = 0;
  int threads = 0;
  guint sigint_id;
  const GOptionEntry entries[] = {
    { "persons-csv", 0, 0, G_OPTION_ARG_FILENAME, &persons_csv,
      N_("Issue to the persons of this CSV file (its Email column, or one email per line)"), N_("FILE") },
    { "account", 0, 0, G_OPTION_ARG_STRING, &account_name,
      N_("The account to issue under (its form, organization and profiles)"), N_("NAME") },
    { "form", 0, 0, G_OPTION_ARG_STRING, &form_name,
      N_("The form of the account, when several forms have one of that name"), N_("NAME") },
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile_name,
      N_("Certificate profile, one the account offers"), N_("NAME") },
    { "key-type", 0, 0, G_OPTION_ARG_STRING, &key_type_name,
      N_("RSA-2048, RSA-3072, RSA-4096, EC-P256 or EC-P384 (default EC-P256)"), N_("TYPE") },
    { "term", 0, 0, G_OPTION_ARG_INT, &term,
      N_("Validity in days, one the profile offers (default: its shortest)"), N_("DAYS") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      N_("Write the PKCS#12 files and passwords.csv into this folder"), N_("DIR") },
    { "protection", 0, 0, G_OPTION_ARG_STRING, &protection_name,
      N_("modern (AES256-SHA256) or compatible (TripleDES-SHA1, for older systems); default: the account's"), N_("P") },
    { "threads", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT, &threads, NULL, NULL },
    { NULL }
  };

  if (!scm_ctl_parse_options (ctl, _("(--persons-csv FILE | EMAIL…)"),
                              _("Issue certificates with keys made here to many persons: one PKCS#12 "
                                "file per person, each with its own random password, listed in "
                                "passwords.csv in the same folder. Ctrl+C stops after the current "
                                "batch; what was issued stays valid and is listed."),
                              entries, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if ((persons_csv == NULL) == (argc < 2))
    return scm_ctl_usage_error (ctl, _("give either --persons-csv FILE or the persons' emails"));
  if (account_name == NULL)
    return scm_ctl_usage_error (ctl, _("--account is required"));
  if (profile_name == NULL)
    return scm_ctl_usage_error (ctl, _("--profile is required"));
  if (out == NULL)
    return scm_ctl_usage_error (ctl, _("--out is required (a folder)"));
  if (term < 0 || threads < 0)
    return scm_ctl_usage_error (ctl, _("--term must be a positive number of days"));
  options.key_type = SCM_KEY_TYPE_EC_P256;
  if (key_type_name != NULL && !scm_key_type_from_string (key_type_name, &options.key_type))
    return scm_ctl_usage_error (ctl, _("unknown key type “%s”; use RSA-2048, RSA-3072, RSA-4096, EC-P256 or EC-P384"),
                                key_type_name);
  if (protection_name != NULL && !parse_protection (protection_name, &options.protection))
    return scm_ctl_usage_error (ctl, _("unknown protection “%s”; use modern or compatible"),
                                protection_name);

  store = scm_ctl_get_store (ctl, &error);
  if (store == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  account = find_account (store, form_name, account_name, &error);
  if (account == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  profile = scm_store_find_profile_by_name (store, profile_name, &error);
  if (profile == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  if (protection_name == NULL)
    options.protection = scm_account_get_pkcs12_protection (account);

  if (persons_csv != NULL)
    {
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (persons_csv);
      g_autoptr (GFileInputStream) stream = g_file_read (file, NULL, &error);

      if (stream == NULL)
        return scm_ctl_fail (ctl, g_steal_pointer (&error));
      items = scm_bulk_issue_items_from_csv (G_INPUT_STREAM (stream), NULL, &error);
      if (items == NULL)
        {
          g_autoptr (GError) located = g_error_new (SCM_ERROR, SCM_ERROR_INVALID, "%s: %s",
                                                    persons_csv, error->message);
          return scm_ctl_fail (ctl, g_steal_pointer (&located));
        }
    }
  else
    items = scm_bulk_issue_items_from_emails ((const char * const *) argv + 1);

  authority = scm_ctl_get_authority (ctl, &error);
  if (authority == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  options.account = account;
  options.profile = profile;
  options.term_days = (guint) term;
  options.out_dir = out;
  options.n_threads = (guint) threads;

  loop = g_main_loop_new (NULL, FALSE);
  cancellable = g_cancellable_new ();
  run.loop = loop;
  run.cancellable = cancellable;
  run.show_progress = isatty (STDERR_FILENO);
  sigint_id = g_unix_signal_add (SIGINT, bulk_interrupt_cb, &run);
  scm_bulk_issue_run_async (authority, &options, g_steal_pointer (&items), bulk_progress_cb, &run,
                            NULL, cancellable, bulk_done_cb, &run);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  if (run.show_progress)
    g_printerr ("\n");

  summary = run.summary;
  if (summary == NULL)
    return scm_ctl_fail (ctl, run.error);

  /* The report: one line per person, where it came from first. */
  for (guint i = 0; i < summary->items->len; i++)
    {
      ScmBulkIssueItem *item = g_ptr_array_index (summary->items, i);
      const char *where = persons_csv != NULL ? _("line") : _("person");

      if (item->error == NULL)
        g_print ("%s %u: %s: %s (%s)\n", where, item->line, item->email, item->file, item->serial);
      else
        g_print ("%s %u: %s: %s\n", where, item->line, item->email ? item->email : "-",
                 item->error->message);
    }
  g_print (_("Issued %u of %u; passwords in %s\n"), summary->n_issued, summary->items->len,
           summary->passwords_path);

  if (summary->cancelled)
    {
      g_printerr (g_dngettext (GETTEXT_PACKAGE,
                               "scm-enrollctl %s: cancelled; %u person got no certificate (see the lines above)\n",
                               "scm-enrollctl %s: cancelled; %u persons got no certificate (see the lines above)\n",
                               summary->n_failed),
                  ctl->command, summary->n_failed);
      return SCM_CTL_EXIT_FAILURE;
    }
  if (summary->n_failed > 0)
    {
      g_printerr (g_dngettext (GETTEXT_PACKAGE,
                               "scm-enrollctl %s: %u person got no certificate; see the lines above\n",
                               "scm-enrollctl %s: %u persons got no certificate; see the lines above\n",
                               summary->n_failed),
                  ctl->command, summary->n_failed);
      return SCM_CTL_EXIT_FAILURE;
    }
  return SCM_CTL_EXIT_OK;
}

/* revoke --person -------------------------------------------------------------------------------- */

int
scm_ctl_revoke_person (ScmCtl              *ctl,
                       const char          *email,
                       ScmRevocationReason  reason)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmPerson) person = NULL;
  g_autoptr (GPtrArray) revoked = NULL;
  ScmAuthority *authority;

  authority = scm_ctl_get_authority (ctl, &error);
  if (authority == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  person = scm_store_find_person_by_email (scm_authority_get_store (authority), email, &error);
  if (person == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  if (!scm_authority_revoke_person (authority, scm_person_get_id (person), reason, &revoked, &error))
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  for (guint i = 0; i < revoked->len; i++)
    g_print (_("Revoked %s\n"), scm_certificate_get_serial (g_ptr_array_index (revoked, i)));
  if (revoked->len == 0)
    g_print (_("%s has no valid certificate; nothing was revoked\n"), scm_person_get_email (person));
  return SCM_CTL_EXIT_OK;
}

/* notify-expiring ------------------------------------------------------------------------------ */

int
scm_ctl_notify_expiring (ScmCtl *ctl,
                         int     argc,
                         char  **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *now_text = NULL;
  g_autoptr (ScmExpiryNoticeSummary) summary = NULL;
  ScmAuthority *authority;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const GOptionEntry entries[] = {
    { "now", 0, 0, G_OPTION_ARG_STRING, &now_text,
      N_("Act as if it were this time (ISO 8601, such as 2027-01-31T09:00:00Z; UTC without a zone)"), N_("TIME") },
    { NULL }
  };

  if (!scm_ctl_parse_options (ctl, NULL,
                              _("Mail each person whose certificate expires within one of the "
                                "days of notify.expiry-days (once per certificate and threshold), "
                                "and a summary to notify.admin-emails. `serve` does this hourly."),
                              entries, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 1)
    return scm_ctl_usage_error (ctl, _("unexpected argument “%s”"), argv[1]);
  if (now_text != NULL)
    {
      g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
      g_autoptr (GDateTime) time = g_date_time_new_from_iso8601 (now_text, utc);

      if (time == NULL)
        return scm_ctl_usage_error (ctl, _("“%s” is not an ISO 8601 time; write it like 2027-01-31T09:00:00Z"),
                                    now_text);
      now = g_date_time_to_unix (time);
    }

  authority = scm_ctl_get_authority (ctl, &error);
  if (authority == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  summary = scm_expiry_notice_run (authority, NULL, now, NULL, &error);
  if (summary == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  for (guint i = 0; i < summary->notices->len; i++)
    {
      ScmExpiryNotice *notice = g_ptr_array_index (summary->notices, i);
      g_autofree char *until = format_time (notice->not_after);

      if (notice->error == NULL)
        g_print (_("%s: %u-day notice sent (serial %s, expires %s)\n"), notice->email,
                 notice->threshold_days, notice->serial, until);
      else
        g_print (_("%s: %u-day notice not sent (serial %s): %s\n"), notice->email,
                 notice->threshold_days, notice->serial, notice->error->message);
    }
  /* Translators: the counts of sent and failed expiry notices. */
  g_print (_("Expiry notices sent: %u; not sent: %u\n"), summary->n_sent, summary->n_failed);
  if (summary->admin_error != NULL)
    g_printerr (_("scm-enrollctl %s: the summary did not reach every administrator: %s\n"),
                ctl->command, summary->admin_error->message);
  if (summary->n_failed > 0)
    {
      g_printerr (g_dngettext (GETTEXT_PACKAGE,
                               "scm-enrollctl %s: %u notice was not sent and will be tried again at the next run\n",
                               "scm-enrollctl %s: %u notices were not sent and will be tried again at the next run\n",
                               summary->n_failed),
                  ctl->command, summary->n_failed);
      return SCM_CTL_EXIT_FAILURE;
    }
  return summary->admin_error != NULL ? SCM_CTL_EXIT_FAILURE : SCM_CTL_EXIT_OK;
}

/* invite ------------------------------------------------------------------------------------------- */

int
scm_ctl_invite (ScmCtl *ctl,
                int     argc,
                char  **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *form_name = NULL;
  g_autoptr (ScmForm) form = NULL;
  g_autoptr (ScmInvitationSummary) summary = NULL;
  gboolean all_persons = FALSE;
  ScmAuthority *authority;
  const GOptionEntry entries[] = {
    { "form", 0, 0, G_OPTION_ARG_STRING, &form_name,
      N_("The enrollment form whose link is sent"), N_("NAME") },
    { "all-persons", 0, 0, G_OPTION_ARG_NONE, &all_persons,
      N_("Invite every person an account of the form is open to"), NULL },
    { NULL }
  };

  if (!scm_ctl_parse_options (ctl, _("(EMAIL… | --all-persons)"),
                              _("Mail persons the enrollment endpoint URL of a form, with its help "
                                "text."),
                              entries, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (form_name == NULL)
    return scm_ctl_usage_error (ctl, _("--form is required"));
  if (all_persons == (argc > 1))
    return scm_ctl_usage_error (ctl, _("give either the persons' emails or --all-persons"));

  authority = scm_ctl_get_authority (ctl, &error);
  if (authority == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  form = scm_store_find_form_by_name (scm_authority_get_store (authority), form_name, &error);
  if (form == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  summary = scm_invitation_send (authority, form,
                                 all_persons ? NULL : (const char * const *) argv + 1,
                                 NULL, NULL, NULL, NULL, &error);
  if (summary == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  for (guint i = 0; i < summary->invitations->len; i++)
    {
      ScmInvitation *invitation = g_ptr_array_index (summary->invitations, i);

      if (invitation->error == NULL)
        g_print (_("%s: invited\n"), invitation->email);
      else
        g_print (_("%s: not invited: %s\n"), invitation->email, invitation->error->message);
    }
  /* Translators: the count of persons invited. */
  g_print (_("Persons invited: %u\n"), summary->n_sent);
  if (summary->n_out_of_reach > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "%u person was left out: no account of the form is open to them\n",
                          "%u persons were left out: no account of the form is open to them\n",
                          summary->n_out_of_reach),
             summary->n_out_of_reach);
  if (summary->n_failed > 0)
    {
      g_printerr (g_dngettext (GETTEXT_PACKAGE,
                               "scm-enrollctl %s: %u person was not invited; see the lines above\n",
                               "scm-enrollctl %s: %u persons were not invited; see the lines above\n",
                               summary->n_failed),
                  ctl->command, summary->n_failed);
      return SCM_CTL_EXIT_FAILURE;
    }
  return SCM_CTL_EXIT_OK;
}
