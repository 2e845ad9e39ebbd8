/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include "scm-import-preview-row.h"

struct _ScmImportPreviewRow
{
  GObject parent_instance;

  guint line;
  char *email;
  char *status;
  char *reason;
  gboolean failed;
};

G_DEFINE_FINAL_TYPE (ScmImportPreviewRow, scm_import_preview_row, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_LINE,
  PROP_EMAIL,
  PROP_STATUS,
  PROP_REASON,
  PROP_FAILED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
scm_import_preview_row_finalize (GObject *object)
{
  ScmImportPreviewRow *self = SCM_IMPORT_PREVIEW_ROW (object);

  g_free (self->email);
  g_free (self->status);
  g_free (self->reason);

  G_OBJECT_CLASS (scm_import_preview_row_parent_class)->finalize (object);
}

static void
scm_import_preview_row_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  ScmImportPreviewRow *self = SCM_IMPORT_PREVIEW_ROW (object);

  switch (prop_id)
    {
    case PROP_LINE:
      g_value_set_uint (value, self->line);
      break;

    case PROP_EMAIL:
      g_value_set_string (value, self->email);
      break;

    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;

    case PROP_REASON:
      g_value_set_string (value, self->reason);
      break;

    case PROP_FAILED:
      g_value_set_boolean (value, self->failed);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_import_preview_row_class_init (ScmImportPreviewRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = scm_import_preview_row_finalize;
  object_class->get_property = scm_import_preview_row_get_property;

  /* Read-only: a row describes a finished validation and never changes. */
  properties[PROP_LINE] = g_param_spec_uint ("line", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_EMAIL] = g_param_spec_string ("email", NULL, NULL, "", flags);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, "", flags);
  properties[PROP_REASON] = g_param_spec_string ("reason", NULL, NULL, "", flags);
  properties[PROP_FAILED] = g_param_spec_boolean ("failed", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
scm_import_preview_row_init (ScmImportPreviewRow *self)
{
}

ScmImportPreviewRow *
scm_import_preview_row_new (guint       line,
                            const char *email,
                            const char *status,
                            const char *reason,
                            gboolean    failed)
{
  ScmImportPreviewRow *self = g_object_new (SCM_TYPE_IMPORT_PREVIEW_ROW, NULL);

  self->line = line;
  self->email = g_strdup (email != NULL ? email : "");
  self->status = g_strdup (status != NULL ? status : "");
  self->reason = g_strdup (reason != NULL ? reason : "");
  self->failed = !!failed;
  return self;
}

guint
scm_import_preview_row_get_line (ScmImportPreviewRow *self)
{
  g_return_val_if_fail (SCM_IS_IMPORT_PREVIEW_ROW (self), 0);

  return self->line;
}

const char *
scm_import_preview_row_get_email (ScmImportPreviewRow *self)
{
  g_return_val_if_fail (SCM_IS_IMPORT_PREVIEW_ROW (self), NULL);

  return self->email;
}

const char *
scm_import_preview_row_get_status (ScmImportPreviewRow *self)
{
  g_return_val_if_fail (SCM_IS_IMPORT_PREVIEW_ROW (self), NULL);

  return self->status;
}

const char *
scm_import_preview_row_get_reason (ScmImportPreviewRow *self)
{
  g_return_val_if_fail (SCM_IS_IMPORT_PREVIEW_ROW (self), NULL);

  return self->reason;
}

gboolean
scm_import_preview_row_get_failed (ScmImportPreviewRow *self)
{
  g_return_val_if_fail (SCM_IS_IMPORT_PREVIEW_ROW (self), FALSE);

  return self->failed;
}
