/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-dialog-util.h"
#include "scm-store-task.h"
#include "scm-domain-dialog.h"
#include "scm-error.h"
#include "scm-validate.h"

struct _ScmDomainDialog
{
  AdwWindow parent_instance;

  ScmAuthority *authority;
  ScmListIndex *index;
  ScmDomain *domain;               /* NULL when adding */
  GArray *organization_ids;        /* parallel to organization_names */
  GArray *department_ids;          /* parallel to department_names; 0 first */
  GCancellable *cancellable;
  gboolean saving;

  AdwWindowTitle *window_title;
  GtkLabel *error_label;
  AdwEntryRow *name_row;
  GtkLabel *name_error;
  AdwComboRow *organization_row;
  GtkStringList *organization_names;
  AdwComboRow *department_row;
  GtkStringList *department_names;
  GtkLabel *delegation_error;
  GtkSwitch *validated_switch;
};

G_DEFINE_FINAL_TYPE (ScmDomainDialog, scm_domain_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
check_name (ScmDomainDialog  *self,
            char            **out,
            GError          **error)
{
  GPtrArray *domains = scm_list_index_get_domains (self->index);
  gint64 organization_id = scm_dialog_get_selected_id (self->organization_row, self->organization_ids);
  gint64 department_id = scm_dialog_get_selected_id (self->department_row, self->department_ids);
  g_autofree char *name = NULL;

  if (!scm_validate_dns_name (gtk_editable_get_text (GTK_EDITABLE (self->name_row)), TRUE, &name, error))
    return FALSE;

  for (guint i = 0; i < domains->len; i++)
    {
      ScmDomain *other = domains->pdata[i];

      if (self->domain != NULL && scm_domain_get_id (other) == scm_domain_get_id (self->domain))
        continue;
      if (g_str_equal (scm_domain_get_name (other), name) &&
          scm_domain_get_organization_id (other) == organization_id &&
          scm_domain_get_department_id (other) == department_id)
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                       _("%s is delegated there already. Edit that delegation instead."), name);
          return FALSE;
        }
    }

  if (out != NULL)
    *out = g_steal_pointer (&name);
  return TRUE;
}

static gboolean
validate (ScmDomainDialog *self)
{
  g_autoptr (GError) name_error = NULL;
  g_autoptr (GError) delegation_error = NULL;
  gboolean valid = TRUE;

  valid &= check_name (self, NULL, &name_error);
  if (scm_dialog_get_selected_id (self->organization_row, self->organization_ids) == 0)
               {
                 g_set_error_literal (&delegation_error, SCM_ERROR, SCM_ERROR_INVALID,
                                      _("Add an organization first: a domain is delegated to one."));
      valid = FALSE;
    }

  scm_dialog_set_field_error (self->name_error, GTK_WIDGET (self->name_row), name_error,
                              g_object_get_data (G_OBJECT (self->name_row), "scm-touched") != NULL ||
                              *gtk_editable_get_text (GTK_EDITABLE (self->name_row)) != '\0');
  scm_dialog_set_field_error (self->delegation_error, GTK_WIDGET (self->organization_row), delegation_error, TRUE);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.save", valid && !self->saving);
  return valid;
}

static void
validate_cb (ScmDomainDialog *self,
             GParamSpec      *pspec,
             GtkWidget       *field)
{
  validate (self);
}

static void
name_changed_cb (ScmDomainDialog *self)
{
  g_object_set_data (G_OBJECT (self->name_row), "scm-touched", GINT_TO_POINTER (TRUE));
  validate (self);
}

static void
entry_activated_cb (ScmDomainDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "dialog.save", NULL);
}

static void
organization_changed_cb (ScmDomainDialog *self)
{
  gint64 organization_id = scm_dialog_get_selected_id (self->organization_row, self->organization_ids);
  g_autoptr (GPtrArray) departments = scm_list_index_list_departments (self->index, organization_id);
  gint64 zero = 0;
  const char **names;

  g_array_set_size (self->department_ids, 0);
  g_array_append_val (self->department_ids, zero);
  names = g_new0 (const char *, departments->len + 2);
  names[0] = _("Whole organization");
  for (guint i = 0; i < departments->len; i++)
    {
      gint64 id = scm_department_get_id (departments->pdata[i]);

      g_array_append_val (self->department_ids, id);
      names[i + 1] = scm_department_get_name (departments->pdata[i]);
    }
  gtk_string_list_splice (self->department_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->department_names)),
                          names);
  g_free (names);
  adw_combo_row_set_selected (self->department_row, 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->department_row), departments->len > 0);
  validate (self);
}

/* Saving ----------------------------------------------------------------- */

typedef struct
{
  ScmStore *store;
  ScmDomain *domain;
  gboolean validated;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->store);
  g_clear_object (&data->domain);
  g_free (data);
}

static gboolean
save_changes (SaveData  *data,
              GError   **error)
{
  if (scm_domain_get_id (data->domain) == 0)
    {
      if (!scm_store_create_domain (data->store, data->domain, error))
        return FALSE;
    }
  else if (!scm_store_update_domain (data->store, data->domain, error))
    return FALSE;

  /* A new domain, a new name or a new delegation is pending until
   * someone validates it. */
  if (scm_domain_get_validated (data->domain) != data->validated)
    return scm_store_set_domain_validated (data->store, data->domain, data->validated, error);
  return TRUE;
}

