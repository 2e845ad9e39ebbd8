/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "scm-dialog-util.h"
#include "scm-enroll-request-page.h"
#include "scm-enroll-util.h"
#include "scm-key.h"
#include "scm-pkcs12.h"
#include "scm-secret.h"

/* A CSR is a few kilobytes; the endpoint takes no body over 64 KiB. */
#define MAX_CSR_SIZE (32 * 1024)

/* Bits a password should carry to be called strong, as for secrets. */
#define STRONG_BITS 80.0

struct _ScmEnrollRequestPage
{
  AdwBin parent_instance;

  JsonObject *authorized;
  GPtrArray *profiles;        /* JsonObject, parallel to profile_names */
  GArray *terms;              /* guint days, parallel to term_names */
  GArray *key_types;          /* ScmKeyType, parallel to key_type_names */
  GArray *methods;            /* ScmCsrMethod, parallel to method_names */
  char *generated;            /* the generated password, scm_secret_free() */
  char *csr_pem;
  GCancellable *cancellable;
  GCancellable *csr_cancellable;
  GtkFileChooserNative *chooser;

  GtkLabel *error_label;
  AdwComboRow *profile_row;
  GtkStringList *profile_names;
  AdwComboRow *term_row;
  GtkStringList *term_names;
  AdwComboRow *method_row;
  GtkStringList *method_names;
  AdwComboRow *key_type_row;
  GtkStringList *key_type_names;
  AdwActionRow *csr_row;
  AdwPreferencesGroup *password_group;
  AdwPasswordEntryRow *password_row;
  AdwPasswordEntryRow *confirm_row;
  GtkWidget *strength_row;
  GtkLevelBar *strength_bar;
  GtkLabel *strength_label;
  GtkLabel *password_error;
  AdwActionRow *generated_row;
  AdwPreferencesGroup *protection_group;
  GtkWidget *modern_row;
  GtkCheckButton *modern_check;
  GtkWidget *compatible_row;
  GtkCheckButton *compatible_check;
};

G_DEFINE_FINAL_TYPE (ScmEnrollRequestPage, scm_enroll_request_page, ADW_TYPE_BIN)

