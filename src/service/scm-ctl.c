/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-enrollctl"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <openssl/crypto.h>

#include "scm-authority.h"
#include "scm-ctl-private.h"
#include "scm-error.h"
#include "scm-store.h"

typedef struct
{
  const char *group;   /* "org", or NULL for one-word commands */
  const char *name;
  ScmCtlCommandFunc func;
  const char *summary;
} Command;

static const Command commands[] = {
  { "org", "add", scm_ctl_org_add, N_("Add an organization") },
  { "dept", "add", scm_ctl_dept_add, N_("Add a department to an organization") },
  { "domain", "add", scm_ctl_domain_add, N_("Delegate a domain to an organization or department") },
  { "domain", "validate", scm_ctl_domain_validate, N_("Mark a delegated domain as validated") },
  { "form", "add", scm_ctl_form_add, N_("Create an enrollment form and print its endpoint URL") },
  { "account", "add", scm_ctl_account_add, N_("Add an account to an enrollment form") },
  { "person", "add", scm_ctl_person_add, N_("Register a person") },
  { "person", "validate", scm_ctl_person_validate, N_("Record a sponsor's validation of a person") },
  { NULL, "import-persons", scm_ctl_import_persons, N_("Import persons from a CSV file") },
  { NULL, "export-persons", scm_ctl_export_persons, N_("Export the persons to a CSV file") },
  { NULL, "list", scm_ctl_list, N_("List forms, accounts, persons, certificates, …") },
  { NULL, "issue", scm_ctl_issue, N_("Issue a certificate to a person as a PKCS#12 file") },
  { NULL, "bulk-issue", scm_ctl_bulk_issue, N_("Issue certificates to many persons as PKCS#12 files") },
  { NULL, "revoke", scm_ctl_revoke, N_("Revoke a certificate, or all of a person's") },
  { NULL, "notify-expiring", scm_ctl_notify_expiring, N_("Mail the expiry notices that are due") },
  { NULL, "invite", scm_ctl_invite, N_("Mail persons a form's enrollment endpoint URL") },
  { NULL, "crl", scm_ctl_crl, N_("Write the current CRL") },
  { "settings", "set", scm_ctl_settings_set, N_("Change a setting") },
  { "settings", "get", scm_ctl_settings_get, N_("Show a setting") },
  { NULL, "backup", scm_ctl_backup, N_("Write a consistent copy of the database") },
  { NULL, "verify", scm_ctl_verify, N_("Check the database's integrity and the audit chain") },
  { "ca", "show", scm_ctl_ca_show, N_("Show the certificate authority") },
  { "ca", "export", scm_ctl_ca_export, N_("Write the CA certificate chain (PEM)") },
  { "ca", "import", scm_ctl_ca_import, N_("Replace the issuing CA by an existing one (PEM or PKCS#12)") },
  { "ca", "set-passphrase", scm_ctl_ca_set_passphrase, N_("Protect the CA keys with a passphrase you type") },
  { "mail", "test", scm_ctl_mail_test, N_("Send a test message with the mail settings") },
  { NULL, "serve", scm_ctl_serve, N_("Run the enrollment endpoint") },
  { NULL, "enroll", scm_ctl_enroll, N_("Get a certificate from an enrollment link as a PKCS#12 file") },
};

static void
print_help (void)
{
  g_print ("%s\n\n", _("Usage: scm-enrollctl COMMAND [OPTIONS…] [ARGUMENTS…]"));
  g_print ("%s\n\n", _("Administer ScmEnroll: its database, certificate authority and enrollment forms."));
  g_print ("%s\n", _("Commands:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *name = commands[i].group
        ? g_strdup_printf ("%s %s", commands[i].group, commands[i].name)
        : g_strdup (commands[i].name);
      g_print ("  %-20s %s\n", name, _(commands[i].summary));
    }
  g_print ("\n%s\n", _("Every command takes --data-dir DIR (default: $SCM_ENROLL_DATA_DIR or "
                       "~/.local/share/scm-enroll) and --help."));
}

static const Command *
find_command (int    argc,
              char **argv,
              int   *consumed)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (commands[i].group == NULL)
        {
          if (argc >= 2 && g_str_equal (argv[1], commands[i].name))
            {
              *consumed = 1;
              return &commands[i];
            }
        }
      else if (argc >= 3 && g_str_equal (argv[1], commands[i].group)
               && g_str_equal (argv[2], commands[i].name))
        {
          *consumed = 2;
          return &commands[i];
        }
    }
  return NULL;
}

static gboolean
is_known_group (const char *word)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (commands[i].group != NULL && g_str_equal (commands[i].group, word))
      return TRUE;
  return FALSE;
}

int
scm_ctl_usage_error (ScmCtl     *ctl,
                     const char *format,
                     ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("scm-enrollctl %s: %s\n", ctl->command, message);
  g_printerr (_("Try “scm-enrollctl %s --help”.\n"), ctl->command);
  return SCM_CTL_EXIT_USAGE;
}

