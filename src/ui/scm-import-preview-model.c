/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-import-preview-model.h"
#include "scm-import-preview-row.h"

struct _ScmImportPreviewModel
{
  GObject parent_instance;

  ScmPersonImport *import;
  GArray *failed;          /* guint: indexes of the failed rows */
  gboolean errors_only;
};

static void scm_import_preview_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ScmImportPreviewModel, scm_import_preview_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      scm_import_preview_model_list_model_init))

enum
{
  PROP_0,
  PROP_ERRORS_ONLY,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
get_item_type (GListModel *model)
{
  return SCM_TYPE_IMPORT_PREVIEW_ROW;
}

static guint
get_n_items (GListModel *model)
{
  ScmImportPreviewModel *self = SCM_IMPORT_PREVIEW_MODEL (model);

  if (self->errors_only)
    return self->failed->len;
  return scm_person_import_get_n_rows (self->import);
}

static const char *
status_text (ScmPersonImportStatus status)
{
  switch (status)
    {
    case SCM_PERSON_IMPORT_CREATED:
      /* Translators: what the import does with a row of the file. */
      return _("New");
    case SCM_PERSON_IMPORT_UPDATED:
      return _("Update");
    case SCM_PERSON_IMPORT_SKIPPED:
      return _("Skip, exists");
    case SCM_PERSON_IMPORT_FAILED:
    default:
      return _("Error");
    }
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  ScmImportPreviewModel *self = SCM_IMPORT_PREVIEW_MODEL (model);
  const ScmPersonImportRow *row;
  g_autoptr (GString) reason = g_string_new (NULL);

  if (position >= get_n_items (model))
    return NULL;
  if (self->errors_only)
    position = g_array_index (self->failed, guint, position);
  row = scm_person_import_get_row (self->import, position);

  for (guint i = 0; i < row->n_problems; i++)
    {
      const ScmPersonImportProblem *problem =
        scm_person_import_get_problem (self->import, row->first_problem + i);

      if (reason->len > 0)
        g_string_append_c (reason, ' ');
      if (problem->column != NULL && *problem->column != '\0')
        /* Translators: a problem of a CSV row: the column's title, then why. */
        g_string_append_printf (reason, _("%s: %s"), problem->column, problem->message);
      else
        g_string_append (reason, problem->message);
    }

  return scm_import_preview_row_new (row->line, row->email, status_text (row->status),
                                     reason->str, row->status == SCM_PERSON_IMPORT_FAILED);
}

static void
scm_import_preview_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
scm_import_preview_model_finalize (GObject *object)
{
  ScmImportPreviewModel *self = SCM_IMPORT_PREVIEW_MODEL (object);

  g_clear_object (&self->import);
  g_array_unref (self->failed);

  G_OBJECT_CLASS (scm_import_preview_model_parent_class)->finalize (object);
}

static void
scm_import_preview_model_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  ScmImportPreviewModel *self = SCM_IMPORT_PREVIEW_MODEL (object);

  switch (prop_id)
    {
    case PROP_ERRORS_ONLY:
      g_value_set_boolean (value, self->errors_only);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, get_n_items (G_LIST_MODEL (self)));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_import_preview_model_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  ScmImportPreviewModel *self = SCM_IMPORT_PREVIEW_MODEL (object);

  switch (prop_id)
    {
    case PROP_ERRORS_ONLY:
      scm_import_preview_model_set_errors_only (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_import_preview_model_class_init (ScmImportPreviewModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = scm_import_preview_model_finalize;
  object_class->get_property = scm_import_preview_model_get_property;
  object_class->set_property = scm_import_preview_model_set_property;

  properties[PROP_ERRORS_ONLY] =
    g_param_spec_boolean ("errors-only", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
scm_import_preview_model_init (ScmImportPreviewModel *self)
{
  self->failed = g_array_new (FALSE, FALSE, sizeof (guint));
}

ScmImportPreviewModel *
scm_import_preview_model_new (ScmPersonImport *import)
{
  ScmImportPreviewModel *self;
  guint n_rows;

  g_return_val_if_fail (SCM_IS_PERSON_IMPORT (import), NULL);

  self = g_object_new (SCM_TYPE_IMPORT_PREVIEW_MODEL, NULL);
  self->import = g_object_ref (import);
  n_rows = scm_person_import_get_n_rows (import);
  for (guint i = 0; i < n_rows; i++)
    if (scm_person_import_get_row (import, i)->status == SCM_PERSON_IMPORT_FAILED)
      g_array_append_val (self->failed, i);
  return self;
}

gboolean
scm_import_preview_model_get_errors_only (ScmImportPreviewModel *self)
{
  g_return_val_if_fail (SCM_IS_IMPORT_PREVIEW_MODEL (self), FALSE);

  return self->errors_only;
}

void
scm_import_preview_model_set_errors_only (ScmImportPreviewModel *self,
                                          gboolean               errors_only)
{
  guint before;

  g_return_if_fail (SCM_IS_IMPORT_PREVIEW_MODEL (self));

  errors_only = !!errors_only;
  if (self->errors_only == errors_only)
    return;
  before = get_n_items (G_LIST_MODEL (self));
  self->errors_only = errors_only;
  g_list_model_items_changed (G_LIST_MODEL (self), 0, before, get_n_items (G_LIST_MODEL (self)));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERRORS_ONLY]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}
