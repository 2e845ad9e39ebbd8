/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-enrollctl"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "scm-ctl-private.h"
#include "scm-error.h"
#include "scm-person-import.h"
#include "scm-store.h"

/* import-persons and export-persons: the CSV import with the same checks as
 * the wizard, and the export that reads back into it. */

static void
print_problems (ScmPersonImport *import)
{
  for (guint i = 0; i < scm_person_import_get_n_problems (import); i++)
    {
      const ScmPersonImportProblem *problem = scm_person_import_get_problem (import, i);

      if (problem->column != NULL)
        g_printerr (_("line %u, column %s: %s\n"), problem->line, problem->column,
                    problem->message);
      else
        g_printerr (_("line %u: %s\n"), problem->line, problem->message);
    }
}

/* Opens @path as a new file (0600) before anything is imported, so that
 * generated Secret IDs always have somewhere to go. */
static GFileOutputStream *
create_secret_file (const char *path,
                    GError    **error)
{
  g_autoptr (GFile) file = g_file_new_for_commandline_arg (path);
  GFileOutputStream *stream;

  stream = g_file_create (file, G_FILE_CREATE_PRIVATE, NULL, error);
  if (stream == NULL && g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_clear_error (error);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("%s already exists; choose another file for the Secret IDs or remove it "
                     "first"), path);
    }
  return stream;
}

