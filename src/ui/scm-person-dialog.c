/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "scm-dialog-util.h"
#include "scm-store-task.h"
#include "scm-error.h"
#include "scm-person-dialog.h"
#include "scm-secret.h"
#include "scm-validate.h"

/* X.520's upper bound for a common name. */
#define COMMON_NAME_MAX_CHARS 64
#define PRINCIPAL_MAX_CHARS 254

struct _ScmPersonDialog
{
  AdwWindow parent_instance;

  ScmAuthority *authority;
  ScmListIndex *index;
  ScmPerson *person;               /* NULL when adding */
  GHashTable *taken_emails;        /* other persons' emails */
  GArray *organization_ids;        /* parallel to organization_names */
  GArray *department_ids;          /* parallel to department_names; 0 first */
  GPtrArray *domains;              /* parallel to domain_names */
  char *generated_secret;          /* scm_secret_free() */
  gboolean common_name_follows;    /* the common name is still the full name */
  gboolean setting_common_name;
  GCancellable *cancellable;
  gboolean saving;

  GtkLabel *error_label;
  AdwViewStack *view_stack;
  AdwComboRow *organization_row;
  GtkStringList *organization_names;
  AdwComboRow *department_row;
  GtkStringList *department_names;
  AdwComboRow *domain_row;
  GtkStringList *domain_names;
  GtkLabel *delegation_error;
  AdwEntryRow *first_name_row;
  GtkLabel *first_name_error;
  AdwEntryRow *middle_name_row;
  GtkLabel *middle_name_error;
  AdwEntryRow *last_name_row;
  GtkLabel *last_name_error;
  AdwEntryRow *email_row;
  GtkLabel *email_error;
  AdwEntryRow *phone_row;
  GtkLabel *phone_error;
  AdwEntryRow *common_name_row;
  GtkLabel *common_name_error;
  AdwComboRow *validation_row;
  AdwActionRow *sponsor_row;
  GtkSwitch *sponsor_switch;
  AdwActionRow *secret_status_row;
  AdwActionRow *generated_row;
  AdwPasswordEntryRow *secret_row;
  GtkWidget *strength_row;
  GtkLevelBar *strength_bar;
  GtkLabel *strength_label;
  GtkLabel *secret_error;
  AdwEntryRow *upn_row;
  GtkLabel *upn_error;
  AdwEntryRow *eppn_row;
  GtkLabel *eppn_error;
  AdwEntryRow *alternative_emails_row;
  GtkLabel *alternative_emails_error;
};

G_DEFINE_FINAL_TYPE (ScmPersonDialog, scm_person_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean validate (ScmPersonDialog *self);

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

static ScmDomain *
get_selected_domain (ScmPersonDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->domain_row);

  if (selected == GTK_INVALID_LIST_POSITION || selected >= self->domains->len)
    return NULL;
  return self->domains->pdata[selected];
}

/* What scm_store_find_delegating_domain() accepts: the domain itself, or
 * any name below a "*." domain (and the domain itself). */
static gboolean
domain_covers (ScmDomain  *domain,
               const char *email_domain)
{
  const char *name = scm_domain_get_name (domain);
  gsize name_len, base_len;

  if (!g_str_has_prefix (name, "*."))
    return g_ascii_strcasecmp (name, email_domain) == 0;

  name += 2;
  base_len = strlen (name);
  name_len = strlen (email_domain);
  if (g_ascii_strcasecmp (email_domain, name) == 0)
    return TRUE;
  return name_len > base_len + 1 &&
         email_domain[name_len - base_len - 1] == '.' &&
         g_ascii_strcasecmp (email_domain + name_len - base_len, name) == 0;
}

static char *
dup_delegation_name (ScmPersonDialog *self)
{
  gint64 organization_id = scm_dialog_get_selected_id (self->organization_row, self->organization_ids);
  gint64 department_id = scm_dialog_get_selected_id (self->department_row, self->department_ids);
  const char *organization = scm_list_index_get_organization_name (self->index, organization_id);

  if (department_id == 0)
    return g_strdup (organization);
  /* Translators: an organization and one of its departments. */
  return g_strdup_printf (_("%s / %s"), organization,
                          scm_list_index_get_department_name (self->index, department_id));
}

/* Choices ------------------------------------------------------------------ */

