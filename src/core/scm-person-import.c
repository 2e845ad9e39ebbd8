/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <string.h>

#include <openssl/crypto.h>

#include "scm-csv-reader.h"
#include "scm-csv-writer.h"
#include "scm-error.h"
#include "scm-person-import.h"
#include "scm-secret.h"
#include "scm-validate.h"

/* Rows between two calls of the progress function. */
#define PROGRESS_INTERVAL 1000

/* X.509's upper bound for a common name, as the store enforces it. */
#define COMMON_NAME_MAX_CHARS 64

static const char * const field_titles[SCM_PERSON_N_FIELDS] = {
  [SCM_PERSON_FIELD_NONE] = "",
  [SCM_PERSON_FIELD_FIRST_NAME] = "First Name",
  [SCM_PERSON_FIELD_MIDDLE_NAME] = "Middle Name",
  [SCM_PERSON_FIELD_LAST_NAME] = "Last Name",
  [SCM_PERSON_FIELD_EMAIL] = "Email",
  [SCM_PERSON_FIELD_ORGANIZATION] = "Organization",
  [SCM_PERSON_FIELD_DEPARTMENT] = "Department",
  [SCM_PERSON_FIELD_DOMAIN] = "Domain",
  [SCM_PERSON_FIELD_COMMON_NAME] = "Common Name",
  [SCM_PERSON_FIELD_VALIDATION_TYPE] = "Validation Type",
  [SCM_PERSON_FIELD_SECRET_ID] = "Secret ID",
  [SCM_PERSON_FIELD_PHONE] = "Phone",
  [SCM_PERSON_FIELD_ALTERNATIVE_EMAILS] = "Alternative Emails",
  [SCM_PERSON_FIELD_UPN] = "UPN",
  [SCM_PERSON_FIELD_EPPN] = "EPPN",
};

/* Header names as people write them, reduced by reduce_title(). */
static const struct
{
  const char *name;
  ScmPersonField field;
} title_aliases[] = {
  { "firstname", SCM_PERSON_FIELD_FIRST_NAME },
  { "givenname", SCM_PERSON_FIELD_FIRST_NAME },
  { "forename", SCM_PERSON_FIELD_FIRST_NAME },
  { "middlename", SCM_PERSON_FIELD_MIDDLE_NAME },
  { "lastname", SCM_PERSON_FIELD_LAST_NAME },
  { "surname", SCM_PERSON_FIELD_LAST_NAME },
  { "familyname", SCM_PERSON_FIELD_LAST_NAME },
  { "email", SCM_PERSON_FIELD_EMAIL },
  { "emailaddress", SCM_PERSON_FIELD_EMAIL },
  { "mail", SCM_PERSON_FIELD_EMAIL },
  { "primaryemail", SCM_PERSON_FIELD_EMAIL },
  { "organization", SCM_PERSON_FIELD_ORGANIZATION },
  { "organisation", SCM_PERSON_FIELD_ORGANIZATION },
  { "org", SCM_PERSON_FIELD_ORGANIZATION },
  { "department", SCM_PERSON_FIELD_DEPARTMENT },
  { "dept", SCM_PERSON_FIELD_DEPARTMENT },
  { "domain", SCM_PERSON_FIELD_DOMAIN },
  { "commonname", SCM_PERSON_FIELD_COMMON_NAME },
  { "cn", SCM_PERSON_FIELD_COMMON_NAME },
  { "validationtype", SCM_PERSON_FIELD_VALIDATION_TYPE },
  { "validation", SCM_PERSON_FIELD_VALIDATION_TYPE },
  { "secretid", SCM_PERSON_FIELD_SECRET_ID },
  { "secret", SCM_PERSON_FIELD_SECRET_ID },
  { "phone", SCM_PERSON_FIELD_PHONE },
  { "phonenumber", SCM_PERSON_FIELD_PHONE },
  { "telephone", SCM_PERSON_FIELD_PHONE },
  { "alternativeemails", SCM_PERSON_FIELD_ALTERNATIVE_EMAILS },
  { "alternativeemail", SCM_PERSON_FIELD_ALTERNATIVE_EMAILS },
  { "alternateemails", SCM_PERSON_FIELD_ALTERNATIVE_EMAILS },
  { "secondaryemails", SCM_PERSON_FIELD_ALTERNATIVE_EMAILS },
  { "upn", SCM_PERSON_FIELD_UPN },
  { "userprincipalname", SCM_PERSON_FIELD_UPN },
  { "eppn", SCM_PERSON_FIELD_EPPN },
  { "edupersonprincipalname", SCM_PERSON_FIELD_EPPN },
};

/* A generated Secret ID waiting for its export: the names are in the
 * import's string chunk, the secret in its wiped secret buffer. */
typedef struct
{
  const char *email;
  const char *first_name;
  const char *last_name;
  guint secret;             /* offset in secret_text */
} GeneratedSecret;

struct _ScmPersonImport
{
  GObject parent_instance;

  ScmStore *store;
  char *default_organization;
  char *default_department;
  ScmPersonImportMode mode;
  ScmPersonImportExisting existing;
  gboolean dry_run;
  gboolean generate_secret_ids;
  char *source_name;

  ScmPersonImportProgressFunc progress_func;
  gpointer progress_data;
  GDestroyNotify progress_destroy;

  /* The column mapping. */
  GPtrArray *titles;        /* char *, one per column */
  GArray *fields;           /* ScmPersonField, one per column */
  GPtrArray *samples;       /* GStrv, one per sample row */
  GPtrArray *ignored;       /* char *, NULL-terminated */

  /* Results. */
  gboolean ran;
  gboolean committed;
  guint counts[SCM_PERSON_IMPORT_FAILED + 1];
  GStringChunk *strings;    /* emails, titles and messages of rows and problems */
  GArray *rows;             /* ScmPersonImportRow */
  GArray *problems;         /* ScmPersonImportProblem */
  GArray *secrets;          /* GeneratedSecret */
  char *secret_text;        /* the secrets, each NUL-terminated */
  gsize secret_text_len;
  gsize secret_text_size;
};

