/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-bulk-issue-dialog.h"
#include "scm-dialog-util.h"

struct _ScmBulkIssueDialog
{
  AdwWindow parent_instance;

  ScmAuthority *authority;
  GArray *person_ids;
  GCancellable *cancellable;      /* loads and the run; cancelled on close */
  GPtrArray *accounts;            /* ScmAccount, as the account row lists them */
  GPtrArray *all_profiles;        /* ScmProfile */
  GPtrArray *profiles;            /* of the chosen account, as listed */
  GArray *key_types;              /* of the chosen profile, as listed */
  GFile *folder;
  GtkFileChooserNative *chooser;
  ScmBulkIssueSummary *summary;
  gboolean running;

  AdwWindowTitle *window_title;
  GtkStack *stack;
  AdwComboRow *account_row;
  GtkStringList *account_names;
  AdwComboRow *profile_row;
  GtkStringList *profile_names;
  AdwComboRow *key_type_row;
  GtkStringList *key_type_names;
  AdwComboRow *protection_row;
  AdwActionRow *folder_row;
  GtkLabel *error_label;
  GtkLabel *progress_label;
  GtkProgressBar *progress_bar;
  AdwStatusPage *summary_page;
};

G_DEFINE_FINAL_TYPE (ScmBulkIssueDialog, scm_bulk_issue_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_ISSUED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
replace_names (GtkStringList *list,
               const char   **names)
{
  gtk_string_list_splice (list, 0, g_list_model_get_n_items (G_LIST_MODEL (list)), names);
}

static ScmAccount *
selected_account (ScmBulkIssueDialog *self)
{
  guint i = adw_combo_row_get_selected (self->account_row);

  return self->accounts != NULL && i < self->accounts->len ? self->accounts->pdata[i] : NULL;
}

static ScmProfile *
selected_profile (ScmBulkIssueDialog *self)
{
  guint i = adw_combo_row_get_selected (self->profile_row);

  return self->profiles != NULL && i < self->profiles->len ? self->profiles->pdata[i] : NULL;
}

static void
update_actions (ScmBulkIssueDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bulk.issue",
                                 !self->running && selected_account (self) != NULL
                                 && selected_profile (self) != NULL
                                 && adw_combo_row_get_selected (self->key_type_row)
                                    < (self->key_types != NULL ? self->key_types->len : 0)
                                 && self->folder != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "bulk.cancel", self->running);
}

static void
profile_changed_cb (ScmBulkIssueDialog *self)
{
  ScmProfile *profile = selected_profile (self);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  g_clear_pointer (&self->key_types, g_array_unref);
  self->key_types = g_array_new (FALSE, FALSE, sizeof (ScmKeyType));
  if (profile != NULL)
    {
      GArray *types = scm_profile_get_key_types (profile);

      for (guint i = 0; types != NULL && i < types->len; i++)
        {
          ScmKeyType type = g_array_index (types, ScmKeyType, i);

          g_array_append_val (self->key_types, type);
          g_ptr_array_add (names, (gpointer) scm_key_type_to_string (type));
        }
    }
  g_ptr_array_add (names, NULL);
  replace_names (self->key_type_names, (const char **) names->pdata);
  update_actions (self);
}

static void
account_changed_cb (ScmBulkIssueDialog *self)
{
  ScmAccount *account = selected_account (self);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  g_clear_pointer (&self->profiles, g_ptr_array_unref);
  self->profiles = g_ptr_array_new_with_free_func (g_object_unref);
  if (account != NULL && self->all_profiles != NULL)
    {
      GArray *ids = scm_account_get_profile_ids (account);

      for (guint i = 0; i < self->all_profiles->len; i++)
        {
          ScmProfile *profile = self->all_profiles->pdata[i];

          for (guint j = 0; ids != NULL && j < ids->len; j++)
            if (g_array_index (ids, gint64, j) == scm_profile_get_id (profile))
              {
                g_ptr_array_add (self->profiles, g_object_ref (profile));
                g_ptr_array_add (names, (gpointer) scm_profile_get_name (profile));
                break;
              }
        }
    }
  g_ptr_array_add (names, NULL);
  replace_names (self->profile_names, (const char **) names->pdata);
  profile_changed_cb (self);
}

/* Loading ------------------------------------------------------------------------------- */

typedef struct
{
  GPtrArray *accounts;
  GPtrArray *profiles;
} Choices;

static void
choices_free (Choices *choices)
{
  g_clear_pointer (&choices->accounts, g_ptr_array_unref);
  g_clear_pointer (&choices->profiles, g_ptr_array_unref);
  g_free (choices);
}