int
scm_ctl_import_persons (ScmCtl *ctl,
                        int     argc,
                        char  **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmPersonImport) import = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GFileInputStream) input = NULL;
  g_autoptr (GFileOutputStream) secrets = NULL;
  g_autofree char *org_name = NULL;
  g_autofree char *dept_name = NULL;
  g_autofree char *secrets_path = NULL;
  g_autofree char *basename = NULL;
  gboolean update = FALSE;
  gboolean valid_only = FALSE;
  gboolean dry_run = FALSE;
  const char * const *ignored;
  guint failed;
  ScmStore *store;
  const GOptionEntry entries[] = {
    { "org", 0, 0, G_OPTION_ARG_STRING, &org_name,
      N_("Organization of the rows that name none"), N_("O") },
    { "dept", 0, 0, G_OPTION_ARG_STRING, &dept_name,
      N_("Department of the rows of the default organization that name none"), N_("D") },
    { "update", 0, 0, G_OPTION_ARG_NONE, &update,
      N_("Update persons that exist already (default: skip them)"), NULL },
    { "valid-only", 0, 0, G_OPTION_ARG_NONE, &valid_only,
      N_("Import the valid rows even if others fail (default: all or nothing)"), NULL },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run,
      N_("Check everything and report, but change nothing"), NULL },
    { "secret-ids-out", 0, 0, G_OPTION_ARG_FILENAME, &secrets_path,
      N_("Generate a Secret ID for each person without one and write them to FILE (a new "
         "file, shown only once)"), N_("FILE") },
    { NULL }
  };

  if (!scm_ctl_parse_options (ctl, _("FILE.csv"),
                              _("Import persons from a CSV file whose first line names the "
                                "columns (SCM's titles: First Name, Last Name, Email, "
                                "Organization, Department, Secret ID…). Every row is checked "
                                "first; problems are listed by line and column."),
                              entries, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 2)
    return scm_ctl_usage_error (ctl, _("expected one CSV file"));
  if (dept_name != NULL && org_name == NULL)
    return scm_ctl_usage_error (ctl, _("--dept needs --org"));

  file = g_file_new_for_commandline_arg (argv[1]);
  input = g_file_read (file, NULL, &error);
  if (input == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  if (secrets_path != NULL && !dry_run)
    {
      secrets = create_secret_file (secrets_path, &error);
      if (secrets == NULL)
        return scm_ctl_fail (ctl, g_steal_pointer (&error));
    }

  store = scm_ctl_get_store (ctl, &error);
  if (store == NULL)
    {
      if (secrets != NULL)
        g_unlink (secrets_path);
      return scm_ctl_fail (ctl, g_steal_pointer (&error));
    }

  basename = g_file_get_basename (file);
  import = scm_person_import_new (store);
  scm_person_import_set_default_organization (import, org_name);
  scm_person_import_set_default_department (import, dept_name);
  scm_person_import_set_existing (import, update ? SCM_PERSON_IMPORT_UPDATE_EXISTING
                                                 : SCM_PERSON_IMPORT_SKIP_EXISTING);
  scm_person_import_set_mode (import, valid_only ? SCM_PERSON_IMPORT_VALID_ONLY
                                                 : SCM_PERSON_IMPORT_ALL_OR_NOTHING);
  scm_person_import_set_dry_run (import, dry_run);
  /* Secret IDs nobody receives would only be noise. */
  scm_person_import_set_generate_secret_ids (import, secrets != NULL);
  scm_person_import_set_source_name (import, basename);

  if (!scm_person_import_run (import, G_INPUT_STREAM (input), NULL, &error))
    {
      if (secrets != NULL)
        {
          g_output_stream_close (G_OUTPUT_STREAM (secrets), NULL, NULL);
          g_unlink (secrets_path);
        }
      return scm_ctl_fail (ctl, g_steal_pointer (&error));
    }

  ignored = scm_person_import_get_ignored_columns (import);
  for (guint i = 0; ignored[i] != NULL; i++)
    g_printerr (_("note: column “%s” is not a person field and was ignored\n"), ignored[i]);
  print_problems (import);

  failed = scm_person_import_get_n_failed (import);
  if (dry_run)
    g_print (_("dry run, nothing was changed; the import would have: created %u, updated %u, "
               "skipped %u, failed %u\n"),
             scm_person_import_get_n_created (import), scm_person_import_get_n_updated (import),
             scm_person_import_get_n_skipped (import), failed);
  else if (!scm_person_import_get_committed (import))
    g_print (_("nothing was imported because %u rows failed (use --valid-only to import the "
               "others); created 0, updated 0, skipped 0, failed %u\n"), failed, failed);
  else
    g_print (_("created %u, updated %u, skipped %u, failed %u\n"),
             scm_person_import_get_n_created (import), scm_person_import_get_n_updated (import),
             scm_person_import_get_n_skipped (import), failed);

  if (secrets != NULL)
    {
      guint n = scm_person_import_get_n_secret_ids (import);

      if (n > 0
          && (!scm_person_import_write_secret_ids (import, G_OUTPUT_STREAM (secrets), NULL,
                                                   &error)
              || !g_output_stream_close (G_OUTPUT_STREAM (secrets), NULL, &error)))
        {
          g_prefix_error (&error, _("The persons were imported but their Secret IDs could not "
                                    "be written; generate new ones: "));
          return scm_ctl_fail (ctl, g_steal_pointer (&error));
        }
      if (n > 0)
        g_print (_("%u generated Secret IDs written to %s\n"), n, secrets_path);
      else
        {
          g_output_stream_close (G_OUTPUT_STREAM (secrets), NULL, NULL);
          g_unlink (secrets_path);
        }
    }
  else if (!dry_run && scm_person_import_get_n_created (import) > 0
           && scm_person_import_get_committed (import))
    g_print (_("the new persons have no Secret ID; use --secret-ids-out FILE to generate "
               "them\n"));

  return failed > 0 ? SCM_CTL_EXIT_FAILURE : SCM_CTL_EXIT_OK;
}

int
scm_ctl_export_persons (ScmCtl *ctl,
                        int     argc,
                        char  **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GFileOutputStream) output = NULL;
  ScmStore *store;

  if (!scm_ctl_parse_options (ctl, _("FILE.csv"),
                              _("Write the persons to a new CSV file with SCM's column titles, "
                                "which import-persons reads back. Cells that a spreadsheet "
                                "could run as formulas start with a single quote."),
                              NULL, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 2)
    return scm_ctl_usage_error (ctl, _("expected the CSV file to write"));

  store = scm_ctl_get_store (ctl, &error);
  if (store == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  file = g_file_new_for_commandline_arg (argv[1]);
  output = g_file_create (file, G_FILE_CREATE_PRIVATE, NULL, &error);
  if (output == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        {
          g_clear_error (&error);
          g_set_error (&error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                       _("%s already exists; choose another file name or remove it first"),
                       argv[1]);
        }
      return scm_ctl_fail (ctl, g_steal_pointer (&error));
    }

  if (!scm_person_export_csv (store, G_OUTPUT_STREAM (output), NULL, &error)
      || !g_output_stream_close (G_OUTPUT_STREAM (output), NULL, &error))
    {
      g_autoptr (GError) ignored = NULL;

      g_file_delete (file, NULL, &ignored);
      return scm_ctl_fail (ctl, g_steal_pointer (&error));
    }
  return SCM_CTL_EXIT_OK;
}
