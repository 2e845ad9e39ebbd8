/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-dialog-util.h"
#include "scm-error.h"
#include "scm-form-dialog.h"
#include "scm-secret.h"
#include "scm-store-task.h"
#include "scm-validate.h"

/* As the store allows. */
#define CONTACT_MAX_CHARS 256
/* 128 random bits, as the store draws for a new form. */
#define EXTENSION_BYTES 16

struct _ScmFormDialog
{
  AdwWindow parent_instance;

  ScmAuthority *authority;
  ScmListIndex *index;
  ScmForm *form;                   /* NULL when adding */
  GPtrArray *other_forms;          /* the other listed forms */
  GArray *organization_ids;        /* parallel to organization_checks */
  GPtrArray *organization_checks;  /* GtkCheckButton */
  char *url;
  GCancellable *cancellable;
  GCancellable *url_cancellable;   /* the running URL lookup */
  gboolean saving;

  GtkLabel *error_label;
  AdwViewStack *view_stack;
  AdwEntryRow *name_row;
  GtkLabel *name_error;
  GtkSwitch *enabled_switch;
  AdwEntryRow *extension_row;
  GtkLabel *extension_error;
  GtkLabel *url_label;
  AdwComboRow *authentication_row;
  GtkTextView *help_text_view;
  GtkTextBuffer *help_text_buffer;
  GtkLabel *help_text_error;
  AdwEntryRow *help_link_text_row;
  GtkLabel *help_link_text_error;
  AdwEntryRow *help_link_url_row;
  GtkLabel *help_link_url_error;
  AdwEntryRow *contact_row;
  GtkLabel *contact_error;
  GtkSwitch *all_organizations_switch;
  GtkLabel *delegation_error;
  AdwPreferencesGroup *organizations_group;
};

G_DEFINE_FINAL_TYPE (ScmFormDialog, scm_form_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
get_text (gpointer row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* An empty required field only complains once someone typed in it. */
static gboolean
should_show (gpointer row)
{
  return g_object_get_data (G_OBJECT (row), "scm-touched") != NULL || *get_text (row) != '\0';
}

static char *
dup_help_text (ScmFormDialog *self)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (self->help_text_buffer, &start, &end);
  return gtk_text_buffer_get_text (self->help_text_buffer, &start, &end, FALSE);
}

static char *
dup_trimmed_or_null (const char *text)
{
  char *copy = g_strstrip (g_strdup (text));

  if (*copy == '\0')
    g_clear_pointer (&copy, g_free);
  return copy;
}

/* The endpoint URL ------------------------------------------------------- */

static void
set_url (ScmFormDialog *self,
         const char    *url)
{
  g_free (self->url);
  self->url = g_strdup (url);
  gtk_label_set_text (self->url_label, url ? url : _("Choose a valid URI extension to see the URL."));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.copy-url", url != NULL);
}

static void
dup_url_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ScmFormDialog *self = source_object;

  /* The authority reads the public URL setting and the CA: the same URL
   * `scm-enrollctl form add` prints. */
  g_task_return_pointer (task, scm_authority_dup_enrollment_url (self->authority, task_data), g_free);
}

static void
dup_url_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autofree char *url = g_task_propagate_pointer (G_TASK (result), NULL);

  if (url != NULL)
    set_url (SCM_FORM_DIALOG (source), url);
}

static void
update_url (ScmFormDialog *self,
            gboolean       valid)
{
  g_autoptr (GTask) task = NULL;

  g_cancellable_cancel (self->url_cancellable);
  g_clear_object (&self->url_cancellable);
  set_url (self, NULL);
  if (!valid)
    return;

  self->url_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->url_cancellable, dup_url_cb, NULL);
  g_task_set_source_tag (task, update_url);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_set_task_data (task, g_strstrip (g_strdup (get_text (self->extension_row))), g_free);
  g_task_run_in_thread (task, dup_url_thread);
}

/* Validation -------------------------------------------------------------- */

