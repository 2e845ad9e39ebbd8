/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <string.h>

#include "scm-csv-reader.h"

#define CHUNK_SIZE (64 * 1024)

/* What the next byte means, RFC 4180 §2 plus two common leniencies:
 * spaces around a quoted field and a quote inside an unquoted field are
 * accepted as people type them. */
typedef enum
{
  STATE_FIELD_START,
  STATE_UNQUOTED,
  STATE_QUOTED,
  STATE_QUOTE_IN_QUOTED,   /* a quote inside a quoted field: closing or doubled */
  STATE_AFTER_QUOTE,       /* spaces after the closing quote */
  STATE_SKIP,              /* the rest of a bad record */
} State;

struct _ScmCsvReader
{
  GObject parent_instance;

  GInputStream *stream;
  char separator;
  gsize max_field_size;
  guint max_fields;

  guint8 *buffer;
  gsize buffer_len;
  gsize buffer_pos;
  gboolean eof;
  gboolean started;
  gboolean broken;
  gboolean skip_lf;        /* the last byte was a CR ending a line */
  guint64 bytes_read;

  guint line;              /* the line the next byte is on */
  guint record_line;
  GString *record;         /* the fields, each followed by a NUL */
  GArray *offsets;         /* guint: where each field starts in @record */

  guint error_line;
  guint error_column;
};

G_DEFINE_QUARK (scm-csv-error-quark, scm_csv_error)

G_DEFINE_FINAL_TYPE (ScmCsvReader, scm_csv_reader, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STREAM,
  PROP_SEPARATOR,
  PROP_MAX_FIELD_SIZE,
  PROP_MAX_FIELDS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
scm_csv_reader_finalize (GObject *object)
{
  ScmCsvReader *self = SCM_CSV_READER (object);

  g_clear_object (&self->stream);
  g_free (self->buffer);
  g_string_free (self->record, TRUE);
  g_array_unref (self->offsets);

  G_OBJECT_CLASS (scm_csv_reader_parent_class)->finalize (object);
}

static void
scm_csv_reader_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ScmCsvReader *self = SCM_CSV_READER (object);

  switch (prop_id)
    {
    case PROP_STREAM:
      g_value_set_object (value, self->stream);
      break;

    case PROP_SEPARATOR:
      g_value_set_schar (value, self->separator);
      break;

    case PROP_MAX_FIELD_SIZE:
      g_value_set_uint64 (value, self->max_field_size);
      break;

    case PROP_MAX_FIELDS:
      g_value_set_uint (value, self->max_fields);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_csv_reader_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ScmCsvReader *self = SCM_CSV_READER (object);

  switch (prop_id)
    {
    case PROP_STREAM:
      self->stream = g_value_dup_object (value);
      break;

    case PROP_SEPARATOR:
      scm_csv_reader_set_separator (self, g_value_get_schar (value));
      break;

    case PROP_MAX_FIELD_SIZE:
      scm_csv_reader_set_max_field_size (self, g_value_get_uint64 (value));
      break;

    case PROP_MAX_FIELDS:
      scm_csv_reader_set_max_fields (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_csv_reader_class_init (ScmCsvReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = scm_csv_reader_finalize;
  object_class->get_property = scm_csv_reader_get_property;
  object_class->set_property = scm_csv_reader_set_property;

  properties[PROP_STREAM] =
    g_param_spec_object ("stream", NULL, NULL, G_TYPE_INPUT_STREAM,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEPARATOR] =
    g_param_spec_char ("separator", NULL, NULL, 0, G_MAXINT8, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_FIELD_SIZE] =
    g_param_spec_uint64 ("max-field-size", NULL, NULL, 1, G_MAXUINT32,
                         SCM_CSV_DEFAULT_MAX_FIELD_SIZE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_FIELDS] =
    g_param_spec_uint ("max-fields", NULL, NULL, 1, G_MAXUINT16, SCM_CSV_DEFAULT_MAX_FIELDS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
scm_csv_reader_init (ScmCsvReader *self)
{
  self->max_field_size = SCM_CSV_DEFAULT_MAX_FIELD_SIZE;
  self->max_fields = SCM_CSV_DEFAULT_MAX_FIELDS;
  self->buffer = g_malloc (CHUNK_SIZE);
  self->line = 1;
  self->record = g_string_sized_new (256);
  self->offsets = g_array_sized_new (FALSE, FALSE, sizeof (guint), 32);
}

ScmCsvReader *
scm_csv_reader_new (GInputStream *stream)
{
  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  return g_object_new (SCM_TYPE_CSV_READER, "stream", stream, NULL);
}

GInputStream *
scm_csv_reader_get_stream (ScmCsvReader *self)
{
  g_return_val_if_fail (SCM_IS_CSV_READER (self), NULL);

  return self->stream;
}

char
scm_csv_reader_get_separator (ScmCsvReader *self)
{
  g_return_val_if_fail (SCM_IS_CSV_READER (self), 0);

  return self->separator;
}

void
scm_csv_reader_set_separator (ScmCsvReader *self,
                              char          separator)
{
  g_return_if_fail (SCM_IS_CSV_READER (self));
  g_return_if_fail (separator == 0 || separator == ',' || separator == ';'
                    || separator == '\t');
  g_return_if_fail (!self->started);

  if (self->separator == separator)
    return;
  self->separator = separator;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEPARATOR]);
}

gsize
scm_csv_reader_get_max_field_size (ScmCsvReader *self)
{
  g_return_val_if_fail (SCM_IS_CSV_READER (self), 0);

  return self->max_field_size;
}

void
scm_csv_reader_set_max_field_size (ScmCsvReader *self,
                                   gsize         max_field_size)
{
  g_return_if_fail (SCM_IS_CSV_READER (self));
  g_return_if_fail (max_field_size > 0 && max_field_size <= G_MAXUINT32);

  if (self->max_field_size == max_field_size)
    return;
  self->max_field_size = max_field_size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_FIELD_SIZE]);
}

guint
scm_csv_reader_get_max_fields (ScmCsvReader *self)
{
  g_return_val_if_fail (SCM_IS_CSV_READER (self), 0);

  return self->max_fields;
}

void
scm_csv_reader_set_max_fields (ScmCsvReader *self,
                               guint         max_fields)
{
  g_return_if_fail (SCM_IS_CSV_READER (self));
  g_return_if_fail (max_fields > 0 && max_fields <= G_MAXUINT16);

  if (self->max_fields == max_fields)
    return;
  self->max_fields = max_fields;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_FIELDS]);
}

