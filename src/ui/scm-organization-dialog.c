/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-dialog-util.h"
#include "scm-store-task.h"
#include "scm-error.h"
#include "scm-organization-dialog.h"
#include "scm-validate.h"

struct _ScmOrganizationDialog
{
  AdwWindow parent_instance;

  ScmAuthority *authority;
  ScmListIndex *index;
  ScmOrganization *organization;   /* NULL when adding */
  GPtrArray *departments;          /* of DepartmentEntry, as listed */
  GArray *removed_department_ids;
  GCancellable *cancellable;
  gboolean saving;

  AdwWindowTitle *window_title;
  GtkLabel *error_label;
  AdwEntryRow *name_row;
  GtkLabel *name_error;
  AdwEntryRow *secondary_name_row;
  GtkLabel *secondary_name_error;
  AdwEntryRow *country_row;
  GtkLabel *country_error;
  AdwPreferencesGroup *departments_group;
  AdwEntryRow *new_department_row;
  GtkLabel *new_department_error;
};

G_DEFINE_FINAL_TYPE (ScmOrganizationDialog, scm_organization_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  gint64 id;         /* 0: added in this dialog */
  char *name;
  GtkWidget *row;
} DepartmentEntry;

static void
department_entry_free (DepartmentEntry *entry)
{
  g_free (entry->name);
  g_free (entry);
}

static const char *
get_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static gboolean
was_touched (AdwEntryRow *row)
{
  return g_object_get_data (G_OBJECT (row), "scm-touched") != NULL;
}

static gboolean
check_name (ScmOrganizationDialog  *self,
            char                  **out,
            GError                **error)
{
  GPtrArray *organizations = scm_list_index_get_organizations (self->index);
  g_autofree char *name = NULL;
  g_autofree char *folded = NULL;

  if (!scm_validate_name (get_text (self->name_row), _("Name"), &name, error))
    return FALSE;

  folded = g_utf8_casefold (name, -1);
  for (guint i = 0; i < organizations->len; i++)
    {
      ScmOrganization *other = organizations->pdata[i];
      g_autofree char *other_folded = g_utf8_casefold (scm_organization_get_name (other), -1);

      if (self->organization != NULL &&
          scm_organization_get_id (other) == scm_organization_get_id (self->organization))
        continue;
      if (g_str_equal (folded, other_folded))
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                       _("An organization named “%s” exists already. Choose another name."), name);
          return FALSE;
        }
    }

  if (out != NULL)
    *out = g_steal_pointer (&name);
  return TRUE;
}

static gboolean
check_department_name (ScmOrganizationDialog  *self,
                       const char             *value,
                       char                  **out,
                       GError                **error)
{
  g_autofree char *name = NULL;
  g_autofree char *folded = NULL;

  if (!scm_validate_name (value, _("Department name"), &name, error))
    return FALSE;

  folded = g_utf8_casefold (name, -1);
  for (guint i = 0; i < self->departments->len; i++)
    {
      DepartmentEntry *entry = self->departments->pdata[i];
      g_autofree char *other = g_utf8_casefold (entry->name, -1);

      if (g_str_equal (folded, other))
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                       _("The organization has a department “%s” already."), name);
          return FALSE;
        }
    }

  if (out != NULL)
    *out = g_steal_pointer (&name);
  return TRUE;
}

static gboolean
validate (ScmOrganizationDialog *self)
{
  g_autoptr (GError) name_error = NULL;
  g_autoptr (GError) secondary_error = NULL;
  g_autoptr (GError) country_error = NULL;
  g_autoptr (GError) department_error = NULL;
  const char *country = get_text (self->country_row);
  const char *department = get_text (self->new_department_row);
  gboolean valid = TRUE;

  valid &= check_name (self, NULL, &name_error);
  valid &= scm_validate_text (get_text (self->secondary_name_row), _("Secondary name"),
                              SCM_NAME_MAX_CHARS, 0, NULL, &secondary_error);
  if (*country != '\0')
    valid &= scm_validate_country (country, NULL, &country_error);
  /* A department typed but not yet added is saved too, so it must be
   * valid as well. */
  if (*department != '\0')
    valid &= check_department_name (self, department, NULL, &department_error);

  /* An empty required field only complains once someone typed in it. */
  scm_dialog_set_field_error (self->name_error, GTK_WIDGET (self->name_row), name_error,
                              was_touched (self->name_row) || *get_text (self->name_row) != '\0');
  scm_dialog_set_field_error (self->secondary_name_error, GTK_WIDGET (self->secondary_name_row), secondary_error, TRUE);
  scm_dialog_set_field_error (self->country_error, GTK_WIDGET (self->country_row), country_error, TRUE);
  scm_dialog_set_field_error (self->new_department_error, GTK_WIDGET (self->new_department_row), department_error, TRUE);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.save", valid && !self->saving);
  return valid;
}