static gboolean
check_name (ScmFormDialog  *self,
            char          **out,
            GError        **error)
{
  g_autofree char *name = NULL;
  g_autofree char *key = NULL;

  if (!scm_validate_name (get_text (self->name_row), _("The form name"), &name, error))
    return FALSE;
  key = g_utf8_casefold (name, -1);
  for (guint i = 0; i < self->other_forms->len; i++)
    {
      g_autofree char *other = g_utf8_casefold (scm_form_get_name (self->other_forms->pdata[i]), -1);

      if (g_str_equal (key, other))
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                       _("A form named “%s” exists already; choose another name."), name);
          return FALSE;
        }
    }
  if (out != NULL)
    *out = g_steal_pointer (&name);
  return TRUE;
}

static gboolean
check_extension (ScmFormDialog  *self,
                 GError        **error)
{
  g_autofree char *extension = g_strstrip (g_strdup (get_text (self->extension_row)));

  if (!scm_validate_uri_extension (extension, error))
    return FALSE;
  for (guint i = 0; i < self->other_forms->len; i++)
    {
      ScmForm *other = self->other_forms->pdata[i];

      if (g_ascii_strcasecmp (scm_form_get_uri_extension (other), extension) == 0)
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                       _("The URI extension “%s” is used by form “%s”; choose another or use Generate."),
                       extension, scm_form_get_name (other));
          return FALSE;
        }
    }
  return TRUE;
}

static GArray *
dup_checked_organizations (ScmFormDialog *self)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < self->organization_checks->len; i++)
    if (gtk_check_button_get_active (self->organization_checks->pdata[i]))
      g_array_append_val (ids, g_array_index (self->organization_ids, gint64, i));
  return ids;
}

static gboolean
validate (ScmFormDialog *self)
{
  g_autoptr (GError) name_error = NULL;
  g_autoptr (GError) extension_error = NULL;
  g_autoptr (GError) help_text_error = NULL;
  g_autoptr (GError) help_link_text_error = NULL;
  g_autoptr (GError) help_link_url_error = NULL;
  g_autoptr (GError) contact_error = NULL;
  g_autoptr (GError) delegation_error = NULL;
  g_autofree char *help_text = NULL;
  g_autofree char *help_link_url = NULL;
  gboolean all = gtk_switch_get_active (self->all_organizations_switch);
  gboolean valid = TRUE;

  /* During construction the template is not complete yet. */
  if (self->other_forms == NULL)
    return FALSE;

  help_text = dup_help_text (self);
  help_link_url = g_strstrip (g_strdup (get_text (self->help_link_url_row)));

  valid &= check_name (self, NULL, &name_error);
  valid &= check_extension (self, &extension_error);
  valid &= scm_validate_text (help_text, _("The help instructions"), SCM_TEXT_MAX_CHARS,
                              SCM_TEXT_MULTILINE, NULL, &help_text_error);
  valid &= scm_validate_text (get_text (self->help_link_text_row), _("The help link text"),
                              SCM_NAME_MAX_CHARS, 0, NULL, &help_link_text_error);
  if (*help_link_url != '\0')
    valid &= scm_validate_http_url (help_link_url, _("The help link"), &help_link_url_error);
  valid &= scm_validate_text (get_text (self->contact_row), _("The contact"),
                              CONTACT_MAX_CHARS, SCM_TEXT_MULTILINE, NULL, &contact_error);
  if (!all)
    {
      g_autoptr (GArray) ids = dup_checked_organizations (self);

      if (self->organization_ids->len == 0)
        g_set_error_literal (&delegation_error, SCM_ERROR, SCM_ERROR_INVALID,
                             _("There is no organization yet; delegate the form to all organizations or add one on the Organizations page."));
      else if (ids->len == 0)
        g_set_error_literal (&delegation_error, SCM_ERROR, SCM_ERROR_INVALID,
                             _("Choose at least one organization, or delegate the form to all organizations."));
      valid &= delegation_error == NULL;
    }

  scm_dialog_set_field_error (self->name_error, GTK_WIDGET (self->name_row), name_error,
                              should_show (self->name_row));
  scm_dialog_set_field_error (self->extension_error, GTK_WIDGET (self->extension_row), extension_error, TRUE);
  scm_dialog_set_field_error (self->help_text_error, GTK_WIDGET (self->help_text_view), help_text_error, TRUE);
  scm_dialog_set_field_error (self->help_link_text_error, GTK_WIDGET (self->help_link_text_row),
                              help_link_text_error, TRUE);
  scm_dialog_set_field_error (self->help_link_url_error, GTK_WIDGET (self->help_link_url_row),
                              help_link_url_error, TRUE);
  scm_dialog_set_field_error (self->contact_error, GTK_WIDGET (self->contact_row), contact_error, TRUE);
  scm_dialog_set_field_error (self->delegation_error, GTK_WIDGET (self->delegation_error),
                              delegation_error, TRUE);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.save", valid && !self->saving);
  return valid;
}