/* Reads more input after what is left in the buffer. FALSE on error;
 * sets self->eof when the stream has nothing more. */
static gboolean
fill_buffer (ScmCsvReader *self,
             GCancellable *cancellable,
             GError      **error)
{
  gssize n;

  if (self->buffer_pos > 0)
    {
      memmove (self->buffer, self->buffer + self->buffer_pos,
               self->buffer_len - self->buffer_pos);
      self->buffer_len -= self->buffer_pos;
      self->buffer_pos = 0;
    }
  if (self->buffer_len == CHUNK_SIZE)
    return TRUE;

  n = g_input_stream_read (self->stream, self->buffer + self->buffer_len,
                           CHUNK_SIZE - self->buffer_len, cancellable, error);
  if (n < 0)
    {
      self->broken = TRUE;
      return FALSE;
    }
  if (n == 0)
    self->eof = TRUE;
  self->buffer_len += n;
  self->bytes_read += n;
  return TRUE;
}

static gboolean
fail (ScmCsvReader *self,
      GError      **error,
      guint         line,
      guint         column,
      ScmCsvError   code,
      const char   *format,
      ...) G_GNUC_PRINTF (6, 7);

static gboolean
fail (ScmCsvReader *self,
      GError      **error,
      guint         line,
      guint         column,
      ScmCsvError   code,
      const char   *format,
      ...)
{
  va_list args;

  /* The first problem of a record is the one reported. */
  if (error != NULL && *error != NULL)
    return FALSE;
  self->error_line = line;
  self->error_column = column;
  if (error == NULL)
    return FALSE;
  va_start (args, format);
  *error = g_error_new_valist (SCM_CSV_ERROR, code, format, args);
  va_end (args);
  return FALSE;
}