G_DEFINE_FINAL_TYPE (ScmPersonImport, scm_person_import, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_DEFAULT_ORGANIZATION,
  PROP_DEFAULT_DEPARTMENT,
  PROP_MODE,
  PROP_EXISTING,
  PROP_DRY_RUN,
  PROP_GENERATE_SECRET_IDS,
  PROP_SOURCE_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
scm_person_field_get_title (ScmPersonField field)
{
  g_return_val_if_fail (field < SCM_PERSON_N_FIELDS, NULL);

  return field_titles[field];
}

/* Lower-case, without spaces, hyphens, underscores and dots: "E-Mail
 * Address" and "email_address" read the same. */
static char *
reduce_title (const char *title)
{
  g_autofree char *folded = g_utf8_casefold (title, -1);
  GString *out = g_string_new (NULL);

  for (const char *p = folded; *p != '\0'; p++)
    if (!strchr (" \t-_.", *p))
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

ScmPersonField
scm_person_field_from_title (const char *title)
{
  g_autofree char *reduced = NULL;

  g_return_val_if_fail (title != NULL, SCM_PERSON_FIELD_NONE);

  if (!g_utf8_validate (title, -1, NULL))
    return SCM_PERSON_FIELD_NONE;
  reduced = reduce_title (title);
  for (gsize i = 0; i < G_N_ELEMENTS (title_aliases); i++)
    if (g_str_equal (reduced, title_aliases[i].name))
      return title_aliases[i].field;
  return SCM_PERSON_FIELD_NONE;
}

/* Wipes the generated Secret IDs that are kept. */
static void
forget_secrets (ScmPersonImport *self)
{
  if (self->secret_text_len > 0)
    OPENSSL_cleanse (self->secret_text, self->secret_text_len);
  self->secret_text_len = 0;
  g_array_set_size (self->secrets, 0);
}

/* Keeps @secret for the export. The buffer grows by copying and wiping
 * the old one, so no copy of a secret is left in freed memory. */
static void
keep_secret (ScmPersonImport *self,
             const char      *secret)
{
  gsize length = strlen (secret) + 1;

  if (self->secret_text_len + length > self->secret_text_size)
    {
      gsize size = MAX (self->secret_text_size * 2, MAX (length, 4096));
      char *text = g_malloc (size);

      if (self->secret_text_len > 0)
        {
          memcpy (text, self->secret_text, self->secret_text_len);
          OPENSSL_cleanse (self->secret_text, self->secret_text_len);
        }
      g_free (self->secret_text);
      self->secret_text = text;
      self->secret_text_size = size;
    }
  memcpy (self->secret_text + self->secret_text_len, secret, length);
  self->secret_text_len += length;
}

static void
clear_results (ScmPersonImport *self)
{
  self->ran = FALSE;
  self->committed = FALSE;
  memset (self->counts, 0, sizeof self->counts);
  g_array_set_size (self->rows, 0);
  g_array_set_size (self->problems, 0);
  g_clear_pointer (&self->strings, g_string_chunk_free);
  self->strings = g_string_chunk_new (64 * 1024);
  forget_secrets (self);
}

static void
scm_person_import_finalize (GObject *object)
{
  ScmPersonImport *self = SCM_PERSON_IMPORT (object);

  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  g_clear_object (&self->store);
  g_free (self->default_organization);
  g_free (self->default_department);
  g_free (self->source_name);
  g_ptr_array_unref (self->titles);
  g_array_unref (self->fields);
  g_ptr_array_unref (self->samples);
  g_ptr_array_unref (self->ignored);
  g_array_unref (self->rows);
  g_array_unref (self->problems);
  g_string_chunk_free (self->strings);
  /* Wipes Secret IDs never exported. */
  forget_secrets (self);
  g_array_unref (self->secrets);
  g_free (self->secret_text);

  G_OBJECT_CLASS (scm_person_import_parent_class)->finalize (object);
}

static void
scm_person_import_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ScmPersonImport *self = SCM_PERSON_IMPORT (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_DEFAULT_ORGANIZATION:
      g_value_set_string (value, self->default_organization);
      break;

    case PROP_DEFAULT_DEPARTMENT:
      g_value_set_string (value, self->default_department);
      break;

    case PROP_MODE:
      g_value_set_int (value, self->mode);
      break;

    case PROP_EXISTING:
      g_value_set_int (value, self->existing);
      break;

    case PROP_DRY_RUN:
      g_value_set_boolean (value, self->dry_run);
      break;

    case PROP_GENERATE_SECRET_IDS:
      g_value_set_boolean (value, self->generate_secret_ids);
      break;

    case PROP_SOURCE_NAME:
      g_value_set_string (value, self->source_name);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_person_import_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ScmPersonImport *self = SCM_PERSON_IMPORT (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_DEFAULT_ORGANIZATION:
      scm_person_import_set_default_organization (self, g_value_get_string (value));
      break;

    case PROP_DEFAULT_DEPARTMENT:
      scm_person_import_set_default_department (self, g_value_get_string (value));
      break;

    case PROP_MODE:
      scm_person_import_set_mode (self, g_value_get_int (value));
      break;

    case PROP_EXISTING:
      scm_person_import_set_existing (self, g_value_get_int (value));
      break;

    case PROP_DRY_RUN:
      scm_person_import_set_dry_run (self, g_value_get_boolean (value));
      break;

    case PROP_GENERATE_SECRET_IDS:
      scm_person_import_set_generate_secret_ids (self, g_value_get_boolean (value));
      break;

    case PROP_SOURCE_NAME:
      scm_person_import_set_source_name (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_person_import_class_init (ScmPersonImportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = scm_person_import_finalize;
  object_class->get_property = scm_person_import_get_property;
  object_class->set_property = scm_person_import_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SCM_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEFAULT_ORGANIZATION] =
    g_param_spec_string ("default-organization", NULL, NULL, NULL, flags);
  properties[PROP_DEFAULT_DEPARTMENT] =
    g_param_spec_string ("default-department", NULL, NULL, NULL, flags);
  /* Plain ints: the core registers no enum types for these. */
  properties[PROP_MODE] =
    g_param_spec_int ("mode", NULL, NULL, SCM_PERSON_IMPORT_ALL_OR_NOTHING,
                      SCM_PERSON_IMPORT_VALID_ONLY, SCM_PERSON_IMPORT_ALL_OR_NOTHING, flags);
  properties[PROP_EXISTING] =
    g_param_spec_int ("existing", NULL, NULL, SCM_PERSON_IMPORT_SKIP_EXISTING,
                      SCM_PERSON_IMPORT_UPDATE_EXISTING, SCM_PERSON_IMPORT_SKIP_EXISTING, flags);
  properties[PROP_DRY_RUN] =
    g_param_spec_boolean ("dry-run", NULL, NULL, FALSE, flags);
  properties[PROP_GENERATE_SECRET_IDS] =
    g_param_spec_boolean ("generate-secret-ids", NULL, NULL, TRUE, flags);
  properties[PROP_SOURCE_NAME] =
    g_param_spec_string ("source-name", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
scm_person_import_init (ScmPersonImport *self)
{
  self->generate_secret_ids = TRUE;
  self->titles = g_ptr_array_new_with_free_func (g_free);
  self->fields = g_array_new (FALSE, TRUE, sizeof (ScmPersonField));
  self->samples = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  self->ignored = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  self->rows = g_array_new (FALSE, FALSE, sizeof (ScmPersonImportRow));
  self->problems = g_array_new (FALSE, FALSE, sizeof (ScmPersonImportProblem));
  self->strings = g_string_chunk_new (64 * 1024);
  self->secrets = g_array_new (FALSE, FALSE, sizeof (GeneratedSecret));
}

ScmPersonImport *
scm_person_import_new (ScmStore *store)
{
  g_return_val_if_fail (SCM_IS_STORE (store), NULL);

  return g_object_new (SCM_TYPE_PERSON_IMPORT, "store", store, NULL);
}

ScmStore *
scm_person_import_get_store (ScmPersonImport *self)
{
  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), NULL);

  return self->store;
}

static void
set_string_property (ScmPersonImport *self,
                     char           **field,
                     const char      *value,
                     guint            prop_id)
{
  if (value != NULL && *value == '\0')
    value = NULL;
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

const char *
scm_person_import_get_default_organization (ScmPersonImport *self)
{
  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), NULL);

  return self->default_organization;
}

void
scm_person_import_set_default_organization (ScmPersonImport *self,
                                            const char      *name)
{
  g_return_if_fail (SCM_IS_PERSON_IMPORT (self));

  set_string_property (self, &self->default_organization, name, PROP_DEFAULT_ORGANIZATION);
}

const char *
scm_person_import_get_default_department (ScmPersonImport *self)
{
  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), NULL);

  return self->default_department;
}

void
scm_person_import_set_default_department (ScmPersonImport *self,
                                          const char      *name)
{
  g_return_if_fail (SCM_IS_PERSON_IMPORT (self));

  set_string_property (self, &self->default_department, name, PROP_DEFAULT_DEPARTMENT);
}

ScmPersonImportMode
scm_person_import_get_mode (ScmPersonImport *self)
{
  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), SCM_PERSON_IMPORT_ALL_OR_NOTHING);

  return self->mode;
}

void
scm_person_import_set_mode (ScmPersonImport     *self,
                            ScmPersonImportMode  mode)
{
  g_return_if_fail (SCM_IS_PERSON_IMPORT (self));
  g_return_if_fail (mode == SCM_PERSON_IMPORT_ALL_OR_NOTHING
                    || mode == SCM_PERSON_IMPORT_VALID_ONLY);

  if (self->mode == mode)
    return;
  self->mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

ScmPersonImportExisting
scm_person_import_get_existing (ScmPersonImport *self)
{
  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), SCM_PERSON_IMPORT_SKIP_EXISTING);

  return self->existing;
}

void
scm_person_import_set_existing (ScmPersonImport         *self,
                                ScmPersonImportExisting  existing)
{
  g_return_if_fail (SCM_IS_PERSON_IMPORT (self));
  g_return_if_fail (existing == SCM_PERSON_IMPORT_SKIP_EXISTING
                    || existing == SCM_PERSON_IMPORT_UPDATE_EXISTING);

  if (self->existing == existing)
    return;
  self->existing = existing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXISTING]);
}

gboolean
scm_person_import_get_dry_run (ScmPersonImport *self)
{
  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), FALSE);

  return self->dry_run;
}

void
scm_person_import_set_dry_run (ScmPersonImport *self,
                               gboolean         dry_run)
{
  g_return_if_fail (SCM_IS_PERSON_IMPORT (self));

  dry_run = !!dry_run;
  if (self->dry_run == dry_run)
    return;
  self->dry_run = dry_run;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DRY_RUN]);
}

gboolean
scm_person_import_get_generate_secret_ids (ScmPersonImport *self)
{
  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), FALSE);

  return self->generate_secret_ids;
}