static void
validate_cb (ScmOrganizationDialog *self,
             GtkWidget             *field)
{
  g_object_set_data (G_OBJECT (field), "scm-touched", GINT_TO_POINTER (TRUE));
  validate (self);
}

static void
entry_activated_cb (ScmOrganizationDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "dialog.save", NULL);
}

static void
remove_department_cb (GtkButton             *button,
                      ScmOrganizationDialog *self)
{
  DepartmentEntry *entry = g_object_get_data (G_OBJECT (button), "scm-department");

  if (entry->id != 0)
    g_array_append_val (self->removed_department_ids, entry->id);
  adw_preferences_group_remove (self->departments_group, entry->row);
  g_ptr_array_remove (self->departments, entry);
  validate (self);
}

static void
append_department (ScmOrganizationDialog *self,
                   gint64                 id,
                   const char            *name)
{
  DepartmentEntry *entry = g_new0 (DepartmentEntry, 1);
  g_autofree char *remove_label = g_strdup_printf (_("Remove department %s"), name);
  GtkWidget *button;

  entry->id = id;
  entry->name = g_strdup (name);
  entry->row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (entry->row), name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (entry->row), FALSE);
  if (id == 0)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (entry->row), _("Added when you save"));

  button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, remove_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label,
                                  -1);
  g_object_set_data (G_OBJECT (button), "scm-department", entry);
  g_signal_connect (button, "clicked", G_CALLBACK (remove_department_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (entry->row), button);

  adw_preferences_group_add (self->departments_group, entry->row);
  g_ptr_array_add (self->departments, entry);
}

static void
add_department_cb (ScmOrganizationDialog *self)
{
  g_autofree char *name = NULL;
  g_autoptr (GError) error = NULL;

  if (!check_department_name (self, get_text (self->new_department_row), &name, &error))
    {
      scm_dialog_set_field_error (self->new_department_error, GTK_WIDGET (self->new_department_row), error, TRUE);
      return;
    }
  append_department (self, 0, name);
  gtk_editable_set_text (GTK_EDITABLE (self->new_department_row), "");
  validate (self);
}

/* Saving ----------------------------------------------------------------- */

typedef struct
{
  ScmStore *store;
  ScmOrganization *organization;
  GPtrArray *new_departments;      /* of char * */
  GArray *removed_department_ids;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->store);
  g_clear_object (&data->organization);
  g_clear_pointer (&data->new_departments, g_ptr_array_unref);
  g_clear_pointer (&data->removed_department_ids, g_array_unref);
  g_free (data);
}

static gboolean
save_changes (SaveData  *data,
              GError   **error)
{
  gint64 id;

  if (scm_organization_get_id (data->organization) == 0)
    {
      if (!scm_store_create_organization (data->store, data->organization, error))
        return FALSE;
    }
  else if (!scm_store_update_organization (data->store, data->organization, error))
    return FALSE;

  id = scm_organization_get_id (data->organization);
  for (guint i = 0; i < data->removed_department_ids->len; i++)
    if (!scm_store_delete_department (data->store,
                                      g_array_index (data->removed_department_ids, gint64, i),
                                      error))
      return FALSE;

  for (guint i = 0; i < data->new_departments->len; i++)
    {
      g_autoptr (ScmDepartment) department = scm_department_new ();

      scm_department_set_organization_id (department, id);
      scm_department_set_name (department, data->new_departments->pdata[i]);
      if (!scm_store_create_department (data->store, department, error))
        return FALSE;
    }
  return TRUE;
}

static void
save_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ScmOrganizationDialog *self = SCM_ORGANIZATION_DIALOG (source);
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

  g_signal_emit (self, signals[SIGNAL_SAVED], 0, data->organization);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ScmOrganizationDialog *self = SCM_ORGANIZATION_DIALOG (widget);
  g_autofree char *name = NULL;
  g_autofree char *secondary_name = NULL;
  g_autofree char *country = NULL;
  const char *typed_department = get_text (self->new_department_row);
  SaveData *data;

  if (self->saving || !validate (self))
    return;

  data = g_new0 (SaveData, 1);
  data->store = g_object_ref (scm_authority_get_store (self->authority));
  data->organization = scm_organization_new ();
  data->new_departments = g_ptr_array_new_with_free_func (g_free);
  data->removed_department_ids = g_array_ref (self->removed_department_ids);

  check_name (self, &name, NULL);
  scm_validate_text (get_text (self->secondary_name_row), _("Secondary name"), SCM_NAME_MAX_CHARS, 0,
                     &secondary_name, NULL);
  if (*get_text (self->country_row) != '\0')
    scm_validate_country (get_text (self->country_row), &country, NULL);

  /* A copy: the listed object changes only once the store took it. */
  if (self->organization != NULL)
    scm_organization_set_id (data->organization, scm_organization_get_id (self->organization));
  scm_organization_set_name (data->organization, name);
  scm_organization_set_secondary_name (data->organization, secondary_name);
  scm_organization_set_country (data->organization, country);

  for (guint i = 0; i < self->departments->len; i++)
    {
      DepartmentEntry *entry = self->departments->pdata[i];

      if (entry->id == 0)
        g_ptr_array_add (data->new_departments, g_strdup (entry->name));
    }
  if (*typed_department != '\0')
    {
      char *department = NULL;

      if (check_department_name (self, typed_department, &department, NULL))
        g_ptr_array_add (data->new_departments, department);
    }

  self->saving = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  validate (self);

  /* All of it or nothing: a refused department leaves the organization
   * as it was too. */
  scm_store_task_run (self, data->store, (ScmStoreChangeFunc) save_changes, data,
                      (GDestroyNotify) save_data_free, self->cancellable, save_activated,
                      save_cb, NULL);
}