/* A first line "sep=;" (Excel writes it) names the separator; otherwise
 * the separator that occurs most often outside quotes in the first line
 * wins, comma when there is none. */
static void
detect_separator (ScmCsvReader *self)
{
  const guint8 *p = self->buffer + self->buffer_pos;
  const guint8 *end = self->buffer + self->buffer_len;
  guint commas = 0, semicolons = 0, tabs = 0;
  gboolean quoted = FALSE;

  if (end - p >= 5 && memcmp (p, "sep=", 4) == 0
      && (p[4] == ',' || p[4] == ';' || p[4] == '\t')
      && (end - p == 5 || p[5] == '\r' || p[5] == '\n'))
    {
      self->separator = (char) p[4];
      self->buffer_pos += 5;
      if (self->buffer_pos < self->buffer_len && self->buffer[self->buffer_pos] == '\r')
        self->buffer_pos++;
      if (self->buffer_pos < self->buffer_len && self->buffer[self->buffer_pos] == '\n')
        self->buffer_pos++;
      self->line++;
      return;
    }

  for (; p < end; p++)
    {
      if (*p == '"')
        quoted = !quoted;
      else if (quoted)
        continue;
      else if (*p == '\n' || *p == '\r')
        break;
      else if (*p == ',')
        commas++;
      else if (*p == ';')
        semicolons++;
      else if (*p == '\t')
        tabs++;
    }

  if (semicolons > commas && semicolons >= tabs)
    self->separator = ';';
  else if (tabs > commas && tabs > semicolons)
    self->separator = '\t';
  else
    self->separator = ',';
}

/* The start of the input: the byte order mark, the separator. Enough of
 * the first line must be in the buffer to see the separator. */
static gboolean
start (ScmCsvReader *self,
       GCancellable *cancellable,
       GError      **error)
{
  const guint8 *p;

  self->started = TRUE;
  while (!self->eof && self->buffer_len < CHUNK_SIZE
         && memchr (self->buffer, '\n', self->buffer_len) == NULL
         && memchr (self->buffer, '\r', self->buffer_len) == NULL)
    if (!fill_buffer (self, cancellable, error))
      return FALSE;

  p = self->buffer;
  if (self->buffer_len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
    self->buffer_pos = 3;
  else if (self->buffer_len >= 2
           && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)))
    {
      self->broken = TRUE;
      return fail (self, error, 1, 0, SCM_CSV_ERROR_ENCODING,
                   "The file is in UTF-16; save it as UTF-8 (in Excel: “CSV UTF-8”).");
    }

  if (self->separator == 0)
    {
      detect_separator (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEPARATOR]);
    }
  return TRUE;
}

static inline gsize
current_field_length (ScmCsvReader *self)
{
  guint start = g_array_index (self->offsets, guint, self->offsets->len - 1);

  return self->record->len - start;
}

static void
begin_field (ScmCsvReader *self)
{
  guint offset = (guint) self->record->len;

  g_array_append_val (self->offsets, offset);
}

/* Ends the current field. */
static inline void
end_field (ScmCsvReader *self)
{
  g_string_append_c (self->record, '\0');
}

/* Counts a line end (CR, LF or CRLF) just read. */
static inline void
count_line (ScmCsvReader *self,
            int           c)
{
  self->line++;
  self->skip_lf = c == '\r';
}

/* The next byte, or -1 at the end of the input, or -2 on error. */
static inline int
read_byte (ScmCsvReader *self,
           GCancellable *cancellable,
           GError      **error)
{
  if (self->buffer_pos == self->buffer_len)
    {
      if (self->eof)
        return -1;
      if (!fill_buffer (self, cancellable, error))
        return -2;
      if (self->buffer_pos == self->buffer_len)
        return -1;
    }
  return self->buffer[self->buffer_pos++];
}

