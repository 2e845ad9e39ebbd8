/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-account-dialog.h"
#include "scm-dialog-util.h"
#include "scm-error.h"
#include "scm-secret.h"
#include "scm-store-task.h"
#include "scm-validate.h"

struct _ScmAccountDialog
{
  AdwWindow parent_instance;

  ScmAuthority *authority;
  ScmListIndex *index;
  ScmAccount *account;             /* NULL when adding */
  ScmAccount *saved;               /* as stored, once saved */
  GPtrArray *other_accounts;       /* the other listed accounts */
  gint64 initial_form_id;
  GPtrArray *forms;                /* parallel to form_names; NULL until loaded */
  GPtrArray *profiles;             /* parallel to profile_checks */
  GPtrArray *profile_checks;       /* GtkCheckButton */
  GArray *organization_ids;        /* parallel to organization_names */
  GArray *department_ids;          /* parallel to department_names; 0 first */
  char *access_code;               /* shown once; scm_secret_free() */
  gboolean regenerate;             /* a new access code when saving */
  gboolean profiles_touched;
  GCancellable *cancellable;
  gboolean saving;

  AdwWindowTitle *window_title;
  GtkWidget *cancel_button;
  GtkWidget *save_button;
  GtkWidget *done_button;
  GtkLabel *error_label;
  GtkStack *main_stack;
  AdwComboRow *form_row;
  GtkStringList *form_names;
  GtkLabel *form_error;
  AdwEntryRow *name_row;
  GtkLabel *name_error;
  AdwComboRow *organization_row;
  GtkStringList *organization_names;
  AdwComboRow *department_row;
  GtkStringList *department_names;
  GtkLabel *organization_error;
  AdwPreferencesGroup *profiles_group;
  GtkLabel *profiles_error;
  GtkCheckButton *server_check;
  GtkCheckButton *client_check;
  GtkCheckButton *provided_check;
  GtkLabel *csr_error;
  AdwComboRow *authorization_row;
  AdwActionRow *access_code_row;
  GtkWidget *regenerate_button;
  AdwComboRow *protection_row;
  GtkSwitch *allow_empty_switch;
  GtkLabel *code_label;
};

G_DEFINE_FINAL_TYPE (ScmAccountDialog, scm_account_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean validate (ScmAccountDialog *self);

static const char *
get_text (gpointer row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static ScmForm *
get_selected_form (ScmAccountDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->form_row);

  if (self->forms == NULL || selected == GTK_INVALID_LIST_POSITION || selected >= self->forms->len)
    return NULL;
  return self->forms->pdata[selected];
}

static ScmAuthorization
get_authorization (ScmAccountDialog *self)
{
  switch (adw_combo_row_get_selected (self->authorization_row))
    {
    case 1:
      return SCM_AUTHORIZATION_ACCESS_CODE;
    case 2:
      return SCM_AUTHORIZATION_SECRET_ID;
    default:
      return SCM_AUTHORIZATION_NONE;
    }
}

static ScmCsrMethod
get_csr_methods (ScmAccountDialog *self)
{
  ScmCsrMethod methods = 0;

  if (gtk_check_button_get_active (self->server_check))
    methods |= SCM_CSR_METHOD_SERVER;
  if (gtk_check_button_get_active (self->client_check))
    methods |= SCM_CSR_METHOD_CLIENT;
  if (gtk_check_button_get_active (self->provided_check))
    methods |= SCM_CSR_METHOD_PROVIDED;
  return methods;
}

static GArray *
dup_checked_profiles (ScmAccountDialog *self)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < self->profile_checks->len; i++)
    if (gtk_check_button_get_active (self->profile_checks->pdata[i]))
      {
        gint64 id = scm_profile_get_id (self->profiles->pdata[i]);

        g_array_append_val (ids, id);
      }
  return ids;
}

static void
replace_names (GtkStringList *list,
               const char   **names)
{
  gtk_string_list_splice (list, 0, g_list_model_get_n_items (G_LIST_MODEL (list)), names);
}