void
scm_person_import_set_generate_secret_ids (ScmPersonImport *self,
                                           gboolean         generate)
{
  g_return_if_fail (SCM_IS_PERSON_IMPORT (self));

  generate = !!generate;
  if (self->generate_secret_ids == generate)
    return;
  self->generate_secret_ids = generate;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GENERATE_SECRET_IDS]);
}

const char *
scm_person_import_get_source_name (ScmPersonImport *self)
{
  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), NULL);

  return self->source_name;
}

void
scm_person_import_set_source_name (ScmPersonImport *self,
                                   const char      *name)
{
  g_return_if_fail (SCM_IS_PERSON_IMPORT (self));

  set_string_property (self, &self->source_name, name, PROP_SOURCE_NAME);
}

void
scm_person_import_set_progress_func (ScmPersonImport            *self,
                                     ScmPersonImportProgressFunc func,
                                     gpointer                    user_data,
                                     GDestroyNotify              destroy)
{
  g_return_if_fail (SCM_IS_PERSON_IMPORT (self));

  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  self->progress_func = func;
  self->progress_data = user_data;
  self->progress_destroy = destroy;
}

/* The column mapping ------------------------------------------------------------ */

/* A positioned message for a problem of the reader that stops the import. */
static void
set_file_error (ScmPersonImport *self,
                ScmCsvReader    *reader,
                GError         **error,
                GError          *reader_error)
{
  guint line = scm_csv_reader_get_error_line (reader);
  guint column = scm_csv_reader_get_error_column (reader);

  if (reader_error->domain != SCM_CSV_ERROR)
    {
      g_propagate_error (error, reader_error);
      return;
    }
  if (column > 0 && column <= self->titles->len
      && *(char *) g_ptr_array_index (self->titles, column - 1) != '\0')
    g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID, "Line %u, column %s: %s", line,
                 (char *) g_ptr_array_index (self->titles, column - 1), reader_error->message);
  else if (column > 0)
    g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID, "Line %u, column %u: %s", line, column,
                 reader_error->message);
  else
    g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID, "Line %u: %s", line,
                 reader_error->message);
  g_error_free (reader_error);
}

/* Reads the header into titles; keeps the mapping when the titles are
 * those of the last header read, detects it otherwise. */
static gboolean
read_titles (ScmPersonImport *self,
             ScmCsvReader    *reader,
             GCancellable    *cancellable,
             GError         **error)
{
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  GError *local_error = NULL;
  gboolean same;

  if (!scm_csv_reader_next (reader, cancellable, &local_error))
    {
      if (local_error == NULL)
        {
          g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                               "The file is empty; its first line must name the columns, "
                               "e.g. Email, First Name, Last Name.");
          return FALSE;
        }
      g_ptr_array_set_size (self->titles, 0);
      set_file_error (self, reader, error, local_error);
      return FALSE;
    }

  for (guint i = 0; i < scm_csv_reader_get_n_fields (reader); i++)
    g_ptr_array_add (titles, g_strstrip (g_strdup (scm_csv_reader_get_field (reader, i))));

  same = titles->len == self->titles->len;
  for (guint i = 0; same && i < titles->len; i++)
    same = g_str_equal (g_ptr_array_index (titles, i), g_ptr_array_index (self->titles, i));
  if (same)
    return TRUE;

  g_ptr_array_unref (self->titles);
  self->titles = g_steal_pointer (&titles);
  g_array_set_size (self->fields, self->titles->len);
  for (guint i = 0; i < self->titles->len; i++)
    {
      ScmPersonField field = scm_person_field_from_title (g_ptr_array_index (self->titles, i));

      /* The first column of a field wins; a second one is not imported. */
      for (guint j = 0; j < i && field != SCM_PERSON_FIELD_NONE; j++)
        if (g_array_index (self->fields, ScmPersonField, j) == field)
          field = SCM_PERSON_FIELD_NONE;
      g_array_index (self->fields, ScmPersonField, i) = field;
    }
  return TRUE;
}

gboolean
scm_person_import_read_header (ScmPersonImport *self,
                               GInputStream    *stream,
                               guint            n_samples,
                               GCancellable    *cancellable,
                               GError         **error)
{
  g_autoptr(ScmCsvReader) reader = NULL;

  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), FALSE);
  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  reader = scm_csv_reader_new (stream);
  g_ptr_array_set_size (self->samples, 0);
  if (!read_titles (self, reader, cancellable, error))
    return FALSE;

  while (self->samples->len < n_samples)
    {
      g_autoptr(GError) local_error = NULL;
      GStrvBuilder *builder;

      if (!scm_csv_reader_next (reader, cancellable, &local_error))
        {
          if (local_error == NULL || !scm_csv_reader_can_continue (reader))
            break;
          continue;  /* the validation reports bad rows */
        }
      builder = g_strv_builder_new ();
      for (guint i = 0; i < scm_csv_reader_get_n_fields (reader); i++)
        g_strv_builder_add (builder, scm_csv_reader_get_field (reader, i));
      g_ptr_array_add (self->samples, g_strv_builder_end (builder));
      g_strv_builder_unref (builder);
    }
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

guint
scm_person_import_get_n_columns (ScmPersonImport *self)
{
  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), 0);

  return self->titles->len;
}

const char *
scm_person_import_get_column_title (ScmPersonImport *self,
                                    guint            column)
{
  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), NULL);
  g_return_val_if_fail (column < self->titles->len, NULL);

  return g_ptr_array_index (self->titles, column);
}

ScmPersonField
scm_person_import_get_column_field (ScmPersonImport *self,
                                    guint            column)
{
  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), SCM_PERSON_FIELD_NONE);
  g_return_val_if_fail (column < self->fields->len, SCM_PERSON_FIELD_NONE);

  return g_array_index (self->fields, ScmPersonField, column);
}

void
scm_person_import_set_column_field (ScmPersonImport *self,
                                    guint            column,
                                    ScmPersonField   field)
{
  g_return_if_fail (SCM_IS_PERSON_IMPORT (self));
  g_return_if_fail (column < self->fields->len);
  g_return_if_fail (field < SCM_PERSON_N_FIELDS);

  /* A field comes from one column: the one chosen last. */
  if (field != SCM_PERSON_FIELD_NONE)
    for (guint i = 0; i < self->fields->len; i++)
      if (g_array_index (self->fields, ScmPersonField, i) == field)
        g_array_index (self->fields, ScmPersonField, i) = SCM_PERSON_FIELD_NONE;
  g_array_index (self->fields, ScmPersonField, column) = field;
}

guint
scm_person_import_get_n_samples (ScmPersonImport *self)
{
  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), 0);

  return self->samples->len;
}

const char *
scm_person_import_get_sample (ScmPersonImport *self,
                              guint            row,
                              guint            column)
{
  const char * const *values;

  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), NULL);
  g_return_val_if_fail (row < self->samples->len, NULL);

  values = g_ptr_array_index (self->samples, row);
  if (column >= g_strv_length ((char **) values))
    return "";
  return values[column];
}

/* Running the import ------------------------------------------------------------- */

/* One import pass: the lookups it caches and where each field is. */
typedef struct
{
  ScmPersonImport *self;
  ScmCsvReader *reader;
  ScmStorePersonBatch *batch;
  GCancellable *cancellable;
  int column_of[SCM_PERSON_N_FIELDS];   /* -1 when the file has no such column */
  const char *column_title[SCM_PERSON_N_FIELDS];
  gint64 default_organization_id;
  gint64 default_department_id;
  GHashTable *organizations;   /* name → gint64 * (0: unknown) */
  GHashTable *departments;     /* "org-id/name" → gint64 * (0: unknown) */
  GHashTable *domains;         /* "org/dept/domain" → DomainAnswer */
  GHashTable *emails;          /* lower-case email → line (GUINT_TO_POINTER) */
  GHashTable *secret_hashes;   /* keyed hash of a typed Secret ID → line */
  gboolean store_was_empty;    /* no row can match an existing person */
  guint n_seen;
  /* The last answer of lookup_domain(), owned by @domains. */
  gpointer last_domain;
  gint64 last_domain_organization_id;
  gint64 last_domain_department_id;
  char *last_domain_name;
} Run;

typedef struct
{
  char *name;     /* the delegating domain, or NULL */
  char *message;  /* why there is none */
} DomainAnswer;