static void
validate_cb (ScmFormDialog *self,
             GtkEditable   *field)
{
  g_object_set_data (G_OBJECT (field), "scm-touched", GINT_TO_POINTER (TRUE));
  validate (self);
}

static void
extension_changed_cb (ScmFormDialog *self)
{
  update_url (self, check_extension (self, NULL));
  validate (self);
}

static void
help_text_changed_cb (ScmFormDialog *self)
{
  validate (self);
}

static void
authentication_changed_cb (ScmFormDialog *self)
{
  gboolean secret_id = adw_combo_row_get_selected (self->authentication_row) == 1;

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->authentication_row),
                               secret_id
                               ? _("People type their email and the Secret ID you gave them")
                               : _("People receive a one-time code at their email address"));
}

static void
delegation_changed_cb (ScmFormDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->organizations_group),
                          !gtk_switch_get_active (self->all_organizations_switch));
  validate (self);
}

static void
entry_activated_cb (ScmFormDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "dialog.save", NULL);
}

static void
generate_extension_activated (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  ScmFormDialog *self = SCM_FORM_DIALOG (widget);
  g_autofree char *extension = scm_random_hex (EXTENSION_BYTES);

  /* The old URL stops working once this is saved. */
  gtk_editable_set_text (GTK_EDITABLE (self->extension_row), extension);
}

static void
copy_url_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ScmFormDialog *self = SCM_FORM_DIALOG (widget);

  scm_dialog_copy_text (widget, self->url);
}

/* Saving ------------------------------------------------------------------- */

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
  if (scm_form_get_id (data->form) == 0)
    return scm_store_create_form (data->store, data->form, error);
  return scm_store_update_form (data->store, data->form, error);
}