/* Choices ------------------------------------------------------------------ */

static void
organization_changed_cb (ScmAccountDialog *self)
{
  gint64 organization_id = scm_dialog_get_selected_id (self->organization_row, self->organization_ids);
  g_autoptr (GPtrArray) departments = scm_list_index_list_departments (self->index, organization_id);
  g_autofree const char **names = g_new0 (const char *, departments->len + 2);
  gint64 zero = 0;

  g_array_set_size (self->department_ids, 0);
  g_array_append_val (self->department_ids, zero);
  names[0] = _("No department");
  for (guint i = 0; i < departments->len; i++)
    {
      gint64 id = scm_department_get_id (departments->pdata[i]);

      g_array_append_val (self->department_ids, id);
      names[i + 1] = scm_department_get_name (departments->pdata[i]);
    }
  replace_names (self->department_names, names);
  adw_combo_row_set_selected (self->department_row, 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->department_row), departments->len > 0);
  validate (self);
}

/* Only organizations the form is delegated to can have its accounts. */
static void
form_changed_cb (ScmAccountDialog *self)
{
  ScmForm *form = get_selected_form (self);
  GPtrArray *organizations = scm_list_index_get_organizations (self->index);
  gint64 previous = scm_dialog_get_selected_id (self->organization_row, self->organization_ids);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();

  g_array_set_size (self->organization_ids, 0);
  for (guint i = 0; form != NULL && i < organizations->len; i++)
    {
      gint64 id = scm_organization_get_id (organizations->pdata[i]);

      if (!scm_form_is_delegated_to (form, id))
        continue;
      g_array_append_val (self->organization_ids, id);
      g_ptr_array_add (names, (gpointer) scm_organization_get_name (organizations->pdata[i]));
    }
  g_ptr_array_add (names, NULL);
  replace_names (self->organization_names, (const char **) names->pdata);
  adw_combo_row_set_selected (self->organization_row, 0);
  scm_dialog_select_id (self->organization_row, self->organization_ids, previous);
  gtk_widget_set_sensitive (GTK_WIDGET (self->organization_row), self->organization_ids->len > 0);
  organization_changed_cb (self);
}

static void
update_access_code_row (ScmAccountDialog *self)
{
  gboolean access_code = get_authorization (self) == SCM_AUTHORIZATION_ACCESS_CODE;
  gboolean has_code = self->account != NULL &&
                      scm_account_get_authorization (self->account) == SCM_AUTHORIZATION_ACCESS_CODE &&
                      scm_account_get_has_access_code (self->account);
  const char *status;

  if (!has_code)
    status = _("Generated when you save, and shown only then");
  else if (self->regenerate)
    status = _("A new code is generated when you save; the current one stops working");
  else
    status = _("Set. Only its hash is kept, so it cannot be shown again.");
  adw_action_row_set_subtitle (self->access_code_row, status);
  gtk_widget_set_visible (GTK_WIDGET (self->access_code_row), access_code);
  gtk_widget_set_visible (self->regenerate_button, has_code && !self->regenerate);
}

static void
protection_changed_cb (ScmAccountDialog *self)
{
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->protection_row),
                               adw_combo_row_get_selected (self->protection_row) == 1
                               ? _("For Windows Server 2016 and older, older macOS and iOS, Android 13 and older")
                               : _("Recommended: current Windows, macOS 14 and later, Linux, Java 17 and later"));
}

static void
authorization_changed_cb (ScmAccountDialog *self)
{
  static const char *descriptions[] = {
    N_("Everyone who authenticated on the form may enroll"),
    N_("People also type the account’s access code"),
    N_("Only registered persons of the organization, with their Secret ID"),
  };
  guint selected = adw_combo_row_get_selected (self->authorization_row);

  if (selected < G_N_ELEMENTS (descriptions))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->authorization_row), _(descriptions[selected]));
  update_access_code_row (self);
  validate (self);
}