static void
replace_names (GtkStringList *list,
               const char   **names)
{
  gtk_string_list_splice (list, 0, g_list_model_get_n_items (G_LIST_MODEL (list)), names);
}

static void
department_changed_cb (ScmPersonDialog *self)
{
  gint64 organization_id = scm_dialog_get_selected_id (self->organization_row, self->organization_ids);
  gint64 department_id = scm_dialog_get_selected_id (self->department_row, self->department_ids);
  GPtrArray *all = scm_list_index_get_domains (self->index);
  ScmDomain *previous = get_selected_domain (self);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autoptr (ScmDomain) keep = previous ? g_object_ref (previous) : NULL;
  guint selected = GTK_INVALID_LIST_POSITION;

  /* Only validated domains delegated to the organization (for all its
   * departments) or to the chosen department make an email eligible. */
  g_ptr_array_set_size (self->domains, 0);
  for (guint i = 0; i < all->len; i++)
    {
      ScmDomain *domain = all->pdata[i];

      if (organization_id == 0 ||
          scm_domain_get_organization_id (domain) != organization_id ||
          !scm_domain_get_validated (domain))
        continue;
      if (scm_domain_get_department_id (domain) != 0 &&
          scm_domain_get_department_id (domain) != department_id)
        continue;
      if (domain == keep)
        selected = self->domains->len;
      g_ptr_array_add (self->domains, g_object_ref (domain));
      g_ptr_array_add (names, (gpointer) scm_domain_get_name (domain));
    }
  g_ptr_array_add (names, NULL);

  replace_names (self->domain_names, (const char **) names->pdata);
  adw_combo_row_set_selected (self->domain_row, selected != GTK_INVALID_LIST_POSITION ? selected : 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->domain_row), self->domains->len > 0);
  validate (self);
}

static void
organization_changed_cb (ScmPersonDialog *self)
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
  department_changed_cb (self);
}

/* Validation ----------------------------------------------------------------- */

static gboolean
check_delegation (ScmPersonDialog  *self,
                  GError          **error)
{
  g_autofree char *delegation = NULL;

  if (scm_dialog_get_selected_id (self->organization_row, self->organization_ids) == 0)
               {
                 g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                                      _("Add an organization and delegate a domain to it first."));
      return FALSE;
    }
  if (get_selected_domain (self) == NULL)
    {
      delegation = dup_delegation_name (self);
      g_set_error (error, SCM_ERROR, SCM_ERROR_NOT_DELEGATED,
                   _("No validated domain is delegated to %s. Delegate and validate one on the Domains page first."),
                   delegation);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_email (ScmPersonDialog  *self,
             char            **out,
             GError          **error)
{
  g_autofree char *email = NULL;
  ScmDomain *domain = get_selected_domain (self);

  if (!scm_validate_email (get_text (self->email_row), &email, error))
    return FALSE;
  if (domain != NULL && !domain_covers (domain, scm_email_get_domain (email)))
    {
      g_autofree char *delegation = dup_delegation_name (self);

      g_set_error (error, SCM_ERROR, SCM_ERROR_NOT_DELEGATED,
                   _("%s is not a delegated domain of %s. Use an address in %s."),
                   scm_email_get_domain (email), delegation, scm_domain_get_name (domain));
      return FALSE;
    }
  if (g_hash_table_contains (self->taken_emails, email))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                   _("A person with the email %s exists already; edit that person instead."), email);
      return FALSE;
    }
  if (out != NULL)
    *out = g_steal_pointer (&email);
  return TRUE;
}

static gboolean
check_principal (const char  *value,
                 const char  *field,
                 GError     **error)
{
  g_autofree char *trimmed = NULL;
  const char *at;

  if (!scm_validate_text (value, field, PRINCIPAL_MAX_CHARS, 0, &trimmed, error))
    return FALSE;
  if (trimmed == NULL)
    return TRUE;
  at = strchr (trimmed, '@');
  if (at == NULL || at == trimmed || at[1] == '\0' || strchr (trimmed, ' ') != NULL)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("%s “%s” must look like name@scope, without spaces."), field, trimmed);
      return FALSE;
    }
  return TRUE;
}