enum {
  SIGNAL_SUBMIT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
get_text (gpointer editable)
{
  return gtk_editable_get_text (GTK_EDITABLE (editable));
}

static void
set_strings (GtkStringList *list,
             GPtrArray     *strings)
{
  g_ptr_array_add (strings, NULL);
  gtk_string_list_splice (list, 0, g_list_model_get_n_items (G_LIST_MODEL (list)),
                          (const char *const *) strings->pdata);
}

static JsonObject *
get_profile (ScmEnrollRequestPage *self)
{
  guint selected = adw_combo_row_get_selected (self->profile_row);

  if (self->profiles == NULL || selected >= self->profiles->len)
    return NULL;
  return g_ptr_array_index (self->profiles, selected);
}

static ScmCsrMethod
get_method (ScmEnrollRequestPage *self)
{
  guint selected = adw_combo_row_get_selected (self->method_row);

  if (selected >= self->methods->len)
    return 0;
  return g_array_index (self->methods, ScmCsrMethod, selected);
}

static char *
describe_term (guint days)
{
  if (days % 365 == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u year", "%u years", days / 365),
                            days / 365);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u day", "%u days", days), days);
}

static const char *
describe_key_type (ScmKeyType type)
{
  switch (type)
    {
    case SCM_KEY_TYPE_RSA_2048:
      return _("RSA 2048");
    case SCM_KEY_TYPE_RSA_3072:
      return _("RSA 3072");
    case SCM_KEY_TYPE_RSA_4096:
      return _("RSA 4096");
    case SCM_KEY_TYPE_EC_P256:
      return _("EC P-256");
    case SCM_KEY_TYPE_EC_P384:
      return _("EC P-384");
    default:
      return scm_key_type_to_string (type);
    }
}

static const char *
describe_method (ScmCsrMethod method)
{
  switch (method)
    {
    case SCM_CSR_METHOD_CLIENT:
      return _("This computer");
    case SCM_CSR_METHOD_SERVER:
      return _("Enrollment server");
    case SCM_CSR_METHOD_PROVIDED:
    default:
      return _("My own CSR file");
    }
}

/* Password --------------------------------------------------------------------------------- */

static void
update_strength (ScmEnrollRequestPage *self)
{
  const char *password = get_text (self->password_row);
  double bits = scm_secret_estimate_bits (password);

  gtk_widget_set_visible (self->strength_row, *password != '\0');
  gtk_level_bar_set_value (self->strength_bar, MIN (bits, 100.0));
  if (bits < SCM_SECRET_MIN_TYPED_BITS)
    gtk_label_set_text (self->strength_label, _("Weak"));
  else if (bits < STRONG_BITS)
    gtk_label_set_text (self->strength_label, _("Fair"));
  else
    gtk_label_set_text (self->strength_label, _("Strong"));
}

/* Why the password cannot be used yet, or NULL; *@show says whether to
 * say so already (not while the second one is still being typed). */
static GError *
check_password (ScmEnrollRequestPage *self,
                gboolean             *show)
{
  const char *password = get_text (self->password_row);
  const char *confirm = get_text (self->confirm_row);
  gboolean allow_empty = FALSE;
  JsonNode *node = json_object_get_member (self->authorized, "allow_empty_password");
  GError *error = NULL;

  *show = TRUE;
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    allow_empty = json_node_get_boolean (node);
  if (!scm_pkcs12_check_password (password, &error))
    return error;
  if (*password == '\0' && *confirm == '\0')
    {
      *show = FALSE;
      if (allow_empty)
        return NULL;
      return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                  _("Choose a password for the file."));
    }
  if (!g_str_equal (password, confirm))
    {
      *show = strlen (confirm) >= strlen (password) || !g_str_has_prefix (password, confirm);
      return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                  _("The two passwords differ. Type the same password twice."));
    }
  return NULL;
}

static void
update (ScmEnrollRequestPage *self)
{
  ScmCsrMethod method = get_method (self);
  gboolean provided = method == SCM_CSR_METHOD_PROVIDED;
  gboolean valid = get_profile (self) != NULL && method != 0;
  g_autoptr(GError) password_error = NULL;
  gboolean show = FALSE;

  gtk_widget_set_visible (GTK_WIDGET (self->csr_row), provided);
  gtk_widget_set_visible (GTK_WIDGET (self->key_type_row), !provided);
  gtk_widget_set_visible (GTK_WIDGET (self->password_group), !provided);
  gtk_widget_set_visible (GTK_WIDGET (self->protection_group), !provided);

  if (provided)
    valid &= self->csr_pem != NULL;
  else
    {
      password_error = check_password (self, &show);
      valid &= password_error == NULL && adw_combo_row_get_selected (self->key_type_row)
                                         < self->key_types->len;
    }
  scm_dialog_set_field_error (self->password_error, GTK_WIDGET (self->confirm_row),
                              password_error, show);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "request.submit", valid);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "request.copy-password",
                                 self->generated != NULL);
}

static void
password_changed_cb (ScmEnrollRequestPage *self)
{
  /* Typing over a generated password makes it the person's own. */
  if (self->generated != NULL && !g_str_equal (self->generated, get_text (self->password_row)))
    {
      g_clear_pointer (&self->generated, scm_secret_free);
      gtk_widget_set_visible (GTK_WIDGET (self->generated_row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->generated_row), "");
    }
  update_strength (self);
  update (self);
}

static void
generate_password_activated (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  ScmEnrollRequestPage *self = SCM_ENROLL_REQUEST_PAGE (widget);
  char *password = scm_secret_generate (SCM_SECRET_KIND_PKCS12_PASSWORD);

  g_clear_pointer (&self->generated, scm_secret_free);
  self->generated = password;
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), password);
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), password);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->generated_row), password);
  gtk_widget_set_visible (GTK_WIDGET (self->generated_row), TRUE);
  update (self);
}