/* Validation ------------------------------------------------------------- */

static gboolean
check_name (ScmAccountDialog  *self,
            char             **out,
            GError           **error)
{
  g_autofree char *name = NULL;
  g_autofree char *key = NULL;
  ScmForm *form = get_selected_form (self);

  if (!scm_validate_name (get_text (self->name_row), _("The account name"), &name, error))
    return FALSE;
  key = g_utf8_casefold (name, -1);
  for (guint i = 0; form != NULL && i < self->other_accounts->len; i++)
    {
      ScmAccount *other = self->other_accounts->pdata[i];
      g_autofree char *other_key = g_utf8_casefold (scm_account_get_name (other), -1);

      if (scm_account_get_form_id (other) == scm_form_get_id (form) && g_str_equal (key, other_key))
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                       _("Form “%s” already has an account named “%s”; choose another name."),
                       scm_form_get_name (form), name);
          return FALSE;
        }
    }
  if (out != NULL)
    *out = g_steal_pointer (&name);
  return TRUE;
}

static gboolean
validate (ScmAccountDialog *self)
{
  g_autoptr (GError) form_error = NULL;
  g_autoptr (GError) name_error = NULL;
  g_autoptr (GError) organization_error = NULL;
  g_autoptr (GError) profiles_error = NULL;
  g_autoptr (GError) csr_error = NULL;
  g_autoptr (GArray) profile_ids = NULL;
  ScmForm *form;
  gboolean valid = TRUE;

  /* During construction, and until the forms and profiles are loaded. */
  if (self->forms == NULL || self->other_accounts == NULL)
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.save", FALSE);
      return FALSE;
    }

  form = get_selected_form (self);
  if (form == NULL)
    g_set_error_literal (&form_error, SCM_ERROR, SCM_ERROR_INVALID,
                         _("There is no enrollment form yet; create one on the Enrollment Forms page first."));
  else if (self->organization_ids->len == 0)
    g_set_error (&organization_error, SCM_ERROR, SCM_ERROR_INVALID,
                 _("Form “%s” is delegated to no organization you have; add one on the Organizations page or delegate the form on its Configuration tab."),
                 scm_form_get_name (form));
  valid &= form_error == NULL && organization_error == NULL;
  valid &= check_name (self, NULL, &name_error);

  profile_ids = dup_checked_profiles (self);
  if (profile_ids->len == 0)
    g_set_error_literal (&profiles_error, SCM_ERROR, SCM_ERROR_INVALID,
                         _("Choose at least one certificate profile."));
  if (get_csr_methods (self) == 0)
    g_set_error_literal (&csr_error, SCM_ERROR, SCM_ERROR_INVALID,
                         _("Choose at least one CSR generation method; Server suits most people."));
  valid &= profiles_error == NULL && csr_error == NULL;

  scm_dialog_set_field_error (self->form_error, GTK_WIDGET (self->form_row), form_error, TRUE);
  scm_dialog_set_field_error (self->name_error, GTK_WIDGET (self->name_row), name_error,
                              g_object_get_data (G_OBJECT (self->name_row), "scm-touched") != NULL ||
                              *get_text (self->name_row) != '\0');
  scm_dialog_set_field_error (self->organization_error, GTK_WIDGET (self->organization_row),
                              organization_error, TRUE);
  /* No profile chosen yet is only wrong once someone was choosing. */
  scm_dialog_set_field_error (self->profiles_error, GTK_WIDGET (self->profiles_error), profiles_error,
                              self->profiles_touched);
  scm_dialog_set_field_error (self->csr_error, GTK_WIDGET (self->csr_error), csr_error, TRUE);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.save", valid && !self->saving);
  return valid;
}

static void
validate_cb (ScmAccountDialog *self,
             GtkEditable      *field)
{
  g_object_set_data (G_OBJECT (field), "scm-touched", GINT_TO_POINTER (TRUE));
  validate (self);
}