static void
domain_answer_free (gpointer data)
{
  DomainAnswer *answer = data;

  g_free (answer->name);
  g_free (answer->message);
  g_free (answer);
}

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->organizations, g_hash_table_unref);
  g_clear_pointer (&run->departments, g_hash_table_unref);
  g_clear_pointer (&run->domains, g_hash_table_unref);
  g_clear_pointer (&run->emails, g_hash_table_unref);
  g_clear_pointer (&run->secret_hashes, g_hash_table_unref);
  g_clear_pointer (&run->last_domain_name, g_free);
  run->last_domain = NULL;
  g_clear_object (&run->reader);
}

/* The row being checked. */
typedef struct
{
  ScmPersonImportRow row;
  const char *cells[SCM_PERSON_N_FIELDS];  /* NULL: no such column or cell */
} RowState;

static const char *
intern (ScmPersonImport *self,
        const char      *text)
{
  /* Not g_string_chunk_insert_const(): its table would hash every
   * email of the file a second time. */
  return text != NULL ? g_string_chunk_insert (self->strings, text) : NULL;
}

static void
add_problem (Run        *run,
             RowState   *state,
             const char *column,
             const char *message)
{
  ScmPersonImport *self = run->self;
  ScmPersonImportProblem problem = {
    .line = state->row.line,
    .column = column,
    .email = state->row.email,
    .message = intern (self, message),
  };

  if (state->row.n_problems == 0)
    state->row.first_problem = self->problems->len;
  state->row.n_problems++;
  state->row.status = SCM_PERSON_IMPORT_FAILED;
  g_array_append_val (self->problems, problem);
}

static void
add_field_problem (Run           *run,
                   RowState      *state,
                   ScmPersonField field,
                   const char    *message)
{
  add_problem (run, state, run->column_title[field], message);
}

static void
finish_row (Run      *run,
            RowState *state)
{
  run->self->counts[state->row.status]++;
  g_array_append_val (run->self->rows, state->row);
}

/* An organization by name, cached; 0 with a message when unknown. */
static gint64
lookup_organization (Run        *run,
                     const char *name,
                     GError    **error)
{
  gint64 *cached = g_hash_table_lookup (run->organizations, name);

  if (cached == NULL)
    {
      g_autoptr(ScmOrganization) organization = NULL;
      g_autoptr(GError) local_error = NULL;

      organization = scm_store_find_organization_by_name (run->self->store, name, &local_error);
      if (organization == NULL && !g_error_matches (local_error, SCM_ERROR, SCM_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return -1;
        }
      cached = g_new (gint64, 1);
      *cached = organization != NULL ? scm_organization_get_id (organization) : 0;
      g_hash_table_insert (run->organizations, g_strdup (name), cached);
    }
  if (*cached == 0)
    g_set_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                 "There is no organization “%s”; add it first or correct the name.", name);
  return *cached;
}

static gint64
lookup_department (Run        *run,
                   gint64      organization_id,
                   const char *organization_name,
                   const char *name,
                   GError    **error)
{
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT "/%s", organization_id, name);
  gint64 *cached = g_hash_table_lookup (run->departments, key);

  if (cached == NULL)
    {
      g_autoptr(ScmDepartment) department = NULL;
      g_autoptr(GError) local_error = NULL;

      department = scm_store_find_department_by_name (run->self->store, organization_id, name,
                                                      &local_error);
      if (department == NULL && !g_error_matches (local_error, SCM_ERROR, SCM_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return -1;
        }
      cached = g_new (gint64, 1);
      *cached = department != NULL ? scm_department_get_id (department) : 0;
      g_hash_table_insert (run->departments, g_steal_pointer (&key), cached);
    }
  if (*cached == 0)
    g_set_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                 "%s has no department “%s”; add it first or correct the name.",
                 organization_name, name);
  return *cached;
}

/* The delegating domain of @email for the organization/department. */
static const DomainAnswer *
lookup_domain (Run        *run,
               const char *email,
               gint64      organization_id,
               gint64      department_id)
{
  const char *email_domain = scm_email_get_domain (email);
  g_autofree char *key = NULL;
  DomainAnswer *answer;

  /* The rows of a file mostly share one domain: no key to format then. */
  if (run->last_domain != NULL && organization_id == run->last_domain_organization_id
      && department_id == run->last_domain_department_id
      && g_str_equal (email_domain, run->last_domain_name))
    return run->last_domain;

  key = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "/%s", organization_id,
                         department_id, email_domain);
  answer = g_hash_table_lookup (run->domains, key);
  if (answer == NULL)
    {
      g_autoptr(ScmDomain) domain = NULL;
      g_autoptr(GError) local_error = NULL;

      answer = g_new0 (DomainAnswer, 1);
      domain = scm_store_find_delegating_domain (run->self->store, email, organization_id,
                                                 department_id, &local_error);
      if (domain != NULL)
        answer->name = g_strdup (scm_domain_get_name (domain));
      else
        answer->message = g_strdup (local_error->message);
      g_hash_table_insert (run->domains, g_steal_pointer (&key), answer);
    }
  run->last_domain = answer;
  run->last_domain_organization_id = organization_id;
  run->last_domain_department_id = department_id;
  g_free (run->last_domain_name);
  run->last_domain_name = g_strdup (email_domain);
  return answer;
}

static const char *
strip_wildcard (const char *name)
{
  return g_str_has_prefix (name, "*.") ? name + 2 : name;
}

/* A cell as the person meant it: without the quote that an export (or a
 * careful spreadsheet user) put before a formula character. */
static const char *
unescape_cell (const char *cell)
{
  if (cell != NULL && cell[0] == '\'' && scm_csv_is_formula_like (cell + 1))
    return cell + 1;
  return cell;
}

static gboolean
is_blank (const char *cell)
{
  if (cell == NULL)
    return TRUE;
  for (; *cell != '\0'; cell++)
    if (!g_ascii_isspace (*cell))
      return FALSE;
  return TRUE;
}