int
scm_ctl_fail (ScmCtl *ctl,
              GError *error)
{
  /* One clear line: the error messages of the core are written for people. */
  g_printerr ("scm-enrollctl %s: %s\n", ctl->command,
              error != NULL ? error->message : _("failed"));
  g_clear_error (&error);
  return SCM_CTL_EXIT_FAILURE;
}

gboolean
scm_ctl_parse_options (ScmCtl             *ctl,
                       const char         *parameter_string,
                       const char         *summary,
                       const GOptionEntry *entries,
                       int                *argc,
                       char             ***argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *passphrase_file = NULL;
  const GOptionEntry common_entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir,
      N_("Use DIR for the database, the CA and the keys"), N_("DIR") },
    { "ca-passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &passphrase_file,
      N_("Read the CA passphrase from FILE (when the CA is protected by a typed passphrase)"), N_("FILE") },
    { NULL }
  };

  context = g_option_context_new (parameter_string);
  g_option_context_set_summary (context, summary);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, common_entries, GETTEXT_PACKAGE);

  /* parse_strv frees what it removes: argv is the command's own GStrv. */
  if (!g_option_context_parse_strv (context, argv, &error))
    {
      scm_ctl_usage_error (ctl, "%s", error->message);
      return FALSE;
    }
  *argc = (int) g_strv_length (*argv);

  if (data_dir != NULL)
    {
      g_free (ctl->data_dir);
      ctl->data_dir = g_canonicalize_filename (data_dir, NULL);
    }
  if (passphrase_file != NULL)
    {
      g_free (ctl->ca_passphrase_file);
      ctl->ca_passphrase_file = g_steal_pointer (&passphrase_file);
    }
  return TRUE;
}

ScmStore *
scm_ctl_get_store (ScmCtl  *ctl,
                   GError **error)
{
  if (ctl->store == NULL)
    {
      if (ctl->data_dir == NULL)
        ctl->data_dir = scm_store_default_data_dir ();
      ctl->store = scm_store_open (ctl->data_dir, error);
      if (ctl->store != NULL)
        {
          g_autofree char *actor = g_strdup_printf ("cli:%s", g_get_user_name ());
          g_autoptr (GError) reconcile_error = NULL;

          g_object_set (ctl->store, "actor", actor, NULL);
          /* Issuances a killed process left pending are resolved first, so
           * lists and checks never show them as in progress. */
          scm_authority_reconcile (ctl->store, &reconcile_error);
          if (reconcile_error != NULL)
            g_printerr ("scm-enrollctl: %s\n", reconcile_error->message);
        }
    }
  return ctl->store;
}

static char *
find_passphrase_file (ScmCtl *ctl)
{
  const char *env = g_getenv ("SCM_ENROLL_CA_PASSPHRASE_FILE");
  const char *credentials = g_getenv ("CREDENTIALS_DIRECTORY");

  if (ctl->ca_passphrase_file != NULL)
    return g_strdup (ctl->ca_passphrase_file);
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  /* systemd's LoadCredential=ca-passphrase:… for `scm-enrollctl serve`. */
  if (credentials != NULL)
    {
      g_autofree char *path = g_build_filename (credentials, "ca-passphrase", NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  return NULL;
}

ScmAuthority *
scm_ctl_get_authority (ScmCtl  *ctl,
                       GError **error)
{
  ScmStore *store;
  char *passphrase = NULL;

  if (ctl->authority != NULL)
    return ctl->authority;

  store = scm_ctl_get_store (ctl, error);
  if (store == NULL)
    return NULL;

  if (scm_authority_needs_passphrase (store))
    {
      g_autofree char *path = find_passphrase_file (ctl);

      if (path == NULL && !isatty (STDIN_FILENO))
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE,
                       _("The CA keys are protected by a passphrase; give it with "
                         "--ca-passphrase-file FILE or SCM_ENROLL_CA_PASSPHRASE_FILE"));
          return NULL;
        }
      passphrase = scm_ctl_read_secret (path, _("CA passphrase: "), error);
      if (passphrase == NULL)
        return NULL;
    }

  ctl->authority = scm_authority_open (store, passphrase, error);
  if (passphrase != NULL)
    {
      OPENSSL_cleanse (passphrase, strlen (passphrase));
      g_free (passphrase);
    }
  return ctl->authority;
}

static char *
read_terminal_line (const char *prompt,
                    GError    **error)
{
  struct termios saved, quiet;
  char buffer[1024];
  gboolean restore = FALSE;
  char *line;

  g_printerr ("%s", prompt);
  if (tcgetattr (STDIN_FILENO, &saved) == 0)
    {
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      restore = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
  line = fgets (buffer, sizeof buffer, stdin);
  if (restore)
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
  g_printerr ("\n");

  if (line == NULL)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID, _("No input was given"));
      return NULL;
    }
  buffer[strcspn (buffer, "\r\n")] = '\0';
  line = g_strdup (buffer);
  OPENSSL_cleanse (buffer, sizeof buffer);
  return line;
}

