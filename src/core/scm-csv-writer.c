/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <string.h>

#include "scm-csv-writer.h"

/* Written to the stream in pieces of about this size. */
#define FLUSH_SIZE (64 * 1024)

struct _ScmCsvWriter
{
  GObject parent_instance;

  GOutputStream *stream;
  char separator;
  gboolean escape_formulas;
  GString *pending;
};

G_DEFINE_FINAL_TYPE (ScmCsvWriter, scm_csv_writer, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STREAM,
  PROP_SEPARATOR,
  PROP_ESCAPE_FORMULAS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
scm_csv_writer_finalize (GObject *object)
{
  ScmCsvWriter *self = SCM_CSV_WRITER (object);

  if (self->pending->len > 0)
    g_warning ("A CSV writer was finalized with %" G_GSIZE_FORMAT " bytes not flushed",
               self->pending->len);
  g_clear_object (&self->stream);
  g_string_free (self->pending, TRUE);

  G_OBJECT_CLASS (scm_csv_writer_parent_class)->finalize (object);
}

static void
scm_csv_writer_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ScmCsvWriter *self = SCM_CSV_WRITER (object);

  switch (prop_id)
    {
    case PROP_STREAM:
      g_value_set_object (value, self->stream);
      break;

    case PROP_SEPARATOR:
      g_value_set_schar (value, self->separator);
      break;

    case PROP_ESCAPE_FORMULAS:
      g_value_set_boolean (value, self->escape_formulas);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_csv_writer_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ScmCsvWriter *self = SCM_CSV_WRITER (object);

  switch (prop_id)
    {
    case PROP_STREAM:
      self->stream = g_value_dup_object (value);
      break;

    case PROP_SEPARATOR:
      scm_csv_writer_set_separator (self, g_value_get_schar (value));
      break;

    case PROP_ESCAPE_FORMULAS:
      scm_csv_writer_set_escape_formulas (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_csv_writer_class_init (ScmCsvWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = scm_csv_writer_finalize;
  object_class->get_property = scm_csv_writer_get_property;
  object_class->set_property = scm_csv_writer_set_property;

  properties[PROP_STREAM] =
    g_param_spec_object ("stream", NULL, NULL, G_TYPE_OUTPUT_STREAM,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEPARATOR] =
    g_param_spec_char ("separator", NULL, NULL, 1, G_MAXINT8, ',',
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ESCAPE_FORMULAS] =
    g_param_spec_boolean ("escape-formulas", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
scm_csv_writer_init (ScmCsvWriter *self)
{
  self->separator = ',';
  self->escape_formulas = TRUE;
  self->pending = g_string_sized_new (FLUSH_SIZE + 4096);
}

ScmCsvWriter *
scm_csv_writer_new (GOutputStream *stream)
{
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), NULL);

  return g_object_new (SCM_TYPE_CSV_WRITER, "stream", stream, NULL);
}

GOutputStream *
scm_csv_writer_get_stream (ScmCsvWriter *self)
{
  g_return_val_if_fail (SCM_IS_CSV_WRITER (self), NULL);

  return self->stream;
}

char
scm_csv_writer_get_separator (ScmCsvWriter *self)
{
  g_return_val_if_fail (SCM_IS_CSV_WRITER (self), 0);

  return self->separator;
}

void
scm_csv_writer_set_separator (ScmCsvWriter *self,
                              char          separator)
{
  g_return_if_fail (SCM_IS_CSV_WRITER (self));
  g_return_if_fail (separator == ',' || separator == ';' || separator == '\t');

  if (self->separator == separator)
    return;
  self->separator = separator;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEPARATOR]);
}

gboolean
scm_csv_writer_get_escape_formulas (ScmCsvWriter *self)
{
  g_return_val_if_fail (SCM_IS_CSV_WRITER (self), FALSE);

  return self->escape_formulas;
}

void
scm_csv_writer_set_escape_formulas (ScmCsvWriter *self,
                                    gboolean      escape_formulas)
{
  g_return_if_fail (SCM_IS_CSV_WRITER (self));

  escape_formulas = !!escape_formulas;
  if (self->escape_formulas == escape_formulas)
    return;
  self->escape_formulas = escape_formulas;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ESCAPE_FORMULAS]);
}

gboolean
scm_csv_is_formula_like (const char *value)
{
  return value != NULL && value[0] != '\0' && strchr ("=+-@\t\r", value[0]) != NULL;
}

static void
append_field (GString    *out,
              const char *value,
              char        separator,
              gboolean    escape_formulas)
{
  const char specials[] = { separator, '"', '\r', '\n', '\0' };
  gboolean escape = escape_formulas && scm_csv_is_formula_like (value);
  gboolean quote;

  if (value == NULL)
    return;

  quote = strpbrk (value, specials) != NULL;
  if (!quote && !escape)
    {
      g_string_append (out, value);
      return;
    }

  if (quote)
    g_string_append_c (out, '"');
  /* The single quote goes inside the quotes: spreadsheets then show the
   * value as text and hide the quote. */
  if (escape)
    g_string_append_c (out, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  if (quote)
    g_string_append_c (out, '"');
}

char *
scm_csv_format_field (const char *value,
                      char        separator,
                      gboolean    escape_formulas)
{
  GString *out = g_string_new (NULL);

  append_field (out, value, separator, escape_formulas);
  return g_string_free (out, FALSE);
}

gboolean
scm_csv_writer_flush (ScmCsvWriter *self,
                      GCancellable *cancellable,
                      GError      **error)
{
  gboolean ok;

  g_return_val_if_fail (SCM_IS_CSV_WRITER (self), FALSE);

  ok = g_output_stream_write_all (self->stream, self->pending->str, self->pending->len, NULL,
                                  cancellable, error);
  g_string_truncate (self->pending, 0);
  return ok;
}

gboolean
scm_csv_writer_write_row (ScmCsvWriter       *self,
                          const char * const *fields,
                          gssize              n_fields,
                          GCancellable       *cancellable,
                          GError            **error)
{
  g_return_val_if_fail (SCM_IS_CSV_WRITER (self), FALSE);
  g_return_val_if_fail (fields != NULL || n_fields == 0, FALSE);

  if (n_fields < 0)
    n_fields = g_strv_length ((char **) fields);

  for (gssize i = 0; i < n_fields; i++)
    {
      if (i > 0)
        g_string_append_c (self->pending, self->separator);
      append_field (self->pending, fields[i], self->separator, self->escape_formulas);
    }
  /* A record of one empty field would read back as an empty line. */
  if (n_fields == 1 && (fields[0] == NULL || fields[0][0] == '\0'))
    g_string_append (self->pending, "\"\"");
  g_string_append (self->pending, "\r\n");

  if (self->pending->len >= FLUSH_SIZE)
    return scm_csv_writer_flush (self, cancellable, error);
  return TRUE;
}