static void
copy_password_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  ScmEnrollRequestPage *self = SCM_ENROLL_REQUEST_PAGE (widget);

  if (self->generated != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->generated);
}

/* Choices ---------------------------------------------------------------------------------- */

/* The account decides the server's PKCS#12 protection; a key made here
 * is packaged here, in either. */
static void
update_protection (ScmEnrollRequestPage *self)
{
  JsonArray *offered = scm_enroll_json_array (self->authorized, "pkcs12");
  gboolean server = get_method (self) == SCM_CSR_METHOD_SERVER;
  gboolean modern = scm_enroll_json_has (offered,
                                         scm_pkcs12_protection_to_string (SCM_PKCS12_AES256_SHA256));
  gboolean compatible = scm_enroll_json_has (offered,
                                             scm_pkcs12_protection_to_string (SCM_PKCS12_TRIPLEDES_SHA1));

  /* The account's choice first; Modern when it names none. */
  if (compatible && !modern)
    gtk_check_button_set_active (self->compatible_check, TRUE);
  else
    gtk_check_button_set_active (self->modern_check, TRUE);
  gtk_widget_set_sensitive (self->modern_row, !server || modern || !compatible);
  gtk_widget_set_sensitive (self->compatible_row, !server || compatible);
  adw_preferences_group_set_description (self->protection_group,
                                         server && modern != compatible
                                         ? _("The account chooses how files the server makes are "
                                             "protected.")
                                         : NULL);
}

static void
profile_changed_cb (ScmEnrollRequestPage *self)
{
  JsonObject *profile = get_profile (self);
  JsonArray *terms = scm_enroll_json_array (profile, "terms");
  JsonArray *types = scm_enroll_json_array (profile, "key_types");
  g_autoptr(GPtrArray) term_names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) type_names = g_ptr_array_new ();
  guint preferred = 0;

  g_array_set_size (self->terms, 0);
  for (guint i = 0; terms != NULL && i < json_array_get_length (terms); i++)
    {
      JsonNode *node = json_array_get_element (terms, i);
      guint days;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
          || json_node_get_int (node) <= 0 || json_node_get_int (node) > G_MAXINT)
        continue;
      days = (guint) json_node_get_int (node);
      g_array_append_val (self->terms, days);
      g_ptr_array_add (term_names, describe_term (days));
    }
  set_strings (self->term_names, term_names);
  gtk_widget_set_visible (GTK_WIDGET (self->term_row), self->terms->len > 0);

  g_array_set_size (self->key_types, 0);
  for (guint i = 0; types != NULL && i < json_array_get_length (types); i++)
    {
      JsonNode *node = json_array_get_element (types, i);
      ScmKeyType type;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING
          || !scm_key_type_from_string (json_node_get_string (node), &type))
        continue;
      if (type == SCM_KEY_TYPE_EC_P256)
        preferred = self->key_types->len;
      g_array_append_val (self->key_types, type);
      g_ptr_array_add (type_names, (char *) describe_key_type (type));
    }
  set_strings (self->key_type_names, type_names);
  adw_combo_row_set_selected (self->key_type_row, preferred);
  update (self);
}

/* What the short choice means, under the row. */
static void
describe_method_choice (ScmEnrollRequestPage *self)
{
  const char *subtitle;

  switch (get_method (self))
    {
    case SCM_CSR_METHOD_CLIENT:
      subtitle = _("Made here; the private key never leaves this computer");
      break;
    case SCM_CSR_METHOD_SERVER:
      subtitle = _("The server makes the key and sends it in the PKCS#12 file");
      break;
    case SCM_CSR_METHOD_PROVIDED:
      subtitle = _("Your software made the key; send its certificate signing request");
      break;
    default:
      subtitle = NULL;
      break;
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->method_row), subtitle);
}