/* Validates one text cell into *@out (NULL when empty). */
static gboolean
check_text (Run           *run,
            RowState      *state,
            ScmPersonField field,
            const char    *what,
            gsize          max_chars,
            ScmTextFlags   flags,
            char         **out)
{
  g_autoptr(GError) local_error = NULL;

  if (!scm_validate_text (state->cells[field], what, max_chars, flags, out, &local_error))
    {
      add_field_problem (run, state, field, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_principal (Run           *run,
                 RowState      *state,
                 ScmPersonField field,
                 const char    *what,
                 char         **out)
{
  g_autoptr(GError) local_error = NULL;

  /* The store's own rule, so the preview never promises what a save refuses. */
  if (!scm_validate_principal (state->cells[field], what, out, &local_error))
    {
      add_field_problem (run, state, field, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* Everything a row needs, validated and normalized. */
typedef struct
{
  char *email;
  char *first_name;
  char *middle_name;
  char *last_name;
  char *common_name;
  char *phone;
  char *upn;
  char *eppn;
  char *secret_id;
  GStrv alternative_emails;
  ScmValidationType validation;
  gint64 organization_id;
  gint64 department_id;
} RowValues;

static void
row_values_clear (RowValues *values)
{
  g_free (values->email);
  g_free (values->first_name);
  g_free (values->middle_name);
  g_free (values->last_name);
  g_free (values->common_name);
  g_free (values->phone);
  g_free (values->upn);
  g_free (values->eppn);
  scm_secret_free (values->secret_id);
  g_strfreev (values->alternative_emails);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RowValues, row_values_clear)

/* Organization and department of the row, or of the defaults. FALSE on a
 * database failure only. */
static gboolean
check_delegation (Run       *run,
                  RowState  *state,
                  RowValues *values,
                  GError   **error)
{
  const char *organization = state->cells[SCM_PERSON_FIELD_ORGANIZATION];
  const char *department = state->cells[SCM_PERSON_FIELD_DEPARTMENT];
  g_autofree char *organization_name = NULL;
  g_autofree char *department_name = NULL;
  g_autoptr(GError) local_error = NULL;

  if (is_blank (organization))
    {
      if (run->default_organization_id == 0)
        {
          add_field_problem (run, state, SCM_PERSON_FIELD_ORGANIZATION,
                             "The organization is empty; fill it in or choose a default "
                             "organization.");
          return TRUE;
        }
      values->organization_id = run->default_organization_id;
      organization_name = g_strdup (run->self->default_organization);
    }
  else
    {
      if (!check_text (run, state, SCM_PERSON_FIELD_ORGANIZATION, "The organization",
                       SCM_NAME_MAX_CHARS, SCM_TEXT_REQUIRED, &organization_name))
        return TRUE;
      values->organization_id = lookup_organization (run, organization_name, &local_error);
      if (values->organization_id < 0)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (values->organization_id == 0)
        {
          add_field_problem (run, state, SCM_PERSON_FIELD_ORGANIZATION, local_error->message);
          return TRUE;
        }
    }

  if (is_blank (department))
    {
      if (values->organization_id == run->default_organization_id)
        values->department_id = run->default_department_id;
      return TRUE;
    }
  if (!check_text (run, state, SCM_PERSON_FIELD_DEPARTMENT, "The department",
                   SCM_NAME_MAX_CHARS, SCM_TEXT_REQUIRED, &department_name))
    return TRUE;
  values->department_id = lookup_department (run, values->organization_id, organization_name,
                                             department_name, &local_error);
  if (values->department_id < 0)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (values->department_id == 0)
    add_field_problem (run, state, SCM_PERSON_FIELD_DEPARTMENT, local_error->message);
  return TRUE;
}

static void
check_email (Run       *run,
             RowState  *state,
             RowValues *values)
{
  const char *cell = state->cells[SCM_PERSON_FIELD_EMAIL];
  g_autoptr(GError) local_error = NULL;
  gpointer other_line;

  if (is_blank (cell))
    {
      add_field_problem (run, state, SCM_PERSON_FIELD_EMAIL,
                         "The email is empty; every person needs one.");
      return;
    }
  if (!scm_validate_email (cell, &values->email, &local_error))
    {
      state->row.email = intern (run->self, cell);
      add_field_problem (run, state, SCM_PERSON_FIELD_EMAIL, local_error->message);
      return;
    }
  state->row.email = intern (run->self, values->email);

  other_line = g_hash_table_lookup (run->emails, state->row.email);
  if (other_line != NULL)
    {
      g_autofree char *message =
        g_strdup_printf ("%s is already on line %u (emails are compared without regard to "
                         "case); keep one of the two rows.", values->email,
                         GPOINTER_TO_UINT (other_line));
      add_field_problem (run, state, SCM_PERSON_FIELD_EMAIL, message);
      g_clear_pointer (&values->email, g_free);
      return;
    }
  g_hash_table_insert (run->emails, (gpointer) state->row.email,
                       GUINT_TO_POINTER (state->row.line));
}

static void
check_secret_id (Run       *run,
                 RowState  *state,
                 RowValues *values)
{
  const char *cell = state->cells[SCM_PERSON_FIELD_SECRET_ID];
  g_autoptr(GError) local_error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *trimmed = NULL;
  gpointer other_line;

  if (is_blank (cell))
    return;
  trimmed = g_strstrip (g_strdup (cell));
  if (!scm_secret_check_strength (trimmed, &local_error))
    {
      g_autofree char *message = g_strdup_printf ("%s.", local_error->message);
      add_field_problem (run, state, SCM_PERSON_FIELD_SECRET_ID,
                         g_str_has_suffix (local_error->message, ".") ? local_error->message
                                                                      : message);
      scm_secret_free (g_steal_pointer (&trimmed));
      return;
    }

  /* Only the keyed hash is kept to find reuse inside the file. */
  hash = scm_secret_hash (scm_store_get_installation_key (run->self->store),
                          SCM_SECRET_PURPOSE_SECRET_ID, trimmed);
  other_line = g_hash_table_lookup (run->secret_hashes, hash);
  if (other_line != NULL)
    {
      g_autofree char *message =
        g_strdup_printf ("The same Secret ID is already on line %u; each person needs their "
                         "own.", GPOINTER_TO_UINT (other_line));
      add_field_problem (run, state, SCM_PERSON_FIELD_SECRET_ID, message);
      scm_secret_free (g_steal_pointer (&trimmed));
      return;
    }
  g_hash_table_insert (run->secret_hashes, g_steal_pointer (&hash),
                       GUINT_TO_POINTER (state->row.line));
  values->secret_id = g_steal_pointer (&trimmed);
}

static void
check_alternative_emails (Run       *run,
                          RowState  *state,
                          RowValues *values)
{
  const char *cell = state->cells[SCM_PERSON_FIELD_ALTERNATIVE_EMAILS];
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) parts = NULL;

  if (is_blank (cell))
    return;

  builder = g_strv_builder_new ();
  /* Commas, semicolons or spaces between them, as people list them. */
  parts = g_strsplit_set (cell, ",; \t\r\n", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *email = NULL;

      if (*parts[i] == '\0')
        continue;
      if (!scm_validate_email (parts[i], &email, &local_error))
        {
          add_field_problem (run, state, SCM_PERSON_FIELD_ALTERNATIVE_EMAILS,
                             local_error->message);
          return;
        }
      g_strv_builder_add (builder, email);
    }
  values->alternative_emails = g_strv_builder_end (builder);
}

static void
check_domains (Run       *run,
               RowState  *state,
               RowValues *values)
{
  const DomainAnswer *answer;
  const char *domain_cell = state->cells[SCM_PERSON_FIELD_DOMAIN];

  answer = lookup_domain (run, values->email, values->organization_id, values->department_id);
  if (answer->name == NULL)
    {
      add_field_problem (run, state, SCM_PERSON_FIELD_EMAIL, answer->message);
      return;
    }

  if (!is_blank (domain_cell))
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (domain_cell));
      g_autofree char *given = g_ascii_strdown (trimmed, -1);
      const char *email_domain = scm_email_get_domain (values->email);

      if (!g_str_equal (strip_wildcard (given), strip_wildcard (answer->name))
          && !g_str_equal (given, email_domain))
        {
          g_autofree char *message =
            g_strdup_printf ("The domain “%s” does not match the email's domain %s (delegated "
                             "as %s); correct it or leave it empty.", domain_cell, email_domain,
                             answer->name);
          add_field_problem (run, state, SCM_PERSON_FIELD_DOMAIN, message);
        }
    }

  for (guint i = 0; values->alternative_emails != NULL && values->alternative_emails[i]; i++)
    {
      answer = lookup_domain (run, values->alternative_emails[i], values->organization_id,
                              values->department_id);
      if (answer->name == NULL)
        {
          add_field_problem (run, state, SCM_PERSON_FIELD_ALTERNATIVE_EMAILS, answer->message);
          return;
        }
    }
}

/* The checks that need no database, column by column. */
static void
check_fields (Run       *run,
              RowState  *state,
              RowValues *values)
{
  const char *validation = state->cells[SCM_PERSON_FIELD_VALIDATION_TYPE];
  const char *phone = state->cells[SCM_PERSON_FIELD_PHONE];

  check_email (run, state, values);
  check_text (run, state, SCM_PERSON_FIELD_FIRST_NAME, "The first name", SCM_NAME_MAX_CHARS,
              SCM_TEXT_REQUIRED, &values->first_name);
  check_text (run, state, SCM_PERSON_FIELD_MIDDLE_NAME, "The middle name", SCM_NAME_MAX_CHARS,
              0, &values->middle_name);
  check_text (run, state, SCM_PERSON_FIELD_LAST_NAME, "The last name", SCM_NAME_MAX_CHARS,
              SCM_TEXT_REQUIRED, &values->last_name);
  check_text (run, state, SCM_PERSON_FIELD_COMMON_NAME, "The common name",
              COMMON_NAME_MAX_CHARS, 0, &values->common_name);
  check_principal (run, state, SCM_PERSON_FIELD_UPN, "The UPN", &values->upn);
  check_principal (run, state, SCM_PERSON_FIELD_EPPN, "The EPPN", &values->eppn);

  if (!is_blank (phone))
    {
      g_autoptr(GError) local_error = NULL;

      if (!scm_validate_phone (phone, &values->phone, &local_error))
        add_field_problem (run, state, SCM_PERSON_FIELD_PHONE, local_error->message);
    }

  values->validation = SCM_VALIDATION_STANDARD;
  /* The usual spellings without copies; anything else the long way. */
  if (validation != NULL && g_ascii_strcasecmp (validation, "standard") == 0)
    values->validation = SCM_VALIDATION_STANDARD;
  else if (validation != NULL && g_ascii_strcasecmp (validation, "high") == 0)
    values->validation = SCM_VALIDATION_HIGH;
  else if (!is_blank (validation))
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (validation));
      g_autofree char *lower = g_utf8_strdown (trimmed, -1);

      if (!scm_validation_type_from_string (lower, &values->validation))
        {
          g_autofree char *shown = g_utf8_make_valid (validation, -1);
          g_autofree char *message =
            g_strdup_printf ("The validation type “%s” is not known; use standard or high.",
                             g_strstrip (shown));
          add_field_problem (run, state, SCM_PERSON_FIELD_VALIDATION_TYPE, message);
        }
    }

  check_secret_id (run, state, values);
  check_alternative_emails (run, state, values);
}

/* Sets the fields the file has on @person (all of them for a new one). */
static void
fill_person (Run       *run,
             ScmPerson *person,
             RowValues *values,
             gboolean   is_new)
{
#define HAS(field) (is_new || run->column_of[field] >= 0)
  scm_person_set_email (person, values->email);
  scm_person_set_organization_id (person, values->organization_id);
  scm_person_set_department_id (person, values->department_id);
  if (HAS (SCM_PERSON_FIELD_FIRST_NAME))
    scm_person_set_first_name (person, values->first_name);
  if (HAS (SCM_PERSON_FIELD_MIDDLE_NAME))
    scm_person_set_middle_name (person, values->middle_name);
  if (HAS (SCM_PERSON_FIELD_LAST_NAME))
    scm_person_set_last_name (person, values->last_name);
  if (HAS (SCM_PERSON_FIELD_COMMON_NAME))
    scm_person_set_common_name (person, values->common_name);
  if (HAS (SCM_PERSON_FIELD_PHONE))
    scm_person_set_phone (person, values->phone);
  if (HAS (SCM_PERSON_FIELD_UPN))
    scm_person_set_upn (person, values->upn);
  if (HAS (SCM_PERSON_FIELD_EPPN))
    scm_person_set_eppn (person, values->eppn);
  if (HAS (SCM_PERSON_FIELD_VALIDATION_TYPE))
    scm_person_set_validation_type (person, values->validation);
  if (HAS (SCM_PERSON_FIELD_ALTERNATIVE_EMAILS))
    scm_person_set_secondary_emails (person, (const char * const *) values->alternative_emails);
#undef HAS
}

/* Which column a refusal of the store is about. */
static ScmPersonField
field_of_store_error (const GError *error,
                      RowValues    *values)
{
  if (error->code == SCM_ERROR_WEAK_SECRET
      || (error->code == SCM_ERROR_DUPLICATE && values->secret_id != NULL
          && strstr (error->message, "Secret ID") != NULL))
    return SCM_PERSON_FIELD_SECRET_ID;
  if (error->code == SCM_ERROR_NOT_DELEGATED || error->code == SCM_ERROR_DUPLICATE)
    return SCM_PERSON_FIELD_EMAIL;
  return SCM_PERSON_FIELD_NONE;
}

/* Writes a valid row through the batch. FALSE on a database failure. */
static gboolean
write_row (Run       *run,
           RowState  *state,
           RowValues *values,
           GError   **error)
{
  ScmPersonImport *self = run->self;
  g_autoptr(ScmPerson) person = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean generate = self->generate_secret_ids && !self->dry_run;
  char *generated = NULL;
  gint64 existing = run->store_was_empty ? 0
                    : scm_store_person_batch_find (run->batch, values->email);
  gboolean ok;

  if (existing != 0 && self->existing == SCM_PERSON_IMPORT_SKIP_EXISTING)
    {
      state->row.status = SCM_PERSON_IMPORT_SKIPPED;
      return TRUE;
    }

  if (existing != 0)
    {
      person = scm_store_get_person (self->store, existing, error);
      if (person == NULL)
        return FALSE;
      fill_person (run, person, values, FALSE);
      ok = scm_store_person_batch_update (run->batch, person, values->secret_id,
                                          generate ? &generated : NULL, &local_error);
      state->row.status = SCM_PERSON_IMPORT_UPDATED;
    }
  else
    {
      person = scm_person_new ();
      fill_person (run, person, values, TRUE);
      ok = scm_store_person_batch_create (run->batch, person, values->secret_id,
                                          generate ? &generated : NULL, &local_error);
      state->row.status = SCM_PERSON_IMPORT_CREATED;
    }

  if (!ok)
    {
      ScmPersonField field;

      if (local_error->domain != SCM_ERROR || local_error->code == SCM_ERROR_FAILED)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      field = field_of_store_error (local_error, values);
      add_problem (run, state, field != SCM_PERSON_FIELD_NONE ? run->column_title[field] : NULL,
                   local_error->message);
      return TRUE;
    }

  if (generated != NULL)
    {
      GeneratedSecret entry = {
        .email = intern (self, scm_person_get_email (person)),
        .first_name = intern (self, scm_person_get_first_name (person)),
        .last_name = intern (self, scm_person_get_last_name (person)),
        .secret = self->secret_text_len,
      };

      /* Kept compactly: 100,000 of them are a usual file. */
      keep_secret (self, generated);
      g_array_append_val (self->secrets, entry);
      scm_secret_free (generated);
    }
  return TRUE;
}

/* Checks and writes the current record. FALSE on a failure that stops
 * the import. */
static gboolean
process_record (Run     *run,
                GError **error)
{
  ScmCsvReader *reader = run->reader;
  guint n_fields = scm_csv_reader_get_n_fields (reader);
  RowState state = { { 0 } };
  g_auto(RowValues) values = { 0 };
  gboolean empty = TRUE;

  state.row.line = scm_csv_reader_get_line (reader);
  state.row.status = SCM_PERSON_IMPORT_CREATED;

  for (guint i = 0; i < n_fields && empty; i++)
    empty = is_blank (scm_csv_reader_get_field (reader, i));
  /* Spreadsheets save empty rows as ";;;;": nothing to import. */
  if (empty)
    return TRUE;

  for (ScmPersonField field = 1; field < SCM_PERSON_N_FIELDS; field++)
    {
      int column = run->column_of[field];

      if (column >= 0 && (guint) column < n_fields)
        state.cells[field] = unescape_cell (scm_csv_reader_get_field (reader, column));
    }

  /* More values than columns: a separator inside an unquoted value has
   * shifted the later columns, so their checks would only mislead. */
  for (guint i = run->self->titles->len; i < n_fields; i++)
    if (!is_blank (scm_csv_reader_get_field (reader, i)))
      {
        g_autofree char *message =
          g_strdup_printf ("The row has %u values but the header names %u columns; put values "
                           "that contain “%c” in quotes.", n_fields, run->self->titles->len,
                           scm_csv_reader_get_separator (reader));
        state.row.email = intern (run->self, state.cells[SCM_PERSON_FIELD_EMAIL]);
        add_problem (run, &state, NULL, message);
        finish_row (run, &state);
        return TRUE;
      }

  check_fields (run, &state, &values);
  if (!check_delegation (run, &state, &values, error))
    return FALSE;

  if (state.row.n_problems == 0)
    check_domains (run, &state, &values);
  if (state.row.n_problems == 0 && !write_row (run, &state, &values, error))
    return FALSE;

  finish_row (run, &state);
  return TRUE;
}

/* A record the reader refused but could skip: a failed row. */
static void
add_reader_problem (Run    *run,
                    GError *reader_error)
{
  ScmPersonImport *self = run->self;
  guint column = scm_csv_reader_get_error_column (run->reader);
  RowState state = { { 0 } };
  const char *title = NULL;

  state.row.line = scm_csv_reader_get_error_line (run->reader);
  if (column > 0 && column <= self->titles->len)
    title = intern (self, g_ptr_array_index (self->titles, column - 1));
  else if (column > 0)
    {
      g_autofree char *name = g_strdup_printf ("%u", column);
      title = intern (self, name);
    }
  add_problem (run, &state, title, reader_error->message);
  finish_row (run, &state);
}

static void
report_progress (Run *run)
{
  ScmPersonImport *self = run->self;

  if (self->progress_func != NULL)
    self->progress_func (self, scm_csv_reader_get_bytes_read (run->reader), run->n_seen,
                         self->progress_data);
}

/* Where each field is; FALSE when a required column is missing. */
static gboolean
map_columns (Run     *run,
             GError **error)
{
  ScmPersonImport *self = run->self;
  const ScmPersonField required[] = {
    SCM_PERSON_FIELD_EMAIL, SCM_PERSON_FIELD_FIRST_NAME, SCM_PERSON_FIELD_LAST_NAME,
  };

  for (guint i = 0; i < SCM_PERSON_N_FIELDS; i++)
    run->column_of[i] = -1;
  g_ptr_array_set_size (self->ignored, 0);

  for (guint i = 0; i < self->fields->len; i++)
    {
      ScmPersonField field = g_array_index (self->fields, ScmPersonField, i);
      const char *title = g_ptr_array_index (self->titles, i);

      if (field == SCM_PERSON_FIELD_NONE)
        {
          if (*title != '\0')
            g_ptr_array_add (self->ignored, g_strdup (title));
          continue;
        }
      run->column_of[field] = i;
      run->column_title[field] = intern (self, *title != '\0' ? title
                                                               : scm_person_field_get_title (field));
    }

  for (gsize i = 0; i < G_N_ELEMENTS (required); i++)
    if (run->column_of[required[i]] < 0)
      {
        g_autoptr(GString) found = g_string_new (NULL);

        for (guint j = 0; j < self->titles->len; j++)
          g_string_append_printf (found, "%s%s", j > 0 ? ", " : "",
                                  (char *) g_ptr_array_index (self->titles, j));

        g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                     "The file has no %s column; its first line must name the columns, e.g. "
                     "Email, First Name, Last Name (found: %s).",
                     scm_person_field_get_title (required[i]), found->str);
        return FALSE;
      }
  if (run->column_of[SCM_PERSON_FIELD_ORGANIZATION] < 0 && self->default_organization == NULL)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           "The file has no Organization column; add one or choose a default "
                           "organization.");
      return FALSE;
    }
  return TRUE;
}