static gpointer
load_choices (ScmStore  *store,
              gpointer   data,
              GError   **error)
{
  Choices *choices = g_new0 (Choices, 1);

  choices->accounts = scm_store_list_accounts (store, 0, error);
  if (choices->accounts != NULL)
    choices->profiles = scm_store_list_profiles (store, error);
  if (choices->profiles == NULL)
    {
      choices_free (choices);
      return NULL;
    }
  return choices;
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ScmBulkIssueDialog *self = SCM_BULK_ISSUE_DIALOG (source);
  g_autoptr(GError) error = NULL;
  Choices *choices;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  choices = scm_dialog_load_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_stack_set_visible_child_name (self->stack, "form");
  if (choices == NULL)
    {
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  self->accounts = g_steal_pointer (&choices->accounts);
  self->all_profiles = g_steal_pointer (&choices->profiles);
  choices_free (choices);
  for (guint i = 0; i < self->accounts->len; i++)
    g_ptr_array_add (names, (gpointer) scm_account_get_name (self->accounts->pdata[i]));
  g_ptr_array_add (names, NULL);
  replace_names (self->account_names, (const char **) names->pdata);
  account_changed_cb (self);
}

/* Folder -------------------------------------------------------------------------------- */

static void
chooser_response_cb (GtkNativeDialog    *dialog,
                     int                 response,
                     ScmBulkIssueDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (folder != NULL)
        scm_bulk_issue_dialog_set_folder (self, folder);
    }
  g_clear_object (&self->chooser);
}

static void
choose_folder_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  ScmBulkIssueDialog *self = SCM_BULK_ISSUE_DIALOG (widget);

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Choose the Output Folder"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Running ------------------------------------------------------------------------------- */

static void
progress_cb (guint    done,
             guint    total,
             guint    issued,
             gpointer user_data)
{
  ScmBulkIssueDialog *self = user_data;
  g_autofree char *text = NULL;

  gtk_progress_bar_set_fraction (self->progress_bar, total > 0 ? (double) done / total : 1.0);
  /* Translators: "Issued 12 of 20 certificates…" */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Issued %u of %u certificate…",
                                       "Issued %u of %u certificates…", total),
                          issued, total);
  gtk_label_set_text (self->progress_label, text);
}

static void
issued_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(ScmBulkIssueDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;
  ScmBulkIssueSummary *summary;

  summary = scm_bulk_issue_run_finish (result, &error);
  self->running = FALSE;
  update_actions (self);
  if (summary == NULL)
    {
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      gtk_stack_set_visible_child_name (self->stack, "form");
      return;
    }
  g_clear_pointer (&self->summary, scm_bulk_issue_summary_free);
  self->summary = summary;

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u Certificate Issued",
                                        "%u Certificates Issued", summary->n_issued),
                           summary->n_issued);
  {
    g_autoptr(GString) text = g_string_new (NULL);

    if (summary->cancelled)
      g_string_append (text, _("Cancelled: the persons not reached got no certificate. "));
    if (summary->n_failed > 0)
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                 "%u person got none (see the audit log). ",
                                                 "%u persons got none (see the audit log). ",
                                                 summary->n_failed),
                              summary->n_failed);
    if (summary->passwords_path != NULL)
      g_string_append_printf (text, _("The passwords are in %s."), summary->passwords_path);
    description = g_string_free (g_steal_pointer (&text), FALSE);
  }
  adw_status_page_set_title (self->summary_page, title);
  adw_status_page_set_description (self->summary_page, description);
  adw_status_page_set_icon_name (self->summary_page,
                                 summary->cancelled || summary->n_failed > 0
                                 ? "dialog-warning-symbolic" : "emblem-ok-symbolic");
  gtk_stack_set_visible_child_name (self->stack, "summary");
  g_signal_emit (self, signals[SIGNAL_ISSUED], 0, summary->n_issued);
}

static void
issue_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ScmBulkIssueDialog *self = SCM_BULK_ISSUE_DIALOG (widget);
  g_autofree char *path = NULL;
  ScmBulkIssueOptions options = { 0 };
  guint key_index = adw_combo_row_get_selected (self->key_type_row);

  if (self->running || selected_account (self) == NULL || selected_profile (self) == NULL
      || self->folder == NULL || key_index >= self->key_types->len)
    return;
  path = g_file_get_path (self->folder);
  if (path == NULL)
    {
      gtk_label_set_text (self->error_label,
                          _("The chosen folder is not on this computer; choose a local folder."));
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  options.account = selected_account (self);
  options.profile = selected_profile (self);
  options.key_type = g_array_index (self->key_types, ScmKeyType, key_index);
  options.protection = adw_combo_row_get_selected (self->protection_row) == 1
                       ? SCM_PKCS12_TRIPLEDES_SHA1 : SCM_PKCS12_AES256_SHA256;
  options.out_dir = path;

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  self->running = TRUE;
  update_actions (self);
  progress_cb (0, self->person_ids->len, 0, self);
  gtk_stack_set_visible_child_name (self->stack, "progress");
  scm_bulk_issue_run_async (self->authority, &options,
                            scm_bulk_issue_items_from_ids ((const gint64 *) self->person_ids->data,
                                                           self->person_ids->len),
                            progress_cb, g_object_ref (self), g_object_unref,
                            self->cancellable, issued_cb, g_object_ref (self));
}

