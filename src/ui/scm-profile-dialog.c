/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-dialog-util.h"
#include "scm-error.h"
#include "scm-profile-dialog.h"
#include "scm-store-task.h"
#include "scm-validate.h"

/* As the store allows (and RFC 5280 profiles here: ≤ 825 days). */
#define DESCRIPTION_MAX_CHARS 1024
#define MAX_TERM_DAYS 825
#define MAX_PER_PERSON 1000

struct _ScmProfileDialog
{
  AdwWindow parent_instance;

  ScmAuthority *authority;
  ScmProfile *profile;             /* NULL when adding */
  GPtrArray *other_profiles;
  GCancellable *cancellable;
  gboolean read_only;
  gboolean saving;

  AdwWindowTitle *window_title;
  GtkWidget *cancel_button;
  GtkWidget *save_button;
  GtkLabel *error_label;
  AdwPreferencesGroup *builtin_group;
  AdwEntryRow *name_row;
  GtkLabel *name_error;
  AdwEntryRow *description_row;
  GtkLabel *description_error;
  AdwComboRow *purpose_row;
  GtkCheckButton *rsa2048_check;
  GtkCheckButton *rsa3072_check;
  GtkCheckButton *rsa4096_check;
  GtkCheckButton *p256_check;
  GtkCheckButton *p384_check;
  GtkLabel *key_types_error;
  AdwEntryRow *terms_row;
  GtkLabel *terms_error;
  AdwEntryRow *max_row;
  GtkLabel *max_error;
  AdwComboRow *cn_source_row;
  GtkSwitch *email_in_subject_switch;
  AdwEntryRow *policy_oid_row;
  GtkLabel *policy_oid_error;
};

G_DEFINE_FINAL_TYPE (ScmProfileDialog, scm_profile_dialog, ADW_TYPE_WINDOW)

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

/* In ScmKeyType's order. */
static GtkCheckButton *
get_key_check (ScmProfileDialog *self,
               ScmKeyType        type)
{
  switch (type)
    {
    case SCM_KEY_TYPE_RSA_2048:
      return self->rsa2048_check;
    case SCM_KEY_TYPE_RSA_3072:
      return self->rsa3072_check;
    case SCM_KEY_TYPE_RSA_4096:
      return self->rsa4096_check;
    case SCM_KEY_TYPE_EC_P256:
      return self->p256_check;
    case SCM_KEY_TYPE_EC_P384:
    default:
      return self->p384_check;
    }
}

static GArray *
dup_key_types (ScmProfileDialog *self)
{
  GArray *types = g_array_new (FALSE, FALSE, sizeof (ScmKeyType));

  for (ScmKeyType type = SCM_KEY_TYPE_RSA_2048; type <= SCM_KEY_TYPE_EC_P384; type++)
    if (gtk_check_button_get_active (get_key_check (self, type)))
      g_array_append_val (types, type);
  return types;
}

/* "365, 730" → { 365, 730 }; NULL with @error naming the bad one. */
static GArray *
parse_terms (const char  *text,
             GError     **error)
{
  g_auto (GStrv) parts = g_strsplit_set (text, ",; ", -1);
  g_autoptr (GArray) terms = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; parts[i] != NULL; i++)
    {
      gint64 days;
      guint term;

      if (*parts[i] == '\0')
        continue;
      if (!scm_validate_integer (parts[i], _("A term in days"), 1, MAX_TERM_DAYS, &days, error))
        return NULL;
      term = (guint) days;
      g_array_append_val (terms, term);
    }
  if (terms->len == 0)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("Allow at least one term, such as 365 days."));
      return NULL;
    }
  return g_steal_pointer (&terms);
}

static gboolean
parse_max (ScmProfileDialog  *self,
           guint             *out,
           GError           **error)
{
  g_autofree char *text = g_strstrip (g_strdup (get_text (self->max_row)));
  gint64 max = 0;

  if (*text != '\0' &&
      !scm_validate_integer (text, _("The maximum of valid certificates"), 0, MAX_PER_PERSON, &max, error))
    return FALSE;
  if (out != NULL)
    *out = (guint) max;
  return TRUE;
}

static gboolean
check_name (ScmProfileDialog  *self,
            char             **out,
            GError           **error)
{
  g_autofree char *name = NULL;
  g_autofree char *key = NULL;

  if (!scm_validate_name (get_text (self->name_row), _("The profile name"), &name, error))
    return FALSE;
  key = g_utf8_casefold (name, -1);
  for (guint i = 0; i < self->other_profiles->len; i++)
    {
      g_autofree char *other = g_utf8_casefold (scm_profile_get_name (self->other_profiles->pdata[i]), -1);

      if (g_str_equal (key, other))
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                       _("A profile named “%s” exists already; choose another name."), name);
          return FALSE;
        }
    }
  if (out != NULL)
    *out = g_steal_pointer (&name);
  return TRUE;
}