static void
selection_changed_cb (ScmAccountDialog *self)
{
  validate (self);
}

static void
entry_activated_cb (ScmAccountDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "dialog.save", NULL);
}

/* The access code, shown once --------------------------------------------- */

static void
show_access_code (ScmAccountDialog *self,
                  char             *code)
{
  scm_secret_free (self->access_code);
  self->access_code = code;

  gtk_label_set_text (self->code_label, code);
  gtk_stack_set_visible_child_name (self->main_stack, "code");
  adw_window_title_set_title (self->window_title, scm_account_get_name (self->saved));
  adw_window_title_set_subtitle (self->window_title, _("New Access Code"));
  gtk_widget_set_visible (self->cancel_button, FALSE);
  gtk_widget_set_visible (self->save_button, FALSE);
  gtk_widget_set_visible (self->done_button, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.copy-code", TRUE);
  gtk_widget_grab_focus (self->done_button);
}

static void
copy_code_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ScmAccountDialog *self = SCM_ACCOUNT_DIALOG (widget);

  scm_dialog_copy_text (widget, self->access_code);
}

typedef struct
{
  ScmStore *store;
  ScmAccount *account;
  gboolean generate_code;
  char *code;                      /* scm_secret_free() */
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->store);
  g_clear_object (&data->account);
  g_clear_pointer (&data->code, scm_secret_free);
  g_free (data);
}

static gboolean
generate_code (SaveData  *data,
               GError   **error)
{
  return scm_store_generate_access_code (data->store, data->account, &data->code, error);
}

static void
show_error (ScmAccountDialog *self,
            GError           *error)
{
  gtk_label_set_text (self->error_label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

static void
regenerate_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  ScmAccountDialog *self = SCM_ACCOUNT_DIALOG (source);
  SaveData *data = scm_store_task_get_data (result);
  g_autoptr (GError) error = NULL;

  self->saving = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.regenerate-code", TRUE);
  if (!scm_store_task_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }
  show_access_code (self, g_steal_pointer (&data->code));
}

static void
regenerate_code_activated (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  ScmAccountDialog *self = SCM_ACCOUNT_DIALOG (widget);
  SaveData *data;

  if (self->saving)
    return;

  /* Before saving, the new code comes with the save. */
  if (self->saved == NULL)
    {
      self->regenerate = TRUE;
      update_access_code_row (self);
      return;
    }

  /* Shown already: a new one now; the one shown stops working. */
  data = g_new0 (SaveData, 1);
  data->store = g_object_ref (scm_authority_get_store (self->authority));
  data->account = g_object_ref (self->saved);
  self->saving = TRUE;
  gtk_widget_action_set_enabled (widget, "dialog.regenerate-code", FALSE);
  scm_store_task_run (self, data->store, (ScmStoreChangeFunc) generate_code, data,
                      (GDestroyNotify) save_data_free, self->cancellable, regenerate_code_activated,
                      regenerate_cb, NULL);
}

/* Saving ------------------------------------------------------------------- */

static gboolean
save_changes (SaveData  *data,
              GError   **error)
{
  if (scm_account_get_id (data->account) == 0)
    {
      if (!scm_store_create_account (data->store, data->account, error))
        return FALSE;
    }
  else if (!scm_store_update_account (data->store, data->account, error))
    return FALSE;

  /* The account and its access code together, or neither. */
  if (data->generate_code && !generate_code (data, error))
    return FALSE;
  return TRUE;
}

static void
save_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ScmAccountDialog *self = SCM_ACCOUNT_DIALOG (source);
  SaveData *data = scm_store_task_get_data (result);
  g_autoptr (GError) error = NULL;

  self->saving = FALSE;
  if (!scm_store_task_finish (result, &error))
    {
      g_clear_pointer (&data->code, scm_secret_free);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show_error (self, error);
      validate (self);
      return;
    }

  g_set_object (&self->saved, data->account);
  if (data->code != NULL)
    scm_account_set_has_access_code (self->saved, TRUE);
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, data->account);

  if (data->code != NULL)
    show_access_code (self, g_steal_pointer (&data->code));
  else
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ScmAccountDialog *self = SCM_ACCOUNT_DIALOG (widget);
  g_autofree char *name = NULL;
  g_autoptr (GArray) profile_ids = NULL;
  ScmAuthorization authorization = get_authorization (self);
  gboolean had_code;
  SaveData *data;

  if (self->saving || self->saved != NULL || !validate (self))
    return;

  check_name (self, &name, NULL);
  profile_ids = dup_checked_profiles (self);

  data = g_new0 (SaveData, 1);
  data->store = g_object_ref (scm_authority_get_store (self->authority));
  /* A copy: the listed object changes only once the store took it. */
  data->account = scm_account_new ();
  if (self->account != NULL)
    scm_account_set_id (data->account, scm_account_get_id (self->account));
  scm_account_set_form_id (data->account, scm_form_get_id (get_selected_form (self)));
  scm_account_set_name (data->account, name);
  scm_account_set_organization_id (data->account,
                                   scm_dialog_get_selected_id (self->organization_row, self->organization_ids));
  scm_account_set_department_id (data->account,
                                 scm_dialog_get_selected_id (self->department_row, self->department_ids));
  scm_account_set_profile_ids (data->account, profile_ids);
  scm_account_set_csr_methods (data->account, get_csr_methods (self));
  scm_account_set_authorization (data->account, authorization);
  scm_account_set_pkcs12_protection (data->account,
                                     adw_combo_row_get_selected (self->protection_row) == 1
                                     ? SCM_PKCS12_TRIPLEDES_SHA1 : SCM_PKCS12_AES256_SHA256);
  scm_account_set_allow_empty_password (data->account, gtk_switch_get_active (self->allow_empty_switch));

  had_code = self->account != NULL &&
             scm_account_get_authorization (self->account) == SCM_AUTHORIZATION_ACCESS_CODE &&
             scm_account_get_has_access_code (self->account);
  scm_account_set_has_access_code (data->account, had_code);
  data->generate_code = authorization == SCM_AUTHORIZATION_ACCESS_CODE && (!had_code || self->regenerate);

  self->saving = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  validate (self);
  scm_store_task_run (self, data->store, (ScmStoreChangeFunc) save_changes, data,
                      (GDestroyNotify) save_data_free, self->cancellable, save_activated,
                      save_cb, NULL);
}