static void
save_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ScmDomainDialog *self = SCM_DOMAIN_DIALOG (source);
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

  g_signal_emit (self, signals[SIGNAL_SAVED], 0, data->domain);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ScmDomainDialog *self = SCM_DOMAIN_DIALOG (widget);
  g_autofree char *name = NULL;
  SaveData *data;

  if (self->saving || !validate (self))
    return;
  check_name (self, &name, NULL);

  data = g_new0 (SaveData, 1);
  data->store = g_object_ref (scm_authority_get_store (self->authority));
  data->domain = scm_domain_new ();
  data->validated = gtk_switch_get_active (self->validated_switch);
  /* A copy: the listed object changes only once the store took it. */
  if (self->domain != NULL)
    {
      scm_domain_set_id (data->domain, scm_domain_get_id (self->domain));
      scm_domain_set_validated (data->domain, scm_domain_get_validated (self->domain));
    }
  scm_domain_set_name (data->domain, name);
  scm_domain_set_organization_id (data->domain,
                                  scm_dialog_get_selected_id (self->organization_row, self->organization_ids));
  scm_domain_set_department_id (data->domain,
                                scm_dialog_get_selected_id (self->department_row, self->department_ids));

  self->saving = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  validate (self);

  scm_store_task_run (self, data->store, (ScmStoreChangeFunc) save_changes, data,
                      (GDestroyNotify) save_data_free, self->cancellable, save_activated,
                      save_cb, NULL);
}

/* GObject ------------------------------------------------------------------- */

static void
scm_domain_dialog_dispose (GObject *object)
{
  ScmDomainDialog *self = SCM_DOMAIN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SCM_TYPE_DOMAIN_DIALOG);

  G_OBJECT_CLASS (scm_domain_dialog_parent_class)->dispose (object);
}

static void
scm_domain_dialog_finalize (GObject *object)
{
  ScmDomainDialog *self = SCM_DOMAIN_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->authority);
  g_clear_object (&self->index);
  g_clear_object (&self->domain);
  g_clear_pointer (&self->organization_ids, g_array_unref);
  g_clear_pointer (&self->department_ids, g_array_unref);

  G_OBJECT_CLASS (scm_domain_dialog_parent_class)->finalize (object);
}

static void
scm_domain_dialog_class_init (ScmDomainDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scm_domain_dialog_dispose;
  object_class->finalize = scm_domain_dialog_finalize;

  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SCM_TYPE_DOMAIN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-domain-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ScmDomainDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, ScmDomainDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, ScmDomainDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, ScmDomainDialog, name_error);
  gtk_widget_class_bind_template_child (widget_class, ScmDomainDialog, organization_row);
  gtk_widget_class_bind_template_child (widget_class, ScmDomainDialog, organization_names);
  gtk_widget_class_bind_template_child (widget_class, ScmDomainDialog, department_row);
  gtk_widget_class_bind_template_child (widget_class, ScmDomainDialog, department_names);
  gtk_widget_class_bind_template_child (widget_class, ScmDomainDialog, delegation_error);
  gtk_widget_class_bind_template_child (widget_class, ScmDomainDialog, validated_switch);
  gtk_widget_class_bind_template_callback (widget_class, validate_cb);
  gtk_widget_class_bind_template_callback (widget_class, name_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, organization_changed_cb);

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, save_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
scm_domain_dialog_init (ScmDomainDialog *self)
{
  self->cancellable = g_cancellable_new ();
  self->organization_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->department_ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  gtk_widget_init_template (GTK_WIDGET (self));
}

ScmDomainDialog *
scm_domain_dialog_new (GtkWindow    *parent,
                       ScmAuthority *authority,
                       ScmListIndex *index,
                       ScmDomain    *domain)
{
  ScmDomainDialog *self;
  GPtrArray *organizations;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SCM_IS_AUTHORITY (authority), NULL);
  g_return_val_if_fail (SCM_IS_LIST_INDEX (index), NULL);
  g_return_val_if_fail (domain == NULL || SCM_IS_DOMAIN (domain), NULL);

  self = g_object_new (SCM_TYPE_DOMAIN_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->authority = g_object_ref (authority);
  self->index = g_object_ref (index);
  self->domain = domain ? g_object_ref (domain) : NULL;

  organizations = scm_list_index_get_organizations (index);
  for (guint i = 0; i < organizations->len; i++)
    {
      gint64 id = scm_organization_get_id (organizations->pdata[i]);

      g_array_append_val (self->organization_ids, id);
      gtk_string_list_append (self->organization_names,
                              scm_organization_get_name (organizations->pdata[i]));
    }
  organization_changed_cb (self);

  if (domain != NULL)
    {
      adw_window_title_set_title (self->window_title, _("Edit Domain"));
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Domain"));
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), scm_domain_get_name (domain));
      scm_dialog_select_id (self->organization_row, self->organization_ids, scm_domain_get_organization_id (domain));
      scm_dialog_select_id (self->department_row, self->department_ids, scm_domain_get_department_id (domain));
      gtk_switch_set_active (self->validated_switch, scm_domain_get_validated (domain));
    }
  else
    {
      adw_window_title_set_title (self->window_title, _("Add Domain"));
      gtk_window_set_title (GTK_WINDOW (self), _("Add Domain"));
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->organization_row), organizations->len > 0);

  validate (self);
  return self;
}