/* The alternative emails as typed, one by one (NULL when none). */
static GStrv
split_alternative_emails (const char  *text,
                          GError     **error)
{
  g_auto (GStrv) parts = g_strsplit_set (text, ",; \n", -1);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  gboolean any = FALSE;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *email = NULL;

      if (*parts[i] == '\0')
        continue;
      if (!scm_validate_email (parts[i], &email, error))
        return NULL;
      g_strv_builder_add (builder, email);
      any = TRUE;
    }
  if (!any)
    return NULL;
  return g_strv_builder_end (builder);
}

static void
update_strength (ScmPersonDialog *self)
{
  const char *secret = get_text (self->secret_row);
  double bits;

  gtk_widget_set_visible (self->strength_row, *secret != '\0');
  if (*secret == '\0')
    return;

  bits = scm_secret_estimate_bits (secret);
  gtk_level_bar_set_value (self->strength_bar, MIN (bits, 100.0));
  if (bits < SCM_SECRET_MIN_TYPED_BITS)
    gtk_label_set_text (self->strength_label, _("Too weak"));
  else if (bits < 80)
    gtk_label_set_text (self->strength_label, _("Fair"));
  else
    gtk_label_set_text (self->strength_label, _("Strong"));
}

static void
update_secret_status (ScmPersonDialog *self)
{
  const char *status;

  if (self->generated_secret != NULL || *get_text (self->secret_row) != '\0')
    status = _("A new Secret ID is saved with the person");
  else if (self->person != NULL && scm_person_get_has_secret_id (self->person))
    status = _("Set. Generate or type a new one to replace it.");
  else
    status = _("Not set: the person cannot sign in to Secret ID forms yet");
  adw_action_row_set_subtitle (self->secret_status_row, status);
}