/* Loading the choices ------------------------------------------------------ */

typedef struct
{
  GPtrArray *forms;
  GPtrArray *profiles;
} Choices;

static void
choices_free (Choices *choices)
{
  g_clear_pointer (&choices->forms, g_ptr_array_unref);
  g_clear_pointer (&choices->profiles, g_ptr_array_unref);
  g_free (choices);
}

static gpointer
load_choices (ScmStore  *store,
              gpointer   data,
              GError   **error)
{
  Choices *choices = g_new0 (Choices, 1);

  choices->forms = scm_store_list_forms (store, error);
  if (choices->forms != NULL)
    choices->profiles = scm_store_list_profiles (store, error);
  if (choices->profiles == NULL)
    {
      choices_free (choices);
      return NULL;
    }
  return choices;
}

static void
profile_toggled_cb (ScmAccountDialog *self)
{
  self->profiles_touched = TRUE;
  validate (self);
}

static void
add_profile_rows (ScmAccountDialog *self)
{
  for (guint i = 0; i < self->profiles->len; i++)
    {
      ScmProfile *profile = self->profiles->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), scm_profile_get_name (profile));
      if (scm_profile_get_description (profile) != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), scm_profile_get_description (profile));
      gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, scm_profile_get_name (profile),
                                      -1);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      if (self->account != NULL)
        gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                     scm_account_has_profile (self->account, scm_profile_get_id (profile)));
      g_signal_connect_object (check, "toggled", G_CALLBACK (profile_toggled_cb), self, G_CONNECT_SWAPPED);
      adw_preferences_group_add (self->profiles_group, row);
      g_ptr_array_add (self->profile_checks, check);
    }
}