static gboolean
validate (ScmProfileDialog *self)
{
  g_autoptr (GError) name_error = NULL;
  g_autoptr (GError) description_error = NULL;
  g_autoptr (GError) key_types_error = NULL;
  g_autoptr (GError) terms_error = NULL;
  g_autoptr (GError) max_error = NULL;
  g_autoptr (GError) policy_oid_error = NULL;
  g_autoptr (GArray) key_types = NULL;
  g_autoptr (GArray) terms = NULL;
  g_autofree char *oid = NULL;
  gboolean valid = TRUE;

  if (self->other_profiles == NULL)
    return FALSE;
  if (self->read_only)
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.save", FALSE);
      return FALSE;
    }

  oid = g_strstrip (g_strdup (get_text (self->policy_oid_row)));
  valid &= check_name (self, NULL, &name_error);
  valid &= scm_validate_text (get_text (self->description_row), _("The description"),
                              DESCRIPTION_MAX_CHARS, 0, NULL, &description_error);
  key_types = dup_key_types (self);
  if (key_types->len == 0)
    g_set_error_literal (&key_types_error, SCM_ERROR, SCM_ERROR_INVALID,
                         _("Allow at least one key type; EC P-256 or RSA 2048 suit most devices."));
  valid &= key_types_error == NULL;
  terms = parse_terms (get_text (self->terms_row), &terms_error);
  valid &= terms != NULL;
  valid &= parse_max (self, NULL, &max_error);
  if (*oid != '\0')
    valid &= scm_validate_oid (oid, &policy_oid_error);

  scm_dialog_set_field_error (self->name_error, GTK_WIDGET (self->name_row), name_error,
                              g_object_get_data (G_OBJECT (self->name_row), "scm-touched") != NULL ||
                              *get_text (self->name_row) != '\0');
  scm_dialog_set_field_error (self->description_error, GTK_WIDGET (self->description_row), description_error, TRUE);
  scm_dialog_set_field_error (self->key_types_error, GTK_WIDGET (self->key_types_error), key_types_error, TRUE);
  scm_dialog_set_field_error (self->terms_error, GTK_WIDGET (self->terms_row), terms_error, TRUE);
  scm_dialog_set_field_error (self->max_error, GTK_WIDGET (self->max_row), max_error, TRUE);
  scm_dialog_set_field_error (self->policy_oid_error, GTK_WIDGET (self->policy_oid_row), policy_oid_error, TRUE);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.save", valid && !self->saving);
  return valid;
}

static void
validate_cb (ScmProfileDialog *self,
             GtkEditable      *field)
{
  g_object_set_data (G_OBJECT (field), "scm-touched", GINT_TO_POINTER (TRUE));
  validate (self);
}

static void
selection_changed_cb (ScmProfileDialog *self)
{
  validate (self);
}

static void
entry_activated_cb (ScmProfileDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "dialog.save", NULL);
}

/* Saving ------------------------------------------------------------------- */

typedef struct
{
  ScmStore *store;
  ScmProfile *profile;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->store);
  g_clear_object (&data->profile);
  g_free (data);
}

static gboolean
save_changes (SaveData  *data,
              GError   **error)
{
  if (scm_profile_get_id (data->profile) == 0)
    return scm_store_create_profile (data->store, data->profile, error);
  return scm_store_update_profile (data->store, data->profile, error);
}