static void
method_changed_cb (ScmEnrollRequestPage *self)
{
  describe_method_choice (self);
  update_protection (self);
  update (self);
}

static void
entry_activated_cb (ScmEnrollRequestPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "request.submit", NULL);
}

static void
submit_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  scm_enroll_show_error (SCM_ENROLL_REQUEST_PAGE (widget)->error_label, NULL);
  g_signal_emit (widget, signals[SIGNAL_SUBMIT], 0);
}

/* CSR file --------------------------------------------------------------------------------- */

static void
csr_loaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ScmEnrollRequestPage) self = user_data;
  GFile *file = G_FILE (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = g_file_get_parse_name (file);
  g_autofree char *message = NULL;
  g_autofree char *subtitle = NULL;
  g_autoptr(GBytes) spki = NULL;
  gsize len = 0;
  ScmKeyType type;

  if (!g_file_load_contents_finish (file, result, &contents, &len, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("“%s” could not be read: %s. Choose another file."), name,
                                 error->message);
    }
  else if (len > MAX_CSR_SIZE)
    message = g_strdup_printf (_("“%s” is too large to be a certificate signing request. "
                                 "Choose the CSR file."), name);
  else if ((spki = scm_csr_parse (contents, len, &type, &error)) == NULL)
    message = g_strdup_printf (_("“%s” is not a usable certificate signing request: %s. Choose "
                                 "another file."), name, error->message);

  g_clear_pointer (&self->csr_pem, g_free);
  if (message != NULL)
    {
      adw_action_row_set_subtitle (self->csr_row, _("No file chosen"));
      scm_enroll_show_error (self->error_label, message);
      update (self);
      return;
    }

  /* The endpoint takes the CSR as JSON text: DER travels as PEM. */
  if (g_strstr_len (contents, len, "-----BEGIN") != NULL)
    self->csr_pem = g_strndup (contents, len);
  else
    {
      g_autofree char *base64 = g_base64_encode ((const guchar *) contents, len);
      g_autoptr(GString) pem = g_string_new ("-----BEGIN CERTIFICATE REQUEST-----\n");

      for (gsize i = 0; base64[i] != '\0'; i += 64)
        {
          g_string_append_len (pem, base64 + i, MIN (64, strlen (base64 + i)));
          g_string_append_c (pem, '\n');
        }
      g_string_append (pem, "-----END CERTIFICATE REQUEST-----\n");
      self->csr_pem = g_string_free (g_steal_pointer (&pem), FALSE);
    }
  /* Translators: a file name and the kind of key in it */
  subtitle = g_strdup_printf (_("%s — %s key"), name, describe_key_type (type));
  adw_action_row_set_subtitle (self->csr_row, subtitle);
  scm_enroll_show_error (self->error_label, NULL);
  update (self);
}