/* Appends the buffered bytes after the one just read that cannot end or
 * change the field (no separator, quote, line end or NUL) in one copy,
 * up to the field size limit: the byte-by-byte states then see only the
 * bytes that matter, which makes reading several times faster. */
static void
append_plain_run (ScmCsvReader *self,
                  char          separator)
{
  const guint8 *start = self->buffer + self->buffer_pos;
  const guint8 *end = self->buffer + self->buffer_len;
  gsize length = current_field_length (self);
  const guint8 *p = start;

  if (length >= self->max_field_size)
    return;
  if ((gsize) (end - start) > self->max_field_size - length)
    end = start + (self->max_field_size - length);
  while (p < end && *p != (guint8) separator && *p != '"' && *p != '\r' && *p != '\n'
         && *p != '\0')
    p++;
  g_string_append_len (self->record, (const char *) start, p - start);
  self->buffer_pos += p - start;
}

static gboolean
fail_unterminated (ScmCsvReader *self,
                   GError      **error,
                   guint         line,
                   guint         column)
{
  self->broken = TRUE;
  return fail (self, error, line, column, SCM_CSV_ERROR_UNTERMINATED_QUOTE,
               "The quoted field that starts here is never closed; add the closing "
               "quote (\").");
}

gboolean
scm_csv_reader_next (ScmCsvReader *self,
                     GCancellable *cancellable,
                     GError      **error)
{
  g_autoptr(GError) problem = NULL;
  State state = STATE_FIELD_START;
  guint field_line = 0;
  gboolean blank = TRUE;          /* nothing but a line end so far */
  gboolean only_spaces = FALSE;   /* the unquoted field so far is spaces */
  gboolean skip_at_start = FALSE; /* skipping, at the start of a field */
  gboolean skip_quoted = FALSE;   /* skipping, inside quotes */
  char separator;

  g_return_val_if_fail (SCM_IS_CSV_READER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (!self->broken, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!self->started && !start (self, cancellable, error))
    return FALSE;
  separator = self->separator;

  g_string_truncate (self->record, 0);
  g_array_set_size (self->offsets, 0);
  self->record_line = self->line;

  for (;;)
    {
      int c = read_byte (self, cancellable, error);

      gboolean quoted = state == STATE_QUOTED || (state == STATE_SKIP && skip_quoted);
      gboolean lf_after_cr;

      if (c == -2)
        return FALSE;
      /* The LF of a CRLF: the line was counted at the CR. Outside quotes
       * it ends nothing more; inside, it is part of the value. */
      lf_after_cr = c == '\n' && self->skip_lf;
      self->skip_lf = FALSE;
      if (lf_after_cr && !quoted)
        {
          if (blank)
            self->record_line = self->line;
          continue;
        }

      if (state == STATE_SKIP)
        {
          /* The rest of a bad record, without keeping it, minding quotes
           * so that a line break inside them does not end it. */
          if (skip_quoted)
            {
              if (c == -1)
                {
                  g_clear_error (&problem);
                  return fail_unterminated (self, error, field_line, self->offsets->len);
                }
              if (c == '\r' || (c == '\n' && !lf_after_cr))
                count_line (self, c);
              else if (c == '"')
                {
                  int next = read_byte (self, cancellable, error);

                  if (next == -2)
                    return FALSE;
                  if (next != '"')
                    {
                      skip_quoted = FALSE;
                      if (next != -1)
                        self->buffer_pos--;
                    }
                }
              continue;
            }
          if (c == '\r' || c == '\n')
            {
              count_line (self, c);
              break;
            }
          if (c == -1)
            break;
          if (c == '"' && skip_at_start)
            skip_quoted = TRUE;
          skip_at_start = c == separator;
          continue;
        }

      if (c == 0)
        {
          guint column = self->offsets->len + (state == STATE_FIELD_START ? 1 : 0);

          fail (self, &problem, self->line, column, SCM_CSV_ERROR_NUL,
                "The field contains a NUL byte; the file is probably not text, or is in "
                "UTF-16 (save it as UTF-8).");
          skip_quoted = state == STATE_QUOTED;
          field_line = self->line;
          state = STATE_SKIP;
          continue;
        }

      switch (state)
        {
        case STATE_FIELD_START:
          if (c == -1 && blank)
            return FALSE;  /* the end of the input */
          if (self->offsets->len == self->max_fields)
            {
              fail (self, &problem, self->record_line, self->max_fields + 1,
                    SCM_CSV_ERROR_TOO_MANY_FIELDS,
                    "The record has more than %u fields; check the separator.",
                    self->max_fields);
              state = STATE_SKIP;
              skip_at_start = TRUE;
              if (c != -1)
                self->buffer_pos--;
              continue;
            }
          begin_field (self);
          field_line = self->line;
          only_spaces = FALSE;
          if (c == '"')
            {
              state = STATE_QUOTED;
              blank = FALSE;
              break;
            }
          state = STATE_UNQUOTED;
          G_GNUC_FALLTHROUGH;

        case STATE_UNQUOTED:
          if (c == separator)
            {
              end_field (self);
              state = STATE_FIELD_START;
              blank = FALSE;
            }
          else if (c == '\r' || c == '\n' || c == -1)
            {
              if (c != -1)
                count_line (self, c);
              if (!blank)
                {
                  end_field (self);
                  goto record_done;
                }
              /* An empty line: not a record. */
              g_array_set_size (self->offsets, 0);
              self->record_line = self->line;
              if (c == -1)
                return FALSE;
              state = STATE_FIELD_START;
            }
          else if (c == '"' && only_spaces)
            {
              /* Spaces before an opening quote: drop them. */
              g_string_truncate (self->record,
                                 g_array_index (self->offsets, guint, self->offsets->len - 1));
              state = STATE_QUOTED;
            }
          else
            {
              blank = FALSE;
              only_spaces = c == ' ' && (only_spaces || current_field_length (self) == 0);
              if (current_field_length (self) >= self->max_field_size)
                {
                  fail (self, &problem, field_line, self->offsets->len,
                        SCM_CSV_ERROR_FIELD_TOO_LONG,
                        "The field is longer than %" G_GSIZE_FORMAT " bytes.",
                        self->max_field_size);
                  state = STATE_SKIP;
                  skip_at_start = FALSE;
                  continue;
                }
              g_string_append_c (self->record, (char) c);
              if (!only_spaces)
                append_plain_run (self, separator);
            }
          break;

        case STATE_QUOTED:
          if (c == '"')
            state = STATE_QUOTE_IN_QUOTED;
          else if (c == -1)
            {
              g_clear_error (&problem);
              return fail_unterminated (self, error, field_line, self->offsets->len);
            }
          else if (current_field_length (self) >= self->max_field_size)
            {
              fail (self, &problem, field_line, self->offsets->len,
                    SCM_CSV_ERROR_FIELD_TOO_LONG,
                    "The quoted field is longer than %" G_GSIZE_FORMAT " bytes; is its "
                    "closing quote missing?", self->max_field_size);
              /* Read this byte again while skipping inside the quotes. */
              self->buffer_pos--;
              self->skip_lf = lf_after_cr;
              state = STATE_SKIP;
              skip_quoted = TRUE;
            }
          else
            {
              if (c == '\r' || (c == '\n' && !lf_after_cr))
                count_line (self, c);
              g_string_append_c (self->record, (char) c);
              /* After a line end the next byte may be the LF of a CRLF. */
              if (c != '\r' && c != '\n')
                append_plain_run (self, '"');
            }
          break;

        case STATE_QUOTE_IN_QUOTED:
          if (c == '"')
            {
              /* A doubled quote: one quote in the value. */
              if (current_field_length (self) >= self->max_field_size)
                {
                  fail (self, &problem, field_line, self->offsets->len,
                        SCM_CSV_ERROR_FIELD_TOO_LONG,
                        "The field is longer than %" G_GSIZE_FORMAT " bytes.",
                        self->max_field_size);
                  state = STATE_SKIP;
                  skip_quoted = TRUE;
                  break;
                }
              g_string_append_c (self->record, '"');
              state = STATE_QUOTED;
              break;
            }
          state = STATE_AFTER_QUOTE;
          G_GNUC_FALLTHROUGH;

        case STATE_AFTER_QUOTE:
          if (c == separator)
            {
              end_field (self);
              state = STATE_FIELD_START;
            }
          else if (c == '\r' || c == '\n' || c == -1)
            {
              if (c != -1)
                count_line (self, c);
              end_field (self);
              goto record_done;
            }
          else if (c == ' ' || c == '\t')
            ;
          else
            {
              fail (self, &problem, self->line, self->offsets->len, SCM_CSV_ERROR_QUOTE,
                    "Text follows the closing quote of the field; put the whole field in "
                    "quotes and double each quote inside it (\"\").");
              state = STATE_SKIP;
              skip_at_start = FALSE;
            }
          break;

        case STATE_SKIP:
        default:
          g_assert_not_reached ();
        }
    }

record_done:
  if (problem != NULL)
    {
      g_array_set_size (self->offsets, 0);
      g_string_truncate (self->record, 0);
      g_propagate_error (error, g_steal_pointer (&problem));
      return FALSE;
    }

  /* Each field is checked once, whole, so a character split across two
   * chunks of input is never mistaken for a bad one. */
  for (guint i = 0; i < self->offsets->len; i++)
    {
      const char *field = self->record->str + g_array_index (self->offsets, guint, i);

      if (!g_utf8_validate (field, scm_csv_reader_get_field_length (self, i), NULL))
        {
          g_array_set_size (self->offsets, 0);
          g_string_truncate (self->record, 0);
          return fail (self, error, self->record_line, i + 1, SCM_CSV_ERROR_ENCODING,
                       "The field is not valid UTF-8; save the file as UTF-8 (in Excel: "
                       "“CSV UTF-8”).");
        }
    }
  return TRUE;
}

guint
scm_csv_reader_get_n_fields (ScmCsvReader *self)
{
  g_return_val_if_fail (SCM_IS_CSV_READER (self), 0);

  return self->offsets->len;
}

const char *
scm_csv_reader_get_field (ScmCsvReader *self,
                          guint         index)
{
  g_return_val_if_fail (SCM_IS_CSV_READER (self), NULL);
  g_return_val_if_fail (index < self->offsets->len, NULL);

  return self->record->str + g_array_index (self->offsets, guint, index);
}

gsize
scm_csv_reader_get_field_length (ScmCsvReader *self,
                                 guint         index)
{
  guint start, end;

  g_return_val_if_fail (SCM_IS_CSV_READER (self), 0);
  g_return_val_if_fail (index < self->offsets->len, 0);

  start = g_array_index (self->offsets, guint, index);
  end = index + 1 < self->offsets->len ? g_array_index (self->offsets, guint, index + 1)
                                       : (guint) self->record->len;
  /* Without the NUL that ends each field. */
  return end - start - 1;
}

guint
scm_csv_reader_get_line (ScmCsvReader *self)
{
  g_return_val_if_fail (SCM_IS_CSV_READER (self), 0);

  return self->record_line;
}

guint
scm_csv_reader_get_error_line (ScmCsvReader *self)
{
  g_return_val_if_fail (SCM_IS_CSV_READER (self), 0);

  return self->error_line;
}

guint
scm_csv_reader_get_error_column (ScmCsvReader *self)
{
  g_return_val_if_fail (SCM_IS_CSV_READER (self), 0);

  return self->error_column;
}

gboolean
scm_csv_reader_can_continue (ScmCsvReader *self)
{
  g_return_val_if_fail (SCM_IS_CSV_READER (self), FALSE);

  return !self->broken;
}

guint64
scm_csv_reader_get_bytes_read (ScmCsvReader *self)
{
  g_return_val_if_fail (SCM_IS_CSV_READER (self), 0);

  /* What the parser consumed, not what sits in the buffer. */
  return self->bytes_read - (self->buffer_len - self->buffer_pos);
}