static void
save_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ScmProfileDialog *self = SCM_PROFILE_DIALOG (source);
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

  g_signal_emit (self, signals[SIGNAL_SAVED], 0, data->profile);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ScmProfileDialog *self = SCM_PROFILE_DIALOG (widget);
  static const ScmPurpose purposes[] = {
    SCM_PURPOSE_CLIENT_AUTH,
    SCM_PURPOSE_SMIME,
    SCM_PURPOSE_CLIENT_AUTH | SCM_PURPOSE_SMIME,
  };
  g_autofree char *name = NULL;
  g_autofree char *description = NULL;
  g_autofree char *oid = NULL;
  g_autoptr (GArray) key_types = NULL;
  g_autoptr (GArray) terms = NULL;
  guint purpose = MIN (adw_combo_row_get_selected (self->purpose_row), G_N_ELEMENTS (purposes) - 1);
  guint max = 0;
  SaveData *data;

  if (self->saving || !validate (self))
    return;

  check_name (self, &name, NULL);
  description = g_strstrip (g_strdup (get_text (self->description_row)));
  oid = g_strstrip (g_strdup (get_text (self->policy_oid_row)));
  key_types = dup_key_types (self);
  terms = parse_terms (get_text (self->terms_row), NULL);
  parse_max (self, &max, NULL);

  data = g_new0 (SaveData, 1);
  data->store = g_object_ref (scm_authority_get_store (self->authority));
  /* A copy: the listed object changes only once the store took it. */
  data->profile = scm_profile_new ();
  if (self->profile != NULL)
    scm_profile_set_id (data->profile, scm_profile_get_id (self->profile));
  scm_profile_set_name (data->profile, name);
  scm_profile_set_description (data->profile, *description != '\0' ? description : NULL);
  scm_profile_set_purpose (data->profile, purposes[purpose]);
  scm_profile_set_key_types (data->profile, key_types);
  scm_profile_set_terms (data->profile, terms);
  scm_profile_set_max_per_person (data->profile, max);
  scm_profile_set_cn_source (data->profile,
                             adw_combo_row_get_selected (self->cn_source_row) == 1
                             ? SCM_CN_SOURCE_NAME : SCM_CN_SOURCE_EMAIL);
  scm_profile_set_email_in_subject (data->profile, gtk_switch_get_active (self->email_in_subject_switch));
  scm_profile_set_policy_oid (data->profile, *oid != '\0' ? oid : NULL);

  self->saving = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  validate (self);
  scm_store_task_run (self, data->store, (ScmStoreChangeFunc) save_changes, data,
                      (GDestroyNotify) save_data_free, self->cancellable, save_activated,
                      save_cb, NULL);
}

/* GObject ------------------------------------------------------------------- */

static void
scm_profile_dialog_dispose (GObject *object)
{
  ScmProfileDialog *self = SCM_PROFILE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SCM_TYPE_PROFILE_DIALOG);

  G_OBJECT_CLASS (scm_profile_dialog_parent_class)->dispose (object);
}

static void
scm_profile_dialog_finalize (GObject *object)
{
  ScmProfileDialog *self = SCM_PROFILE_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->authority);
  g_clear_object (&self->profile);
  g_clear_pointer (&self->other_profiles, g_ptr_array_unref);

  G_OBJECT_CLASS (scm_profile_dialog_parent_class)->finalize (object);
}

static void
scm_profile_dialog_class_init (ScmProfileDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scm_profile_dialog_dispose;
  object_class->finalize = scm_profile_dialog_finalize;

  signals[SIGNAL_SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SCM_TYPE_PROFILE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-profile-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, ScmProfileDialog, name)
  BIND (window_title);
  BIND (cancel_button);
  BIND (save_button);
  BIND (error_label);
  BIND (builtin_group);
  BIND (name_row);
  BIND (name_error);
  BIND (description_row);
  BIND (description_error);
  BIND (purpose_row);
  BIND (rsa2048_check);
  BIND (rsa3072_check);
  BIND (rsa4096_check);
  BIND (p256_check);
  BIND (p384_check);
  BIND (key_types_error);
  BIND (terms_row);
  BIND (terms_error);
  BIND (max_row);
  BIND (max_error);
  BIND (cn_source_row);
  BIND (email_in_subject_switch);
  BIND (policy_oid_row);
  BIND (policy_oid_error);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, validate_cb);
  gtk_widget_class_bind_template_callback (widget_class, selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, save_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
scm_profile_dialog_init (ScmProfileDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}

static void
fill_in (ScmProfileDialog *self,
         ScmProfile       *profile)
{
  GArray *key_types = scm_profile_get_key_types (profile);
  GArray *terms = scm_profile_get_terms (profile);
  ScmPurpose purpose = scm_profile_get_purpose (profile);
  g_autoptr (GString) term_text = g_string_new (NULL);
  g_autofree char *max = g_strdup_printf ("%u", scm_profile_get_max_per_person (profile));

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), scm_profile_get_name (profile));
  gtk_editable_set_text (GTK_EDITABLE (self->description_row),
                         scm_profile_get_description (profile) ? scm_profile_get_description (profile) : "");
  adw_combo_row_set_selected (self->purpose_row,
                              purpose == (SCM_PURPOSE_CLIENT_AUTH | SCM_PURPOSE_SMIME) ? 2 :
                              purpose == SCM_PURPOSE_SMIME ? 1 : 0);
  for (guint i = 0; i < key_types->len; i++)
    gtk_check_button_set_active (get_key_check (self, g_array_index (key_types, ScmKeyType, i)), TRUE);
  for (guint i = 0; i < terms->len; i++)
    g_string_append_printf (term_text, "%s%u", i > 0 ? ", " : "", g_array_index (terms, guint, i));
  gtk_editable_set_text (GTK_EDITABLE (self->terms_row), term_text->str);
  gtk_editable_set_text (GTK_EDITABLE (self->max_row), max);
  adw_combo_row_set_selected (self->cn_source_row, scm_profile_get_cn_source (profile) == SCM_CN_SOURCE_NAME ? 1 : 0);
  gtk_switch_set_active (self->email_in_subject_switch, scm_profile_get_email_in_subject (profile));
  gtk_editable_set_text (GTK_EDITABLE (self->policy_oid_row),
                         scm_profile_get_policy_oid (profile) ? scm_profile_get_policy_oid (profile) : "");
}