static gboolean
resolve_defaults (Run     *run,
                  GError **error)
{
  ScmPersonImport *self = run->self;
  g_autoptr(ScmOrganization) organization = NULL;
  g_autoptr(ScmDepartment) department = NULL;

  if (self->default_organization == NULL)
    {
      if (self->default_department != NULL)
        {
          g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                               "A default department needs a default organization.");
          return FALSE;
        }
      return TRUE;
    }
  organization = scm_store_find_organization_by_name (self->store, self->default_organization,
                                                      error);
  if (organization == NULL)
    return FALSE;
  run->default_organization_id = scm_organization_get_id (organization);
  if (self->default_department == NULL)
    return TRUE;
  department = scm_store_find_department_by_name (self->store, run->default_organization_id,
                                                  self->default_department, error);
  if (department == NULL)
    return FALSE;
  run->default_department_id = scm_department_get_id (department);
  return TRUE;
}

static char *
describe_counts (ScmPersonImport *self)
{
  return g_strdup_printf ("created %u, updated %u, skipped %u, failed %u",
                          self->counts[SCM_PERSON_IMPORT_CREATED],
                          self->counts[SCM_PERSON_IMPORT_UPDATED],
                          self->counts[SCM_PERSON_IMPORT_SKIPPED],
                          self->counts[SCM_PERSON_IMPORT_FAILED]);
}