static void
cancel_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ScmBulkIssueDialog *self = SCM_BULK_ISSUE_DIALOG (widget);

  gtk_label_set_text (self->progress_label, _("Cancelling…"));
  g_cancellable_cancel (self->cancellable);
}

static gboolean
scm_bulk_issue_dialog_close_request (GtkWindow *window)
{
  g_cancellable_cancel (SCM_BULK_ISSUE_DIALOG (window)->cancellable);

  return GTK_WINDOW_CLASS (scm_bulk_issue_dialog_parent_class)->close_request (window);
}

static void
scm_bulk_issue_dialog_dispose (GObject *object)
{
  ScmBulkIssueDialog *self = SCM_BULK_ISSUE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  G_OBJECT_CLASS (scm_bulk_issue_dialog_parent_class)->dispose (object);
}

static void
scm_bulk_issue_dialog_finalize (GObject *object)
{
  ScmBulkIssueDialog *self = SCM_BULK_ISSUE_DIALOG (object);

  g_clear_object (&self->authority);
  g_clear_pointer (&self->person_ids, g_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  g_clear_pointer (&self->all_profiles, g_ptr_array_unref);
  g_clear_pointer (&self->profiles, g_ptr_array_unref);
  g_clear_pointer (&self->key_types, g_array_unref);
  g_clear_object (&self->folder);
  g_clear_pointer (&self->summary, scm_bulk_issue_summary_free);

  G_OBJECT_CLASS (scm_bulk_issue_dialog_parent_class)->finalize (object);
}

static void
scm_bulk_issue_dialog_class_init (ScmBulkIssueDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = scm_bulk_issue_dialog_dispose;
  object_class->finalize = scm_bulk_issue_dialog_finalize;
  window_class->close_request = scm_bulk_issue_dialog_close_request;

  signals[SIGNAL_ISSUED] =
    g_signal_new ("issued", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-bulk-issue-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, ScmBulkIssueDialog, name)
  BIND (window_title);
  BIND (stack);
  BIND (account_row);
  BIND (account_names);
  BIND (profile_row);
  BIND (profile_names);
  BIND (key_type_row);
  BIND (key_type_names);
  BIND (protection_row);
  BIND (folder_row);
  BIND (error_label);
  BIND (progress_label);
  BIND (progress_bar);
  BIND (summary_page);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, account_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, profile_changed_cb);
  gtk_widget_class_install_action (widget_class, "bulk.choose-folder", NULL,
                                   choose_folder_activated);
  gtk_widget_class_install_action (widget_class, "bulk.issue", NULL, issue_activated);
  gtk_widget_class_install_action (widget_class, "bulk.cancel", NULL, cancel_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
scm_bulk_issue_dialog_init (ScmBulkIssueDialog *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_stack_set_visible_child_name (self->stack, "loading");
  update_actions (self);
}

ScmBulkIssueDialog *
scm_bulk_issue_dialog_new (GtkWindow    *parent,
                           ScmAuthority *authority,
                           const gint64 *person_ids,
                           guint         n_person_ids)
{
  ScmBulkIssueDialog *self;
  g_autofree char *subtitle = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SCM_IS_AUTHORITY (authority), NULL);
  g_return_val_if_fail (person_ids != NULL || n_person_ids == 0, NULL);

  self = g_object_new (SCM_TYPE_BULK_ISSUE_DIALOG, "transient-for", parent, NULL);
  self->authority = g_object_ref (authority);
  self->person_ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_person_ids);
  g_array_append_vals (self->person_ids, person_ids, n_person_ids);
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "For %u person", "For %u persons",
                                           n_person_ids),
                              n_person_ids);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  scm_dialog_load_async (self, scm_authority_get_store (authority), load_choices, NULL, NULL,
                         (GDestroyNotify) choices_free, self->cancellable, loaded_cb, NULL);
  return self;
}

void
scm_bulk_issue_dialog_set_folder (ScmBulkIssueDialog *self,
                                  GFile              *folder)
{
  g_autofree char *name = NULL;

  g_return_if_fail (SCM_IS_BULK_ISSUE_DIALOG (self));
  g_return_if_fail (G_IS_FILE (folder));

  g_set_object (&self->folder, folder);
  name = g_file_get_parse_name (folder);
  adw_action_row_set_subtitle (self->folder_row, name);
  update_actions (self);
}

const char *
scm_bulk_issue_dialog_get_state (ScmBulkIssueDialog *self)
{
  g_return_val_if_fail (SCM_IS_BULK_ISSUE_DIALOG (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

const ScmBulkIssueSummary *
scm_bulk_issue_dialog_get_summary (ScmBulkIssueDialog *self)
{
  g_return_val_if_fail (SCM_IS_BULK_ISSUE_DIALOG (self), NULL);

  return self->summary;
}