char *
scm_ctl_read_secret (const char *path,
                     const char *prompt,
                     GError    **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  char *secret;

  if (path == NULL || g_str_equal (path, "-"))
    {
      if (path == NULL && isatty (STDIN_FILENO))
        return read_terminal_line (prompt, error);
      if (path == NULL)
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                       _("No secret was given and standard input is not a terminal"));
          return NULL;
        }
      {
        char buffer[1024];
        if (fgets (buffer, sizeof buffer, stdin) == NULL)
          {
            g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID, _("Standard input is empty"));
            return NULL;
          }
        buffer[strcspn (buffer, "\r\n")] = '\0';
        secret = g_strdup (buffer);
        OPENSSL_cleanse (buffer, sizeof buffer);
        return secret;
      }
    }

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;
  /* The first line, so files written by `echo` work. */
  secret = g_strndup (contents, strcspn (contents, "\r\n"));
  OPENSSL_cleanse (contents, len);
  if (*secret == '\0')
    {
      g_free (secret);
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID, _("The file %s is empty"), path);
      return NULL;
    }
  return secret;
}

gboolean
scm_ctl_write_new_file (const char *path,
                        GBytes     *data,
                        GError    **error)
{
  g_autoptr (GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr (GFileOutputStream) stream = NULL;
  g_autoptr (GError) local_error = NULL;

  /* Created in one step (O_EXCL, mode 0600), so a file that appears
   * meanwhile is never replaced. */
  stream = g_file_create (file, G_FILE_CREATE_PRIVATE, NULL, &local_error);
  if (stream == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                     _("%s already exists; choose another file name or remove it first"), path);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!g_output_stream_write_all (G_OUTPUT_STREAM (stream), g_bytes_get_data (data, NULL),
                                  g_bytes_get_size (data), NULL, NULL, &local_error)
      || !g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &local_error))
    {
      /* Not a half-written PKCS#12 left behind. */
      g_file_delete (file, NULL, NULL);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

int
scm_ctl_run (int    argc,
             char **argv)
{
  ScmCtl ctl = { 0 };
  g_autoptr (GPtrArray) leading = NULL;
  g_autoptr (GPtrArray) rest = NULL;
  const Command *command;
  g_autofree char *command_name = NULL;
  int consumed = 0;
  int status;

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")
      || g_str_equal (argv[1], "help"))
    {
      print_help ();
      return argc < 2 ? SCM_CTL_EXIT_USAGE : SCM_CTL_EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("scm-enrollctl %s\n", PACKAGE_VERSION);
      return SCM_CTL_EXIT_OK;
    }

  /* Common options may come before the command too:
   * "scm-enrollctl --data-dir D org add X" moves them after it. */
  leading = g_ptr_array_new ();
  rest = g_ptr_array_new ();
  g_ptr_array_add (rest, argv[0]);
  for (int i = 1; i < argc; i++)
    {
      gboolean takes_value = g_str_equal (argv[i], "--data-dir") || g_str_equal (argv[i], "--ca-passphrase-file");

      if (rest->len == 1 && (takes_value || g_str_has_prefix (argv[i], "--data-dir=")
                             || g_str_has_prefix (argv[i], "--ca-passphrase-file=")))
        {
          g_ptr_array_add (leading, argv[i]);
          if (takes_value && i + 1 < argc)
            g_ptr_array_add (leading, argv[++i]);
          continue;
        }
      g_ptr_array_add (rest, argv[i]);
    }
  for (guint i = 0; i < leading->len; i++)
    g_ptr_array_add (rest, g_ptr_array_index (leading, i));
  argc = (int) rest->len;
  g_ptr_array_add (rest, NULL);
  argv = (char **) rest->pdata;

  if (argc < 2)
    {
      print_help ();
      return SCM_CTL_EXIT_USAGE;
    }

  command = find_command (argc, argv, &consumed);
  if (command == NULL)
    {
      if (is_known_group (argv[1]))
        g_printerr (_("scm-enrollctl: “%s” needs a subcommand (for example “%s add”)\n"),
                    argv[1], argv[1]);
      else
        g_printerr (_("scm-enrollctl: unknown command “%s”\n"), argv[1]);
      g_printerr (_("Try “scm-enrollctl --help”.\n"));
      return SCM_CTL_EXIT_USAGE;
    }

  command_name = command->group ? g_strdup_printf ("%s %s", command->group, command->name)
                                : g_strdup (command->name);
  ctl.command = command_name;

  /* The command sees argv[0] = its own name, then its arguments. */
  {
    int sub_argc = argc - consumed;
    g_auto (GStrv) sub_argv = g_new0 (char *, sub_argc + 1);

    sub_argv[0] = g_strdup_printf ("scm-enrollctl %s", command_name);
    for (int i = 1; i < sub_argc; i++)
      sub_argv[i] = g_strdup (argv[i + consumed]);

    status = command->func (&ctl, sub_argc, sub_argv);
  }

  g_clear_object (&ctl.authority);
  g_clear_object (&ctl.store);
  g_free (ctl.data_dir);
  g_free (ctl.ca_passphrase_file);
  return status;
}