static gboolean
validate (ScmPersonDialog *self)
{
  g_autoptr (GError) delegation_error = NULL;
  g_autoptr (GError) first_name_error = NULL;
  g_autoptr (GError) middle_name_error = NULL;
  g_autoptr (GError) last_name_error = NULL;
  g_autoptr (GError) email_error = NULL;
  g_autoptr (GError) phone_error = NULL;
  g_autoptr (GError) common_name_error = NULL;
  g_autoptr (GError) secret_error = NULL;
  g_autoptr (GError) upn_error = NULL;
  g_autoptr (GError) eppn_error = NULL;
  g_autoptr (GError) alternative_emails_error = NULL;
  g_auto (GStrv) alternative_emails = NULL;
  const char *phone = get_text (self->phone_row);
  const char *secret = get_text (self->secret_row);
  gboolean high = adw_combo_row_get_selected (self->validation_row) == 1;
  gboolean valid = TRUE;

  /* During construction the template is not complete yet. */
  if (self->domains == NULL || self->taken_emails == NULL)
    return FALSE;

  valid &= check_delegation (self, &delegation_error);
  valid &= scm_validate_name (get_text (self->first_name_row), _("The first name"), NULL, &first_name_error);
  valid &= scm_validate_text (get_text (self->middle_name_row), _("The middle name"),
                              SCM_NAME_MAX_CHARS, 0, NULL, &middle_name_error);
  valid &= scm_validate_name (get_text (self->last_name_row), _("The last name"), NULL, &last_name_error);
  valid &= check_email (self, NULL, &email_error);
  if (*phone != '\0')
    valid &= scm_validate_phone (phone, NULL, &phone_error);
  valid &= scm_validate_text (get_text (self->common_name_row), _("The common name"),
                              COMMON_NAME_MAX_CHARS, 0, NULL, &common_name_error);
  if (*secret != '\0')
    valid &= scm_secret_check_strength (secret, &secret_error);
  valid &= check_principal (get_text (self->upn_row), _("The user principal name"), &upn_error);
  valid &= check_principal (get_text (self->eppn_row), _("The EduPerson principal name"), &eppn_error);
  alternative_emails = split_alternative_emails (get_text (self->alternative_emails_row),
                                                 &alternative_emails_error);
  valid &= alternative_emails_error == NULL;

  scm_dialog_set_field_error (self->delegation_error, GTK_WIDGET (self->domain_row), delegation_error, TRUE);
  scm_dialog_set_field_error (self->first_name_error, GTK_WIDGET (self->first_name_row), first_name_error,
                              should_show (self->first_name_row));
  scm_dialog_set_field_error (self->middle_name_error, GTK_WIDGET (self->middle_name_row), middle_name_error, TRUE);
  scm_dialog_set_field_error (self->last_name_error, GTK_WIDGET (self->last_name_row), last_name_error,
                              should_show (self->last_name_row));
  scm_dialog_set_field_error (self->email_error, GTK_WIDGET (self->email_row), email_error,
                              should_show (self->email_row));
  scm_dialog_set_field_error (self->phone_error, GTK_WIDGET (self->phone_row), phone_error, TRUE);
  scm_dialog_set_field_error (self->common_name_error, GTK_WIDGET (self->common_name_row), common_name_error, TRUE);
  scm_dialog_set_field_error (self->secret_error, GTK_WIDGET (self->secret_row), secret_error, TRUE);
  scm_dialog_set_field_error (self->upn_error, GTK_WIDGET (self->upn_row), upn_error, TRUE);
  scm_dialog_set_field_error (self->eppn_error, GTK_WIDGET (self->eppn_row), eppn_error, TRUE);
  scm_dialog_set_field_error (self->alternative_emails_error, GTK_WIDGET (self->alternative_emails_row),
                              alternative_emails_error, TRUE);

  gtk_widget_set_sensitive (GTK_WIDGET (self->sponsor_row), high);
  update_strength (self);
  update_secret_status (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.save", valid && !self->saving);
  return valid;
}

static void
validate_cb (ScmPersonDialog *self,
             GtkEditable     *field)
{
  g_object_set_data (G_OBJECT (field), "scm-touched", GINT_TO_POINTER (TRUE));

  /* Typing an address of another listed domain chooses that domain. */
  if (field == GTK_EDITABLE (self->email_row))
    {
      const char *email_domain = strchr (get_text (self->email_row), '@');
      ScmDomain *domain = get_selected_domain (self);

      if (email_domain != NULL && (domain == NULL || !domain_covers (domain, email_domain + 1)))
        for (guint i = 0; i < self->domains->len; i++)
          if (domain_covers (self->domains->pdata[i], email_domain + 1))
            {
              adw_combo_row_set_selected (self->domain_row, i);
              break;
            }
    }
  validate (self);
}

static void
selection_changed_cb (ScmPersonDialog *self)
{
  validate (self);
}

static void
name_changed_cb (ScmPersonDialog *self,
                 GtkEditable     *field)
{
  g_object_set_data (G_OBJECT (field), "scm-touched", GINT_TO_POINTER (TRUE));

  if (self->common_name_follows)
    {
      g_autoptr (ScmPerson) person = scm_person_new ();
      g_autofree char *full_name = NULL;

      scm_person_set_first_name (person, g_strstrip (g_strdup (get_text (self->first_name_row))));
      scm_person_set_middle_name (person, g_strstrip (g_strdup (get_text (self->middle_name_row))));
      scm_person_set_last_name (person, g_strstrip (g_strdup (get_text (self->last_name_row))));
      full_name = scm_person_dup_full_name (person);

      self->setting_common_name = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (self->common_name_row), full_name);
      self->setting_common_name = FALSE;
    }
  validate (self);
}

static void
common_name_changed_cb (ScmPersonDialog *self)
{
  /* Once someone writes a common name of their own, the name fields no
   * longer overwrite it; clearing it makes it follow them again. */
  if (!self->setting_common_name)
    self->common_name_follows = *get_text (self->common_name_row) == '\0';
  validate (self);
}

static void
secret_changed_cb (ScmPersonDialog *self)
{
  /* One or the other: typing replaces a generated Secret ID. */
  if (*get_text (self->secret_row) != '\0' && self->generated_secret != NULL)
    {
      g_clear_pointer (&self->generated_secret, scm_secret_free);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->generated_row), "");
      gtk_widget_set_visible (GTK_WIDGET (self->generated_row), FALSE);
    }
  validate (self);
}

static void
entry_activated_cb (ScmPersonDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "dialog.save", NULL);
}