static void
load_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ScmAccountDialog *self;
  g_autoptr (GError) error = NULL;
  Choices *choices = scm_dialog_load_finish (result, &error);
  gint64 form_id;

  if (choices == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (SCM_ACCOUNT_DIALOG (source), error);
      return;
    }
  self = SCM_ACCOUNT_DIALOG (source);
  self->forms = g_steal_pointer (&choices->forms);
  self->profiles = g_steal_pointer (&choices->profiles);
  choices_free (choices);

  form_id = self->account ? scm_account_get_form_id (self->account) : self->initial_form_id;
  for (guint i = 0; i < self->forms->len; i++)
    {
      gtk_string_list_append (self->form_names, scm_form_get_name (self->forms->pdata[i]));
      if (scm_form_get_id (self->forms->pdata[i]) == form_id)
        adw_combo_row_set_selected (self->form_row, i);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->form_row), self->forms->len > 0);
  add_profile_rows (self);
  form_changed_cb (self);

  if (self->account != NULL)
    {
      scm_dialog_select_id (self->organization_row, self->organization_ids,
                            scm_account_get_organization_id (self->account));
      scm_dialog_select_id (self->department_row, self->department_ids,
                            scm_account_get_department_id (self->account));
    }
  validate (self);
}

/* GObject ------------------------------------------------------------------- */

static void
scm_account_dialog_dispose (GObject *object)
{
  ScmAccountDialog *self = SCM_ACCOUNT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SCM_TYPE_ACCOUNT_DIALOG);

  G_OBJECT_CLASS (scm_account_dialog_parent_class)->dispose (object);
}

static void
scm_account_dialog_finalize (GObject *object)
{
  ScmAccountDialog *self = SCM_ACCOUNT_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->authority);
  g_clear_object (&self->index);
  g_clear_object (&self->account);
  g_clear_object (&self->saved);
  g_clear_pointer (&self->other_accounts, g_ptr_array_unref);
  g_clear_pointer (&self->forms, g_ptr_array_unref);
  g_clear_pointer (&self->profiles, g_ptr_array_unref);
  g_clear_pointer (&self->profile_checks, g_ptr_array_unref);
  g_clear_pointer (&self->organization_ids, g_array_unref);
  g_clear_pointer (&self->department_ids, g_array_unref);
  g_clear_pointer (&self->access_code, scm_secret_free);

  G_OBJECT_CLASS (scm_account_dialog_parent_class)->finalize (object);
}