static void
save_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ScmFormDialog *self = SCM_FORM_DIALOG (source);
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

  g_signal_emit (self, signals[SIGNAL_SAVED], 0, data->form);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ScmFormDialog *self = SCM_FORM_DIALOG (widget);
  g_autofree char *name = NULL;
  g_autofree char *extension = NULL;
  g_autofree char *help_text = NULL;
  g_autofree char *help_link_text = NULL;
  g_autofree char *help_link_url = NULL;
  g_autofree char *contact = NULL;
  g_autoptr (GArray) organization_ids = NULL;
  gboolean all = gtk_switch_get_active (self->all_organizations_switch);
  SaveData *data;

  if (self->saving || !validate (self))
    return;

  check_name (self, &name, NULL);
  extension = g_strstrip (g_strdup (get_text (self->extension_row)));
  help_text = dup_help_text (self);
  g_strstrip (help_text);
  if (*help_text == '\0')
    g_clear_pointer (&help_text, g_free);
  help_link_text = dup_trimmed_or_null (get_text (self->help_link_text_row));
  help_link_url = dup_trimmed_or_null (get_text (self->help_link_url_row));
  contact = dup_trimmed_or_null (get_text (self->contact_row));
  organization_ids = all ? g_array_new (FALSE, FALSE, sizeof (gint64)) : dup_checked_organizations (self);

  data = g_new0 (SaveData, 1);
  data->store = g_object_ref (scm_authority_get_store (self->authority));
  /* A copy: the listed object changes only once the store took it. */
  data->form = scm_form_new ();
  if (self->form != NULL)
    scm_form_set_id (data->form, scm_form_get_id (self->form));
  scm_form_set_name (data->form, name);
  scm_form_set_form_type (data->form, SCM_FORM_TYPE_CLIENT_SELF_ENROLLMENT);
  scm_form_set_uri_extension (data->form, extension);
  scm_form_set_authentication (data->form,
                               adw_combo_row_get_selected (self->authentication_row) == 1
                               ? SCM_AUTHENTICATION_SECRET_ID
                               : SCM_AUTHENTICATION_EMAIL_CONFIRMATION);
  scm_form_set_help_text (data->form, help_text);
  scm_form_set_help_link_text (data->form, help_link_text);
  scm_form_set_help_link_url (data->form, help_link_url);
  scm_form_set_contact (data->form, contact);
  scm_form_set_all_organizations (data->form, all);
  scm_form_set_organization_ids (data->form, organization_ids);
  scm_form_set_enabled (data->form, gtk_switch_get_active (self->enabled_switch));

  self->saving = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  validate (self);

  /* Refused when it would drop an organization one of the form's
   * accounts belongs to: the store says which. */
  scm_store_task_run (self, data->store, (ScmStoreChangeFunc) save_changes, data,
                      (GDestroyNotify) save_data_free, self->cancellable, save_activated,
                      save_cb, NULL);
}

/* GObject ------------------------------------------------------------------- */

static void
scm_form_dialog_dispose (GObject *object)
{
  ScmFormDialog *self = SCM_FORM_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->url_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SCM_TYPE_FORM_DIALOG);

  G_OBJECT_CLASS (scm_form_dialog_parent_class)->dispose (object);
}

static void
scm_form_dialog_finalize (GObject *object)
{
  ScmFormDialog *self = SCM_FORM_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->url_cancellable);
  g_clear_object (&self->authority);
  g_clear_object (&self->index);
  g_clear_object (&self->form);
  g_clear_pointer (&self->other_forms, g_ptr_array_unref);
  g_clear_pointer (&self->organization_ids, g_array_unref);
  g_clear_pointer (&self->organization_checks, g_ptr_array_unref);
  g_clear_pointer (&self->url, g_free);

  G_OBJECT_CLASS (scm_form_dialog_parent_class)->finalize (object);
}

static void
scm_form_dialog_class_init (ScmFormDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scm_form_dialog_dispose;
  object_class->finalize = scm_form_dialog_finalize;

  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SCM_TYPE_FORM);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-form-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, ScmFormDialog, name)
  BIND (error_label);
  BIND (view_stack);
  BIND (name_row);
  BIND (name_error);
  BIND (enabled_switch);
  BIND (extension_row);
  BIND (extension_error);
  BIND (url_label);
  BIND (authentication_row);
  BIND (help_text_view);
  BIND (help_text_buffer);
  BIND (help_text_error);
  BIND (help_link_text_row);
  BIND (help_link_text_error);
  BIND (help_link_url_row);
  BIND (help_link_url_error);
  BIND (contact_row);
  BIND (contact_error);
  BIND (all_organizations_switch);
  BIND (delegation_error);
  BIND (organizations_group);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, validate_cb);
  gtk_widget_class_bind_template_callback (widget_class, extension_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, help_text_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, authentication_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, delegation_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, save_activated);
  gtk_widget_class_install_action (widget_class, "dialog.generate-extension", NULL,
                                   generate_extension_activated);
  gtk_widget_class_install_action (widget_class, "dialog.copy-url", NULL, copy_url_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
scm_form_dialog_init (ScmFormDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->organization_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->organization_checks = g_ptr_array_new ();
  authentication_changed_cb (self);
  set_url (self, NULL);
}

static void
set_text (gpointer    row,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

static void
add_organizations (ScmFormDialog *self)
{
  GPtrArray *organizations = scm_list_index_get_organizations (self->index);

  for (guint i = 0; i < organizations->len; i++)
    {
      ScmOrganization *organization = organizations->pdata[i];
      gint64 id = scm_organization_get_id (organization);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), scm_organization_get_name (organization));
      gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, scm_organization_get_name (organization),
                                      -1);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      g_signal_connect_object (check, "toggled", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
      if (self->form != NULL && !scm_form_get_all_organizations (self->form))
        gtk_check_button_set_active (GTK_CHECK_BUTTON (check), scm_form_is_delegated_to (self->form, id));
      adw_preferences_group_add (self->organizations_group, row);

      g_array_append_val (self->organization_ids, id);
      g_ptr_array_add (self->organization_checks, check);
    }
}