static void
generate_secret_activated (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  ScmPersonDialog *self = SCM_PERSON_DIALOG (widget);

  scm_secret_free (self->generated_secret);
  self->generated_secret = scm_secret_generate (SCM_SECRET_KIND_SECRET_ID);
  gtk_editable_set_text (GTK_EDITABLE (self->secret_row), "");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->generated_row), self->generated_secret);
  gtk_widget_set_visible (GTK_WIDGET (self->generated_row), TRUE);
  gtk_widget_action_set_enabled (widget, "dialog.copy-secret", TRUE);
  validate (self);
}

static void
copy_secret_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ScmPersonDialog *self = SCM_PERSON_DIALOG (widget);

  if (self->generated_secret != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->generated_secret);
}

/* Saving ----------------------------------------------------------------- */

typedef struct
{
  ScmStore *store;
  ScmPerson *person;
  char *secret;                 /* typed or generated; NULL keeps it */
  gboolean change_sponsor;
  gboolean sponsor_validated;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->store);
  g_clear_object (&data->person);
  g_clear_pointer (&data->secret, scm_secret_free);
  g_free (data);
}

static gboolean
save_changes (SaveData  *data,
              GError   **error)
{
  if (scm_person_get_id (data->person) == 0)
    {
      if (!scm_store_create_person (data->store, data->person, error))
        return FALSE;
    }
  else if (!scm_store_update_person (data->store, data->person, error))
    return FALSE;

  if (data->secret != NULL &&
      !scm_store_set_person_secret_id (data->store, data->person, data->secret, error))
    return FALSE;
  if (data->change_sponsor &&
      !scm_store_set_person_sponsor_validated (data->store, data->person, data->sponsor_validated, error))
    return FALSE;
  return TRUE;
}

static void
save_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ScmPersonDialog *self = SCM_PERSON_DIALOG (source);
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

  g_signal_emit (self, signals[SIGNAL_SAVED], 0, data->person);
  gtk_window_destroy (GTK_WINDOW (self));
}

static char *
dup_trimmed_or_null (const char *text)
{
  char *copy = g_strstrip (g_strdup (text));

  if (*copy == '\0')
    g_clear_pointer (&copy, g_free);
  return copy;
}

static void
save_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ScmPersonDialog *self = SCM_PERSON_DIALOG (widget);
  g_autofree char *email = NULL;
  g_autofree char *first_name = NULL;
  g_autofree char *middle_name = NULL;
  g_autofree char *last_name = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *common_name = NULL;
  g_autofree char *upn = NULL;
  g_autofree char *eppn = NULL;
  g_auto (GStrv) alternative_emails = NULL;
  ScmDomain *domain = get_selected_domain (self);
  gboolean high = adw_combo_row_get_selected (self->validation_row) == 1;
  gboolean sponsor = gtk_switch_get_active (self->sponsor_switch);
  const char *typed_secret = get_text (self->secret_row);
  SaveData *data;

  if (self->saving || !validate (self))
    return;

  check_email (self, &email, NULL);
  first_name = dup_trimmed_or_null (get_text (self->first_name_row));
  middle_name = dup_trimmed_or_null (get_text (self->middle_name_row));
  last_name = dup_trimmed_or_null (get_text (self->last_name_row));
  phone = dup_trimmed_or_null (get_text (self->phone_row));
  common_name = dup_trimmed_or_null (get_text (self->common_name_row));
  upn = dup_trimmed_or_null (get_text (self->upn_row));
  eppn = dup_trimmed_or_null (get_text (self->eppn_row));
  alternative_emails = split_alternative_emails (get_text (self->alternative_emails_row), NULL);

  data = g_new0 (SaveData, 1);
  data->store = g_object_ref (scm_authority_get_store (self->authority));
  /* A copy: the listed object changes only once the store took it. */
  data->person = scm_person_new ();
  if (self->person != NULL)
    {
      scm_person_set_id (data->person, scm_person_get_id (self->person));
      scm_person_set_has_secret_id (data->person, scm_person_get_has_secret_id (self->person));
      scm_person_set_sponsor_validated (data->person, scm_person_get_sponsor_validated (self->person));
    }
  scm_person_set_organization_id (data->person, scm_dialog_get_selected_id (self->organization_row, self->organization_ids));
  scm_person_set_department_id (data->person, scm_dialog_get_selected_id (self->department_row, self->department_ids));
  scm_person_set_domain_id (data->person, domain ? scm_domain_get_id (domain) : 0);
  scm_person_set_first_name (data->person, first_name);
  scm_person_set_middle_name (data->person, middle_name);
  scm_person_set_last_name (data->person, last_name);
  scm_person_set_email (data->person, email);
  scm_person_set_phone (data->person, phone);
  scm_person_set_common_name (data->person, common_name);
  scm_person_set_upn (data->person, upn);
  scm_person_set_eppn (data->person, eppn);
  scm_person_set_secondary_emails (data->person, (const char * const *) alternative_emails);
  scm_person_set_validation_type (data->person, high ? SCM_VALIDATION_HIGH : SCM_VALIDATION_STANDARD);

  if (self->generated_secret != NULL)
    data->secret = g_strdup (self->generated_secret);
  else if (*typed_secret != '\0')
    data->secret = g_strdup (typed_secret);
  data->change_sponsor = high && sponsor != scm_person_get_sponsor_validated (data->person);
  data->sponsor_validated = sponsor;

  self->saving = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  validate (self);

  /* The person, the Secret ID and the sponsor's mark go in together, or
   * nothing does (a Secret ID another person has refuses the save). */
  scm_store_task_run (self, data->store, (ScmStoreChangeFunc) save_changes, data,
                      (GDestroyNotify) save_data_free, self->cancellable, save_activated,
                      save_cb, NULL);
}