void
scm_enroll_request_page_load_csr (ScmEnrollRequestPage *self,
                                  GFile                *file)
{
  g_return_if_fail (SCM_IS_ENROLL_REQUEST_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  g_cancellable_cancel (self->csr_cancellable);
  g_clear_object (&self->csr_cancellable);
  self->csr_cancellable = g_cancellable_new ();
  if (self->cancellable != NULL)
    g_cancellable_connect (self->cancellable, G_CALLBACK (g_cancellable_cancel),
                           g_object_ref (self->csr_cancellable), g_object_unref);
  g_file_load_contents_async (file, self->csr_cancellable, csr_loaded_cb, g_object_ref (self));
}

static void
chooser_response_cb (ScmEnrollRequestPage *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        scm_enroll_request_page_load_csr (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
choose_csr_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ScmEnrollRequestPage *self = SCM_ENROLL_REQUEST_PAGE (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Choose a Certificate Signing Request"),
                                               GTK_WINDOW (gtk_widget_get_root (widget)),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
                                               _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Certificate signing requests"));
  gtk_file_filter_add_pattern (filter, "*.csr");
  gtk_file_filter_add_pattern (filter, "*.req");
  gtk_file_filter_add_pattern (filter, "*.pem");
  gtk_file_filter_add_pattern (filter, "*.der");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Life cycle ------------------------------------------------------------------------------- */

static void
scm_enroll_request_page_dispose (GObject *object)
{
  ScmEnrollRequestPage *self = SCM_ENROLL_REQUEST_PAGE (object);

  g_cancellable_cancel (self->csr_cancellable);
  g_clear_object (&self->csr_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), SCM_TYPE_ENROLL_REQUEST_PAGE);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->authorized, json_object_unref);
  g_clear_pointer (&self->profiles, g_ptr_array_unref);

  G_OBJECT_CLASS (scm_enroll_request_page_parent_class)->dispose (object);
}

static void
scm_enroll_request_page_finalize (GObject *object)
{
  ScmEnrollRequestPage *self = SCM_ENROLL_REQUEST_PAGE (object);

  g_array_unref (self->terms);
  g_array_unref (self->key_types);
  g_array_unref (self->methods);
  scm_secret_free (self->generated);
  g_free (self->csr_pem);

  G_OBJECT_CLASS (scm_enroll_request_page_parent_class)->finalize (object);
}

static void
scm_enroll_request_page_class_init (ScmEnrollRequestPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scm_enroll_request_page_dispose;
  object_class->finalize = scm_enroll_request_page_finalize;

  signals[SIGNAL_SUBMIT] =
    g_signal_new ("submit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/example/ScmEnroll/ui/scm-enroll-request-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, ScmEnrollRequestPage, name)
  BIND (error_label);
  BIND (profile_row);
  BIND (profile_names);
  BIND (term_row);
  BIND (term_names);
  BIND (method_row);
  BIND (method_names);
  BIND (key_type_row);
  BIND (key_type_names);
  BIND (csr_row);
  BIND (password_group);
  BIND (password_row);
  BIND (confirm_row);
  BIND (strength_row);
  BIND (strength_bar);
  BIND (strength_label);
  BIND (password_error);
  BIND (generated_row);
  BIND (protection_group);
  BIND (modern_row);
  BIND (modern_check);
  BIND (compatible_row);
  BIND (compatible_check);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, profile_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, method_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, password_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);
  gtk_widget_class_install_action (widget_class, "request.submit", NULL, submit_activated);
  gtk_widget_class_install_action (widget_class, "request.generate-password", NULL,
                                   generate_password_activated);
  gtk_widget_class_install_action (widget_class, "request.copy-password", NULL,
                                   copy_password_activated);
  gtk_widget_class_install_action (widget_class, "request.choose-csr", NULL,
                                   choose_csr_activated);
}

static void
scm_enroll_request_page_init (ScmEnrollRequestPage *self)
{
  self->terms = g_array_new (FALSE, FALSE, sizeof (guint));
  self->key_types = g_array_new (FALSE, FALSE, sizeof (ScmKeyType));
  self->methods = g_array_new (FALSE, FALSE, sizeof (ScmCsrMethod));
  self->authorized = json_object_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_level_bar_add_offset_value (self->strength_bar, GTK_LEVEL_BAR_OFFSET_LOW,
                                  SCM_SECRET_MIN_TYPED_BITS);
  gtk_level_bar_add_offset_value (self->strength_bar, GTK_LEVEL_BAR_OFFSET_HIGH, STRONG_BITS);
  gtk_level_bar_add_offset_value (self->strength_bar, GTK_LEVEL_BAR_OFFSET_FULL, 100);
  update (self);
}

void
scm_enroll_request_page_start (ScmEnrollRequestPage *self,
                               JsonObject           *authorized,
                               GCancellable         *cancellable)
{
  static const ScmCsrMethod all_methods[] = {
    SCM_CSR_METHOD_CLIENT, SCM_CSR_METHOD_SERVER, SCM_CSR_METHOD_PROVIDED,
  };
  JsonArray *profiles = scm_enroll_json_array (authorized, "profiles");
  JsonArray *methods = scm_enroll_json_array (authorized, "csr_methods");
  g_autoptr(GPtrArray) profile_names = g_ptr_array_new ();
  g_autoptr(GPtrArray) method_names = g_ptr_array_new ();

  g_return_if_fail (SCM_IS_ENROLL_REQUEST_PAGE (self));
  g_return_if_fail (authorized != NULL);

  g_set_object (&self->cancellable, cancellable);
  g_clear_pointer (&self->authorized, json_object_unref);
  self->authorized = json_object_ref (authorized);

  g_clear_pointer (&self->profiles, g_ptr_array_unref);
  self->profiles = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; profiles != NULL && i < json_array_get_length (profiles); i++)
    {
      JsonNode *node = json_array_get_element (profiles, i);
      const char *name;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      name = scm_enroll_json_string (json_node_get_object (node), "name");
      g_ptr_array_add (self->profiles, json_object_ref (json_node_get_object (node)));
      g_ptr_array_add (profile_names, (char *) (name != NULL ? name : "?"));
    }

  g_array_set_size (self->methods, 0);
  for (guint i = 0; i < G_N_ELEMENTS (all_methods); i++)
    if (scm_enroll_json_has (methods, scm_csr_method_to_string (all_methods[i])))
      {
        g_array_append_val (self->methods, all_methods[i]);
        g_ptr_array_add (method_names, (char *) describe_method (all_methods[i]));
      }

  set_strings (self->method_names, method_names);
  adw_combo_row_set_selected (self->method_row, 0);
  set_strings (self->profile_names, profile_names);
  adw_combo_row_set_selected (self->profile_row, 0);
  profile_changed_cb (self);

  g_clear_pointer (&self->csr_pem, g_free);
  adw_action_row_set_subtitle (self->csr_row, _("No file chosen"));
  g_clear_pointer (&self->generated, scm_secret_free);
  gtk_widget_set_visible (GTK_WIDGET (self->generated_row), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), "");
  scm_enroll_show_error (self->error_label, NULL);
  if (self->profiles->len == 0 || self->methods->len == 0)
    scm_enroll_show_error (self->error_label,
                           _("The account offers no certificate you can request here. Ask your "
                             "administrator."));
  method_changed_cb (self);
}