/* Every field shows, none edits. */
static void
make_read_only (ScmProfileDialog *self)
{
  GtkWidget *editables[] = {
    GTK_WIDGET (self->name_row), GTK_WIDGET (self->description_row), GTK_WIDGET (self->terms_row),
    GTK_WIDGET (self->max_row), GTK_WIDGET (self->policy_oid_row),
  };
  GtkWidget *choices[] = {
    GTK_WIDGET (self->purpose_row), GTK_WIDGET (self->cn_source_row),
    GTK_WIDGET (self->email_in_subject_switch), GTK_WIDGET (self->rsa2048_check),
    GTK_WIDGET (self->rsa3072_check), GTK_WIDGET (self->rsa4096_check), GTK_WIDGET (self->p256_check),
    GTK_WIDGET (self->p384_check),
  };

  self->read_only = TRUE;
  /* Insensitive too: an entry row that cannot edit still shows its pencil. */
  for (guint i = 0; i < G_N_ELEMENTS (editables); i++)
    {
      gtk_editable_set_editable (GTK_EDITABLE (editables[i]), FALSE);
      gtk_widget_set_sensitive (editables[i], FALSE);
    }
  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    gtk_widget_set_sensitive (choices[i], FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->builtin_group), TRUE);
  gtk_widget_set_visible (self->save_button, FALSE);
  gtk_button_set_label (GTK_BUTTON (self->cancel_button), _("_Close"));
}

ScmProfileDialog *
scm_profile_dialog_new (GtkWindow    *parent,
                        ScmAuthority *authority,
                        GListModel   *profiles,
                        ScmProfile   *profile)
{
  ScmProfileDialog *self;
  const char *title;
  guint n_profiles;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SCM_IS_AUTHORITY (authority), NULL);
  g_return_val_if_fail (profiles == NULL || G_IS_LIST_MODEL (profiles), NULL);
  g_return_val_if_fail (profile == NULL || SCM_IS_PROFILE (profile), NULL);

  if (profile == NULL)
    title = _("Add Certificate Profile");
  else if (scm_profile_get_builtin (profile))
    title = _("Certificate Profile");
  else
    title = _("Edit Certificate Profile");
  self = g_object_new (SCM_TYPE_PROFILE_DIALOG,
                       "transient-for", parent,
                       "title", title,
                       NULL);
  adw_window_title_set_title (self->window_title, title);
  self->authority = g_object_ref (authority);
  self->profile = profile ? g_object_ref (profile) : NULL;

  self->other_profiles = g_ptr_array_new_with_free_func (g_object_unref);
  n_profiles = profiles ? g_list_model_get_n_items (profiles) : 0;
  for (guint i = 0; i < n_profiles; i++)
    {
      g_autoptr (ScmProfile) other = g_list_model_get_item (profiles, i);

      if (profile == NULL || scm_profile_get_id (other) != scm_profile_get_id (profile))
        g_ptr_array_add (self->other_profiles, g_steal_pointer (&other));
    }

  if (profile != NULL)
    fill_in (self, profile);
  else
    {
      /* What suits most: client authentication, one year, a fast key. */
      gtk_check_button_set_active (self->p256_check, TRUE);
      gtk_check_button_set_active (self->rsa2048_check, TRUE);
      gtk_editable_set_text (GTK_EDITABLE (self->terms_row), "365");
      gtk_editable_set_text (GTK_EDITABLE (self->max_row), "0");
    }
  if (profile != NULL && scm_profile_get_builtin (profile))
    make_read_only (self);

  validate (self);
  return self;
}