/* GObject ------------------------------------------------------------------- */

static void
scm_person_dialog_dispose (GObject *object)
{
  ScmPersonDialog *self = SCM_PERSON_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SCM_TYPE_PERSON_DIALOG);

  G_OBJECT_CLASS (scm_person_dialog_parent_class)->dispose (object);
}

static void
scm_person_dialog_finalize (GObject *object)
{
  ScmPersonDialog *self = SCM_PERSON_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->authority);
  g_clear_object (&self->index);
  g_clear_object (&self->person);
  g_clear_pointer (&self->taken_emails, g_hash_table_unref);
  g_clear_pointer (&self->organization_ids, g_array_unref);
  g_clear_pointer (&self->department_ids, g_array_unref);
  g_clear_pointer (&self->domains, g_ptr_array_unref);
  g_clear_pointer (&self->generated_secret, scm_secret_free);

  G_OBJECT_CLASS (scm_person_dialog_parent_class)->finalize (object);
}

static void
scm_person_dialog_class_init (ScmPersonDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scm_person_dialog_dispose;
  object_class->finalize = scm_person_dialog_finalize;

  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SCM_TYPE_PERSON);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-person-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, ScmPersonDialog, name)
  BIND (error_label);
  BIND (view_stack);
  BIND (organization_row);
  BIND (organization_names);
  BIND (department_row);
  BIND (department_names);
  BIND (domain_row);
  BIND (domain_names);
  BIND (delegation_error);
  BIND (first_name_row);
  BIND (first_name_error);
  BIND (middle_name_row);
  BIND (middle_name_error);
  BIND (last_name_row);
  BIND (last_name_error);
  BIND (email_row);
  BIND (email_error);
  BIND (phone_row);
  BIND (phone_error);
  BIND (common_name_row);
  BIND (common_name_error);
  BIND (validation_row);
  BIND (sponsor_row);
  BIND (sponsor_switch);
  BIND (secret_status_row);
  BIND (generated_row);
  BIND (secret_row);
  BIND (strength_row);
  BIND (strength_bar);
  BIND (strength_label);
  BIND (secret_error);
  BIND (upn_row);
  BIND (upn_error);
  BIND (eppn_row);
  BIND (eppn_error);
  BIND (alternative_emails_row);
  BIND (alternative_emails_error);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, validate_cb);
  gtk_widget_class_bind_template_callback (widget_class, selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, name_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, common_name_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, secret_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, organization_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, department_changed_cb);

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, save_activated);
  gtk_widget_class_install_action (widget_class, "dialog.generate-secret", NULL, generate_secret_activated);
  gtk_widget_class_install_action (widget_class, "dialog.copy-secret", NULL, copy_secret_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
scm_person_dialog_init (ScmPersonDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->organization_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->department_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->domains = g_ptr_array_new_with_free_func (g_object_unref);
  self->common_name_follows = TRUE;

  /* Strength in estimated bits: below the minimum a typed Secret ID is
   * refused. */
  gtk_level_bar_add_offset_value (self->strength_bar, GTK_LEVEL_BAR_OFFSET_LOW, SCM_SECRET_MIN_TYPED_BITS);
  gtk_level_bar_add_offset_value (self->strength_bar, GTK_LEVEL_BAR_OFFSET_HIGH, 80);
  gtk_level_bar_add_offset_value (self->strength_bar, GTK_LEVEL_BAR_OFFSET_FULL, 100);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.copy-secret", FALSE);
}

static void
set_text (gpointer    row,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

ScmPersonDialog *
scm_person_dialog_new (GtkWindow    *parent,
                       ScmAuthority *authority,
                       ScmListIndex *index,
                       GListModel   *persons,
                       ScmPerson    *person)
{
  ScmPersonDialog *self;
  GPtrArray *organizations;
  guint n_persons;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SCM_IS_AUTHORITY (authority), NULL);
  g_return_val_if_fail (SCM_IS_LIST_INDEX (index), NULL);
  g_return_val_if_fail (persons == NULL || G_IS_LIST_MODEL (persons), NULL);
  g_return_val_if_fail (person == NULL || SCM_IS_PERSON (person), NULL);

  self = g_object_new (SCM_TYPE_PERSON_DIALOG,
                       "transient-for", parent,
                       "title", person ? _("Edit Person") : _("Add Person"),
                       NULL);
  self->authority = g_object_ref (authority);
  self->index = g_object_ref (index);
  self->person = person ? g_object_ref (person) : NULL;

  /* Emails of the other listed persons, to say "taken" while typing;
   * the store decides for good when saving. */
  self->taken_emails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  n_persons = persons ? g_list_model_get_n_items (persons) : 0;
  for (guint i = 0; i < n_persons; i++)
    {
      g_autoptr (ScmPerson) other = g_list_model_get_item (persons, i);

      if (person == NULL || scm_person_get_id (other) != scm_person_get_id (person))
        g_hash_table_add (self->taken_emails, g_strdup (scm_person_get_email (other)));
    }

  organizations = scm_list_index_get_organizations (index);
  for (guint i = 0; i < organizations->len; i++)
    {
      gint64 id = scm_organization_get_id (organizations->pdata[i]);

      g_array_append_val (self->organization_ids, id);
      gtk_string_list_append (self->organization_names,
                              scm_organization_get_name (organizations->pdata[i]));
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->organization_row), organizations->len > 0);
  organization_changed_cb (self);

  if (person != NULL)
    {
      g_autofree char *full_name = scm_person_dup_full_name (person);
      const char * const *alternative_emails = scm_person_get_secondary_emails (person);
      g_autofree char *alternatives = alternative_emails ? g_strjoinv (", ", (char **) alternative_emails) : NULL;

      scm_dialog_select_id (self->organization_row, self->organization_ids, scm_person_get_organization_id (person));
      scm_dialog_select_id (self->department_row, self->department_ids, scm_person_get_department_id (person));
      for (guint i = 0; i < self->domains->len; i++)
        if (scm_domain_get_id (self->domains->pdata[i]) == scm_person_get_domain_id (person))
          adw_combo_row_set_selected (self->domain_row, i);

      set_text (self->first_name_row, scm_person_get_first_name (person));
      set_text (self->middle_name_row, scm_person_get_middle_name (person));
      set_text (self->last_name_row, scm_person_get_last_name (person));
      set_text (self->email_row, scm_person_get_email (person));
      set_text (self->phone_row, scm_person_get_phone (person));
      set_text (self->common_name_row, scm_person_get_common_name (person));
      set_text (self->upn_row, scm_person_get_upn (person));
      set_text (self->eppn_row, scm_person_get_eppn (person));
      set_text (self->alternative_emails_row, alternatives);
      /* Filling in the fields made the common name look typed. */
      self->common_name_follows = scm_person_get_common_name (person) == NULL ||
                                  g_strcmp0 (scm_person_get_common_name (person), full_name) == 0;
      adw_combo_row_set_selected (self->validation_row,
                                  scm_person_get_validation_type (person) == SCM_VALIDATION_HIGH ? 1 : 0);
      gtk_switch_set_active (self->sponsor_switch, scm_person_get_sponsor_validated (person));
    }

  validate (self);
  return self;
}