ScmEnrollRequest *
scm_enroll_request_page_dup_request (ScmEnrollRequestPage *self)
{
  ScmEnrollRequest *request;
  guint selected;

  g_return_val_if_fail (SCM_IS_ENROLL_REQUEST_PAGE (self), NULL);

  request = scm_enroll_request_new ();
  request->profile_id = scm_enroll_json_int (get_profile (self), "id", 0);
  selected = adw_combo_row_get_selected (self->term_row);
  if (selected < self->terms->len)
    request->term_days = g_array_index (self->terms, guint, selected);
  selected = adw_combo_row_get_selected (self->key_type_row);
  if (selected < self->key_types->len)
    request->key_type = g_array_index (self->key_types, ScmKeyType, selected);
  request->method = get_method (self);
  if (request->method == SCM_CSR_METHOD_PROVIDED)
    request->csr_pem = g_strdup (self->csr_pem);
  else
    request->password = g_strdup (get_text (self->password_row));
  request->protection = gtk_check_button_get_active (self->compatible_check)
                        ? SCM_PKCS12_TRIPLEDES_SHA1 : SCM_PKCS12_AES256_SHA256;
  return request;
}

void
scm_enroll_request_page_show_error (ScmEnrollRequestPage *self,
                                    const char           *message)
{
  g_return_if_fail (SCM_IS_ENROLL_REQUEST_PAGE (self));

  scm_enroll_show_error (self->error_label, message);
}