static void
scm_account_dialog_class_init (ScmAccountDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scm_account_dialog_dispose;
  object_class->finalize = scm_account_dialog_finalize;

  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SCM_TYPE_ACCOUNT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-account-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, ScmAccountDialog, name)
  BIND (window_title);
  BIND (cancel_button);
  BIND (save_button);
  BIND (done_button);
  BIND (error_label);
  BIND (main_stack);
  BIND (form_row);
  BIND (form_names);
  BIND (form_error);
  BIND (name_row);
  BIND (name_error);
  BIND (organization_row);
  BIND (organization_names);
  BIND (department_row);
  BIND (department_names);
  BIND (organization_error);
  BIND (profiles_group);
  BIND (profiles_error);
  BIND (server_check);
  BIND (client_check);
  BIND (provided_check);
  BIND (csr_error);
  BIND (authorization_row);
  BIND (access_code_row);
  BIND (regenerate_button);
  BIND (protection_row);
  BIND (allow_empty_switch);
  BIND (code_label);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, validate_cb);
  gtk_widget_class_bind_template_callback (widget_class, selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, form_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, organization_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, authorization_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, protection_changed_cb);

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, save_activated);
  gtk_widget_class_install_action (widget_class, "dialog.regenerate-code", NULL, regenerate_code_activated);
  gtk_widget_class_install_action (widget_class, "dialog.copy-code", NULL, copy_code_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
scm_account_dialog_init (ScmAccountDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->profile_checks = g_ptr_array_new ();
  self->organization_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->department_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.copy-code", FALSE);
}

ScmAccountDialog *
scm_account_dialog_new (GtkWindow    *parent,
                        ScmAuthority *authority,
                        ScmListIndex *index,
                        GListModel   *accounts,
                        ScmAccount   *account,
                        gint64        form_id)
{
  ScmAccountDialog *self;
  guint n_accounts;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SCM_IS_AUTHORITY (authority), NULL);
  g_return_val_if_fail (SCM_IS_LIST_INDEX (index), NULL);
  g_return_val_if_fail (accounts == NULL || G_IS_LIST_MODEL (accounts), NULL);
  g_return_val_if_fail (account == NULL || SCM_IS_ACCOUNT (account), NULL);

  self = g_object_new (SCM_TYPE_ACCOUNT_DIALOG,
                       "transient-for", parent,
                       "title", account ? _("Edit Account") : _("Add Account"),
                       NULL);
  adw_window_title_set_title (self->window_title, account ? _("Edit Account") : _("Add Account"));
  self->authority = g_object_ref (authority);
  self->index = g_object_ref (index);
  self->account = account ? g_object_ref (account) : NULL;
  self->initial_form_id = form_id;

  /* The store decides for good when saving. */
  self->other_accounts = g_ptr_array_new_with_free_func (g_object_unref);
  n_accounts = accounts ? g_list_model_get_n_items (accounts) : 0;
  for (guint i = 0; i < n_accounts; i++)
    {
      g_autoptr (ScmAccount) other = g_list_model_get_item (accounts, i);

      if (account == NULL || scm_account_get_id (other) != scm_account_get_id (account))
        g_ptr_array_add (self->other_accounts, g_steal_pointer (&other));
    }

  if (account != NULL)
    {
      ScmCsrMethod methods = scm_account_get_csr_methods (account);

      gtk_editable_set_text (GTK_EDITABLE (self->name_row), scm_account_get_name (account));
      gtk_check_button_set_active (self->server_check, (methods & SCM_CSR_METHOD_SERVER) != 0);
      gtk_check_button_set_active (self->client_check, (methods & SCM_CSR_METHOD_CLIENT) != 0);
      gtk_check_button_set_active (self->provided_check, (methods & SCM_CSR_METHOD_PROVIDED) != 0);
      adw_combo_row_set_selected (self->authorization_row,
                                  scm_account_get_authorization (account) == SCM_AUTHORIZATION_ACCESS_CODE ? 1 :
                                  scm_account_get_authorization (account) == SCM_AUTHORIZATION_SECRET_ID ? 2 : 0);
      adw_combo_row_set_selected (self->protection_row,
                                  scm_account_get_pkcs12_protection (account) == SCM_PKCS12_TRIPLEDES_SHA1 ? 1 : 0);
      gtk_switch_set_active (self->allow_empty_switch, scm_account_get_allow_empty_password (account));
    }
  else
    gtk_check_button_set_active (self->server_check, TRUE);
  authorization_changed_cb (self);
  protection_changed_cb (self);

  /* The forms and profiles come from the store, off the main loop. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->form_row), FALSE);
  scm_dialog_load_async (self, scm_authority_get_store (authority), load_choices, NULL, NULL,
                         (GDestroyNotify) choices_free, self->cancellable, load_cb, NULL);
  validate (self);
  return self;
}

gboolean
scm_account_dialog_get_loaded (ScmAccountDialog *self)
{
  g_return_val_if_fail (SCM_IS_ACCOUNT_DIALOG (self), FALSE);

  return self->forms != NULL;
}

const char *
scm_account_dialog_get_access_code (ScmAccountDialog *self)
{
  g_return_val_if_fail (SCM_IS_ACCOUNT_DIALOG (self), NULL);

  return self->access_code;
}
