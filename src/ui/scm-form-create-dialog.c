/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-dialog-util.h"
#include "scm-error.h"
#include "scm-form-create-dialog.h"
#include "scm-store-task.h"
#include "scm-validate.h"

struct _ScmFormCreateDialog
{
  AdwWindow parent_instance;

  ScmAuthority *authority;
  GHashTable *taken_names;         /* casefolded names of the listed forms */
  GCancellable *cancellable;
  gboolean saving;

  AdwWindowTitle *window_title;
  GtkLabel *error_label;
  AdwEntryRow *name_row;
  GtkLabel *name_error;
  AdwComboRow *type_row;
};

G_DEFINE_FINAL_TYPE (ScmFormCreateDialog, scm_form_create_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
dup_name_key (const char *name)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (name));

  return g_utf8_casefold (trimmed, -1);
}

static gboolean
check_name (ScmFormCreateDialog  *self,
            char                **out,
            GError              **error)
{
  g_autofree char *name = NULL;
  g_autofree char *key = NULL;

  if (!scm_validate_name (gtk_editable_get_text (GTK_EDITABLE (self->name_row)), _("The form name"),
                          &name, error))
    return FALSE;
  key = dup_name_key (name);
  if (g_hash_table_contains (self->taken_names, key))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                   _("A form named “%s” exists already; choose another name."), name);
      return FALSE;
    }
  if (out != NULL)
    *out = g_steal_pointer (&name);
  return TRUE;
}

static gboolean
validate (ScmFormCreateDialog *self)
{
  g_autoptr (GError) name_error = NULL;
  gboolean valid;
  gboolean touched;

  if (self->taken_names == NULL)
    return FALSE;

  valid = check_name (self, NULL, &name_error);
  /* An empty name only complains once someone typed in it. */
  touched = g_object_get_data (G_OBJECT (self->name_row), "scm-touched") != NULL;
  scm_dialog_set_field_error (self->name_error, GTK_WIDGET (self->name_row), name_error, touched);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.save", valid && !self->saving);
  return valid;
}

static void
validate_cb (ScmFormCreateDialog *self)
{
  g_object_set_data (G_OBJECT (self->name_row), "scm-touched", GINT_TO_POINTER (TRUE));
  validate (self);
}

static void
entry_activated_cb (ScmFormCreateDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "dialog.save", NULL);
}

typedef struct
{
  ScmStore *store;
  ScmForm *form;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->store);
  g_clear_object (&data->form);
  g_free (data);
}

static gboolean
save_changes (SaveData  *data,
              GError   **error)
{
  return scm_store_create_form (data->store, data->form, error);
}

static void
save_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ScmFormCreateDialog *self = SCM_FORM_CREATE_DIALOG (source);
  SaveData *data = scm_store_task_get_data (result);
  g_autoptr (GError) error = NULL;

  self->saving = FALSE;
  if (!scm_store_task_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      validate (self);
      return;
    }

  g_signal_emit (self, signals[SIGNAL_CREATED], 0, data->form);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ScmFormCreateDialog *self = SCM_FORM_CREATE_DIALOG (widget);
  g_autofree char *name = NULL;
  SaveData *data;

  if (self->saving || !validate (self))
    return;
  check_name (self, &name, NULL);

  data = g_new0 (SaveData, 1);
  data->store = g_object_ref (scm_authority_get_store (self->authority));
  data->form = scm_form_new ();
  scm_form_set_name (data->form, name);
  /* The only type there is (the row lists just it). */
  scm_form_set_form_type (data->form, SCM_FORM_TYPE_CLIENT_SELF_ENROLLMENT);
  scm_form_set_authentication (data->form, SCM_AUTHENTICATION_EMAIL_CONFIRMATION);
  scm_form_set_all_organizations (data->form, TRUE);
  scm_form_set_enabled (data->form, TRUE);
  /* No URI extension: the store draws 128 random bits. */

  self->saving = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  validate (self);
  scm_store_task_run (self, data->store, (ScmStoreChangeFunc) save_changes, data,
                      (GDestroyNotify) save_data_free, self->cancellable, save_activated,
                      save_cb, NULL);
}

static void
scm_form_create_dialog_dispose (GObject *object)
{
  ScmFormCreateDialog *self = SCM_FORM_CREATE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SCM_TYPE_FORM_CREATE_DIALOG);

  G_OBJECT_CLASS (scm_form_create_dialog_parent_class)->dispose (object);
}

static void
scm_form_create_dialog_finalize (GObject *object)
{
  ScmFormCreateDialog *self = SCM_FORM_CREATE_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->authority);
  g_clear_pointer (&self->taken_names, g_hash_table_unref);

  G_OBJECT_CLASS (scm_form_create_dialog_parent_class)->finalize (object);
}

static void
scm_form_create_dialog_class_init (ScmFormCreateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scm_form_create_dialog_dispose;
  object_class->finalize = scm_form_create_dialog_finalize;

  signals[SIGNAL_CREATED] =
    g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SCM_TYPE_FORM);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-form-create-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ScmFormCreateDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, ScmFormCreateDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, ScmFormCreateDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, ScmFormCreateDialog, name_error);
  gtk_widget_class_bind_template_child (widget_class, ScmFormCreateDialog, type_row);
  gtk_widget_class_bind_template_callback (widget_class, validate_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, save_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
scm_form_create_dialog_init (ScmFormCreateDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  adw_window_title_set_title (self->window_title, _("Create Enrollment Form"));
}

ScmFormCreateDialog *
scm_form_create_dialog_new (GtkWindow    *parent,
                            ScmAuthority *authority,
                            GListModel   *forms)
{
  ScmFormCreateDialog *self;
  guint n_forms;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SCM_IS_AUTHORITY (authority), NULL);
  g_return_val_if_fail (forms == NULL || G_IS_LIST_MODEL (forms), NULL);

  self = g_object_new (SCM_TYPE_FORM_CREATE_DIALOG,
                       "transient-for", parent,
                       "title", _("Create Enrollment Form"),
                       NULL);
  self->authority = g_object_ref (authority);

  /* The store decides for good when saving. */
  self->taken_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  n_forms = forms ? g_list_model_get_n_items (forms) : 0;
  for (guint i = 0; i < n_forms; i++)
    {
      g_autoptr (ScmForm) form = g_list_model_get_item (forms, i);

      g_hash_table_add (self->taken_names, dup_name_key (scm_form_get_name (form)));
    }

  validate (self);
  return self;
}