gboolean
scm_person_import_run (ScmPersonImport *self,
                       GInputStream    *stream,
                       GCancellable    *cancellable,
                       GError         **error)
{
  Run run = { 0 };
  g_autofree char *source = NULL;
  g_autofree char *summary = NULL;
  GError *local_error = NULL;
  gboolean keep;

  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), FALSE);
  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  clear_results (self);
  run.self = self;
  run.cancellable = cancellable;
  run.reader = scm_csv_reader_new (stream);
  run.organizations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  run.departments = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  run.domains = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, domain_answer_free);
  run.emails = g_hash_table_new (g_str_hash, g_str_equal);
  run.secret_hashes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!read_titles (self, run.reader, cancellable, error)
      || !map_columns (&run, error)
      || !resolve_defaults (&run, error))
    {
      run_clear (&run);
      return FALSE;
    }

  source = self->source_name != NULL ? g_strdup_printf ("CSV import of %s", self->source_name)
                                     : g_strdup ("CSV import");
  run.batch = scm_store_person_batch_begin (self->store, source, error);
  if (run.batch == NULL)
    {
      run_clear (&run);
      return FALSE;
    }
  /* Counted inside the transaction, so it stays true; the file's own
   * duplicates are caught by run.emails. */
  run.store_was_empty = scm_store_count_persons (self->store, 0) == 0;

  for (;;)
    {
      if (scm_csv_reader_next (run.reader, cancellable, &local_error))
        {
          if (!process_record (&run, &local_error))
            break;
        }
      else if (local_error == NULL)
        break;  /* the end */
      else if (local_error->domain == SCM_CSV_ERROR && scm_csv_reader_can_continue (run.reader))
        {
          add_reader_problem (&run, local_error);
          g_clear_error (&local_error);
        }
      else
        break;

      if (++run.n_seen % PROGRESS_INTERVAL == 0)
        {
          report_progress (&run);
          if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
            break;
        }
    }

  if (local_error != NULL)
    {
      scm_store_person_batch_rollback (run.batch);
      forget_secrets (self);
      set_file_error (self, run.reader, error, local_error);
      run_clear (&run);
      return FALSE;
    }
  report_progress (&run);

  self->ran = TRUE;
  summary = describe_counts (self);
  keep = !self->dry_run
         && (self->counts[SCM_PERSON_IMPORT_FAILED] == 0
             || self->mode == SCM_PERSON_IMPORT_VALID_ONLY);
  if (!keep)
    {
      scm_store_person_batch_rollback (run.batch);
      forget_secrets (self);
      /* A refused import is worth a line in the log; a dry run is not. */
      if (!self->dry_run)
        {
          g_autofree char *message =
            g_strdup_printf ("Nothing imported from %s because rows failed: %s", source,
                             summary);
          if (!scm_store_add_audit_event (self->store, NULL, "person.import",
                                          self->source_name, SCM_AUDIT_FAILURE, message, error))
            {
              run_clear (&run);
              return FALSE;
            }
        }
      run_clear (&run);
      return TRUE;
    }

  {
    g_autofree char *message = g_strdup_printf ("Persons imported by %s: %s", source, summary);

    if (!scm_store_add_audit_event (self->store, NULL, "person.import", self->source_name,
                                    SCM_AUDIT_SUCCESS, message, &local_error)
        || !scm_store_person_batch_commit (g_steal_pointer (&run.batch), &local_error))
      {
        if (run.batch != NULL)
          scm_store_person_batch_rollback (run.batch);
        forget_secrets (self);
        g_propagate_error (error, local_error);
        run_clear (&run);
        self->ran = FALSE;
        return FALSE;
      }
  }
  self->committed = TRUE;
  run_clear (&run);
  return TRUE;
}

/* Results ---------------------------------------------------------------------- */

gboolean
scm_person_import_get_committed (ScmPersonImport *self)
{
  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), FALSE);

  return self->committed;
}

guint
scm_person_import_get_n_created (ScmPersonImport *self)
{
  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), 0);

  return self->counts[SCM_PERSON_IMPORT_CREATED];
}

guint
scm_person_import_get_n_updated (ScmPersonImport *self)
{
  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), 0);

  return self->counts[SCM_PERSON_IMPORT_UPDATED];
}

guint
scm_person_import_get_n_skipped (ScmPersonImport *self)
{
  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), 0);

  return self->counts[SCM_PERSON_IMPORT_SKIPPED];
}

guint
scm_person_import_get_n_failed (ScmPersonImport *self)
{
  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), 0);

  return self->counts[SCM_PERSON_IMPORT_FAILED];
}

guint
scm_person_import_get_n_rows (ScmPersonImport *self)
{
  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), 0);

  return self->rows->len;
}

const ScmPersonImportRow *
scm_person_import_get_row (ScmPersonImport *self,
                           guint            index)
{
  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), NULL);
  g_return_val_if_fail (index < self->rows->len, NULL);

  return &g_array_index (self->rows, ScmPersonImportRow, index);
}

guint
scm_person_import_get_n_problems (ScmPersonImport *self)
{
  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), 0);

  return self->problems->len;
}

const ScmPersonImportProblem *
scm_person_import_get_problem (ScmPersonImport *self,
                               guint            index)
{
  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), NULL);
  g_return_val_if_fail (index < self->problems->len, NULL);

  return &g_array_index (self->problems, ScmPersonImportProblem, index);
}

const char * const *
scm_person_import_get_ignored_columns (ScmPersonImport *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), NULL);

  /* An empty array may have no storage yet. */
  if (self->ignored->len == 0)
    return none;
  return (const char * const *) self->ignored->pdata;
}

guint
scm_person_import_get_n_secret_ids (ScmPersonImport *self)
{
  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), 0);

  return self->secrets->len;
}