ScmFormDialog *
scm_form_dialog_new (GtkWindow    *parent,
                     ScmAuthority *authority,
                     ScmListIndex *index,
                     GListModel   *forms,
                     ScmForm      *form)
{
  ScmFormDialog *self;
  guint n_forms;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SCM_IS_AUTHORITY (authority), NULL);
  g_return_val_if_fail (SCM_IS_LIST_INDEX (index), NULL);
  g_return_val_if_fail (forms == NULL || G_IS_LIST_MODEL (forms), NULL);
  g_return_val_if_fail (form == NULL || SCM_IS_FORM (form), NULL);

  self = g_object_new (SCM_TYPE_FORM_DIALOG,
                       "transient-for", parent,
                       "title", form ? _("Edit Enrollment Form") : _("Add Enrollment Form"),
                       NULL);
  self->authority = g_object_ref (authority);
  self->index = g_object_ref (index);
  self->form = form ? g_object_ref (form) : NULL;

  /* The store decides for good when saving. */
  self->other_forms = g_ptr_array_new_with_free_func (g_object_unref);
  n_forms = forms ? g_list_model_get_n_items (forms) : 0;
  for (guint i = 0; i < n_forms; i++)
    {
      g_autoptr (ScmForm) other = g_list_model_get_item (forms, i);

      if (form == NULL || scm_form_get_id (other) != scm_form_get_id (form))
        g_ptr_array_add (self->other_forms, g_steal_pointer (&other));
    }

  add_organizations (self);
  if (form != NULL)
    {
      set_text (self->name_row, scm_form_get_name (form));
      set_text (self->extension_row, scm_form_get_uri_extension (form));
      gtk_switch_set_active (self->enabled_switch, scm_form_get_enabled (form));
      adw_combo_row_set_selected (self->authentication_row,
                                  scm_form_get_authentication (form) == SCM_AUTHENTICATION_SECRET_ID ? 1 : 0);
      gtk_text_buffer_set_text (self->help_text_buffer,
                                scm_form_get_help_text (form) ? scm_form_get_help_text (form) : "", -1);
      set_text (self->help_link_text_row, scm_form_get_help_link_text (form));
      set_text (self->help_link_url_row, scm_form_get_help_link_url (form));
      set_text (self->contact_row, scm_form_get_contact (form));
      gtk_switch_set_active (self->all_organizations_switch, scm_form_get_all_organizations (form));
    }
  else
    {
      g_autofree char *extension = scm_random_hex (EXTENSION_BYTES);

      set_text (self->extension_row, extension);
    }

  delegation_changed_cb (self);
  extension_changed_cb (self);
  return self;
}

const char *
scm_form_dialog_get_url (ScmFormDialog *self)
{
  g_return_val_if_fail (SCM_IS_FORM_DIALOG (self), NULL);

  return self->url;
}