/* GObject ------------------------------------------------------------------- */

static void
scm_organization_dialog_dispose (GObject *object)
{
  ScmOrganizationDialog *self = SCM_ORGANIZATION_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SCM_TYPE_ORGANIZATION_DIALOG);

  G_OBJECT_CLASS (scm_organization_dialog_parent_class)->dispose (object);
}

static void
scm_organization_dialog_finalize (GObject *object)
{
  ScmOrganizationDialog *self = SCM_ORGANIZATION_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->authority);
  g_clear_object (&self->index);
  g_clear_object (&self->organization);
  g_clear_pointer (&self->departments, g_ptr_array_unref);
  g_clear_pointer (&self->removed_department_ids, g_array_unref);

  G_OBJECT_CLASS (scm_organization_dialog_parent_class)->finalize (object);
}

static void
scm_organization_dialog_class_init (ScmOrganizationDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scm_organization_dialog_dispose;
  object_class->finalize = scm_organization_dialog_finalize;

  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SCM_TYPE_ORGANIZATION);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-organization-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ScmOrganizationDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, ScmOrganizationDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, ScmOrganizationDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, ScmOrganizationDialog, name_error);
  gtk_widget_class_bind_template_child (widget_class, ScmOrganizationDialog, secondary_name_row);
  gtk_widget_class_bind_template_child (widget_class, ScmOrganizationDialog, secondary_name_error);
  gtk_widget_class_bind_template_child (widget_class, ScmOrganizationDialog, country_row);
  gtk_widget_class_bind_template_child (widget_class, ScmOrganizationDialog, country_error);
  gtk_widget_class_bind_template_child (widget_class, ScmOrganizationDialog, departments_group);
  gtk_widget_class_bind_template_child (widget_class, ScmOrganizationDialog, new_department_row);
  gtk_widget_class_bind_template_child (widget_class, ScmOrganizationDialog, new_department_error);
  gtk_widget_class_bind_template_callback (widget_class, validate_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_department_cb);

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, save_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
scm_organization_dialog_init (ScmOrganizationDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->departments = g_ptr_array_new_with_free_func ((GDestroyNotify) department_entry_free);
  self->removed_department_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
}

ScmOrganizationDialog *
scm_organization_dialog_new (GtkWindow       *parent,
                             ScmAuthority    *authority,
                             ScmListIndex    *index,
                             ScmOrganization *organization)
{
  ScmOrganizationDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SCM_IS_AUTHORITY (authority), NULL);
  g_return_val_if_fail (SCM_IS_LIST_INDEX (index), NULL);
  g_return_val_if_fail (organization == NULL || SCM_IS_ORGANIZATION (organization), NULL);

  self = g_object_new (SCM_TYPE_ORGANIZATION_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->authority = g_object_ref (authority);
  self->index = g_object_ref (index);
  self->organization = organization ? g_object_ref (organization) : NULL;

  if (organization != NULL)
    {
      g_autoptr (GPtrArray) departments =
        scm_list_index_list_departments (index, scm_organization_get_id (organization));
      const char *secondary = scm_organization_get_secondary_name (organization);
      const char *country = scm_organization_get_country (organization);

      adw_window_title_set_title (self->window_title, _("Edit Organization"));
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Organization"));
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), scm_organization_get_name (organization));
      gtk_editable_set_text (GTK_EDITABLE (self->secondary_name_row), secondary ? secondary : "");
      gtk_editable_set_text (GTK_EDITABLE (self->country_row), country ? country : "");
      for (guint i = 0; i < departments->len; i++)
        append_department (self, scm_department_get_id (departments->pdata[i]),
                           scm_department_get_name (departments->pdata[i]));
    }
  else
    {
      adw_window_title_set_title (self->window_title, _("Add Organization"));
      gtk_window_set_title (GTK_WINDOW (self), _("Add Organization"));
    }

  validate (self);
  return self;
}