gboolean
scm_person_import_write_secret_ids (ScmPersonImport *self,
                                    GOutputStream   *stream,
                                    GCancellable    *cancellable,
                                    GError         **error)
{
  g_autoptr(ScmCsvWriter) writer = NULL;
  const char *header[] = { "Email", "First Name", "Last Name", "Secret ID" };
  gboolean ok;

  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->secrets->len == 0)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                           "There are no generated Secret IDs to export: they are shown only "
                           "once, and this import has none left; generate new ones for the "
                           "persons who need them.");
      return FALSE;
    }

  writer = scm_csv_writer_new (stream);
  ok = scm_csv_writer_write_row (writer, header, G_N_ELEMENTS (header), cancellable, error);
  for (guint i = 0; ok && i < self->secrets->len; i++)
    {
      GeneratedSecret *entry = &g_array_index (self->secrets, GeneratedSecret, i);
      const char *row[] = { entry->email, entry->first_name, entry->last_name,
                            self->secret_text + entry->secret };

      ok = scm_csv_writer_write_row (writer, row, G_N_ELEMENTS (row), cancellable, error);
    }
  ok = scm_csv_writer_flush (writer, cancellable, ok ? error : NULL) && ok;

  /* Once, even when writing failed half-way: a secret may be on disk. */
  forget_secrets (self);
  return ok;
}

gboolean
scm_person_import_write_report (ScmPersonImport *self,
                                GOutputStream   *stream,
                                GCancellable    *cancellable,
                                GError         **error)
{
  g_autoptr(ScmCsvWriter) writer = NULL;
  const char *header[] = { "Line", "Column", "Email", "Problem" };
  gboolean ok;

  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  writer = scm_csv_writer_new (stream);
  ok = scm_csv_writer_write_row (writer, header, G_N_ELEMENTS (header), cancellable, error);
  for (guint i = 0; ok && i < self->problems->len; i++)
    {
      const ScmPersonImportProblem *problem = &g_array_index (self->problems,
                                                              ScmPersonImportProblem, i);
      char line[16];
      const char *row[] = { line, problem->column, problem->email, problem->message };

      g_snprintf (line, sizeof line, "%u", problem->line);
      ok = scm_csv_writer_write_row (writer, row, G_N_ELEMENTS (row), cancellable, error);
    }
  return scm_csv_writer_flush (writer, cancellable, ok ? error : NULL) && ok;
}

/* Export ----------------------------------------------------------------------------- */

static GHashTable *
new_name_table (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

static void
add_name (GHashTable *names,
          gint64      id,
          const char *name)
{
  gint64 *key = g_new (gint64, 1);

  *key = id;
  g_hash_table_insert (names, key, (gpointer) name);
}

gboolean
scm_person_export_csv (ScmStore      *store,
                       GOutputStream *stream,
                       GCancellable  *cancellable,
                       GError       **error)
{
  static const ScmPersonField columns[] = {
    SCM_PERSON_FIELD_FIRST_NAME, SCM_PERSON_FIELD_MIDDLE_NAME, SCM_PERSON_FIELD_LAST_NAME,
    SCM_PERSON_FIELD_EMAIL, SCM_PERSON_FIELD_ORGANIZATION, SCM_PERSON_FIELD_DEPARTMENT,
    SCM_PERSON_FIELD_DOMAIN, SCM_PERSON_FIELD_COMMON_NAME, SCM_PERSON_FIELD_VALIDATION_TYPE,
    SCM_PERSON_FIELD_PHONE, SCM_PERSON_FIELD_ALTERNATIVE_EMAILS, SCM_PERSON_FIELD_UPN,
    SCM_PERSON_FIELD_EPPN,
  };
  g_autoptr(GPtrArray) persons = NULL;
  g_autoptr(GPtrArray) organizations = NULL;
  g_autoptr(GPtrArray) departments = NULL;
  g_autoptr(GPtrArray) domains = NULL;
  g_autoptr(GHashTable) organization_names = NULL;
  g_autoptr(GHashTable) department_names = NULL;
  g_autoptr(GHashTable) domain_names = NULL;
  g_autoptr(ScmCsvWriter) writer = NULL;
  const char *header[G_N_ELEMENTS (columns)];
  gboolean ok;

  g_return_val_if_fail (SCM_IS_STORE (store), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((persons = scm_store_list_persons (store, 0, FALSE, error)) == NULL
      || (organizations = scm_store_list_organizations (store, error)) == NULL
      || (departments = scm_store_list_departments (store, 0, error)) == NULL
      || (domains = scm_store_list_domains (store, 0, error)) == NULL)
    return FALSE;

  /* The names stay owned by the listed objects. */
  organization_names = new_name_table ();
  for (guint i = 0; i < organizations->len; i++)
    {
      ScmOrganization *organization = g_ptr_array_index (organizations, i);
      add_name (organization_names, scm_organization_get_id (organization),
                scm_organization_get_name (organization));
    }
  department_names = new_name_table ();
  for (guint i = 0; i < departments->len; i++)
    {
      ScmDepartment *department = g_ptr_array_index (departments, i);
      add_name (department_names, scm_department_get_id (department),
                scm_department_get_name (department));
    }
  domain_names = new_name_table ();
  for (guint i = 0; i < domains->len; i++)
    {
      ScmDomain *domain = g_ptr_array_index (domains, i);
      add_name (domain_names, scm_domain_get_id (domain), scm_domain_get_name (domain));
    }

  for (gsize i = 0; i < G_N_ELEMENTS (columns); i++)
    header[i] = scm_person_field_get_title (columns[i]);
  writer = scm_csv_writer_new (stream);
  ok = scm_csv_writer_write_row (writer, header, G_N_ELEMENTS (header), cancellable, error);

  for (guint i = 0; ok && i < persons->len; i++)
    {
      ScmPerson *person = g_ptr_array_index (persons, i);
      gint64 organization_id = scm_person_get_organization_id (person);
      gint64 department_id = scm_person_get_department_id (person);
      gint64 domain_id = scm_person_get_domain_id (person);
      const char * const *secondary = scm_person_get_secondary_emails (person);
      g_autofree char *alternatives = secondary != NULL ? g_strjoinv (",", (char **) secondary)
                                                        : NULL;
      const char *row[G_N_ELEMENTS (columns)];

      for (gsize j = 0; j < G_N_ELEMENTS (columns); j++)
        switch (columns[j])
          {
          case SCM_PERSON_FIELD_FIRST_NAME:
            row[j] = scm_person_get_first_name (person);
            break;
          case SCM_PERSON_FIELD_MIDDLE_NAME:
            row[j] = scm_person_get_middle_name (person);
            break;
          case SCM_PERSON_FIELD_LAST_NAME:
            row[j] = scm_person_get_last_name (person);
            break;
          case SCM_PERSON_FIELD_EMAIL:
            row[j] = scm_person_get_email (person);
            break;
          case SCM_PERSON_FIELD_ORGANIZATION:
            row[j] = g_hash_table_lookup (organization_names, &organization_id);
            break;
          case SCM_PERSON_FIELD_DEPARTMENT:
            row[j] = department_id != 0 ? g_hash_table_lookup (department_names, &department_id)
                                        : NULL;
            break;
          case SCM_PERSON_FIELD_DOMAIN:
            row[j] = g_hash_table_lookup (domain_names, &domain_id);
            break;
          case SCM_PERSON_FIELD_COMMON_NAME:
            row[j] = scm_person_get_common_name (person);
            break;
          case SCM_PERSON_FIELD_VALIDATION_TYPE:
            row[j] = scm_validation_type_to_string (scm_person_get_validation_type (person));
            break;
          case SCM_PERSON_FIELD_PHONE:
            row[j] = scm_person_get_phone (person);
            break;
          case SCM_PERSON_FIELD_ALTERNATIVE_EMAILS:
            row[j] = alternatives;
            break;
          case SCM_PERSON_FIELD_UPN:
            row[j] = scm_person_get_upn (person);
            break;
          case SCM_PERSON_FIELD_EPPN:
            row[j] = scm_person_get_eppn (person);
            break;
          case SCM_PERSON_FIELD_NONE:
          case SCM_PERSON_FIELD_SECRET_ID:
          case SCM_PERSON_N_FIELDS:
          default:
            row[j] = NULL;
            break;
          }
      ok = scm_csv_writer_write_row (writer, row, G_N_ELEMENTS (row), cancellable, error);
    }
  return scm_csv_writer_flush (writer, cancellable, ok ? error : NULL) && ok;
}
