/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-list-page.h"
#include "scm-store-task.h"

typedef struct _PendingDelete PendingDelete;
static void pending_delete_free (PendingDelete *pending);
static void hide_pending_items (ScmListPage *self);

typedef struct
{
  ScmAuthority *authority;
  ScmListIndex *index;
  GCancellable *cancellable;   /* the running load */
  GListStore *items;
  GtkFilterListModel *filter_model;
  GtkSortListModel *sort_model;
  GtkSingleSelection *selection;
  GtkStringFilter *search_filter;
  GtkEveryFilter *filter;         /* the search and the page's own filters */
  GtkPopover *row_menu_popover;
  GPtrArray *pending_deletes;     /* PendingDelete, hidden rows offering Undo */

  char *title;
  gboolean loading;
  gboolean loaded_once;
  gboolean needs_reload;
  gboolean deleting;

  /* template */
  GtkWidget *toolbar;
  GtkSearchEntry *search_entry;
  GtkWidget *delete_button;
  GtkWidget *add_button;
  AdwButtonContent *add_button_content;
  GtkStack *content_stack;
  GtkSpinner *spinner;
  GtkColumnView *column_view;
  AdwStatusPage *empty_page;
  GtkButton *empty_add_button;
  GMenuModel *row_menu;
} ScmListPagePrivate;

G_DEFINE_TYPE_WITH_PRIVATE (ScmListPage, scm_list_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_AUTHORITY,
  PROP_LOADING,
  PROP_STATE,
  PROP_TITLE,
  PROP_EMPTY_ICON_NAME,
  PROP_EMPTY_TITLE,
  PROP_EMPTY_DESCRIPTION,
  PROP_ADD_LABEL,
  PROP_SEARCH_PLACEHOLDER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gpointer
get_selected_item (ScmListPage *self)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  return gtk_single_selection_get_selected_item (priv->selection);
}

static void
update_actions (ScmListPage *self)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);
  ScmListPageClass *klass = SCM_LIST_PAGE_GET_CLASS (self);
  gboolean ready = priv->authority != NULL;
  gboolean selected = get_selected_item (self) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "list.add", ready && klass->add != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "list.edit",
                                 ready && selected && klass->edit != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "list.delete",
                                 ready && selected && !priv->deleting && klass->delete_item != NULL);
}

static void
update_state (ScmListPage *self)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);
  const char *state;

  if (!priv->loaded_once)
    state = "loading";
  else if (g_list_model_get_n_items (G_LIST_MODEL (priv->items)) == 0)
    state = "empty";
  else if (g_list_model_get_n_items (G_LIST_MODEL (priv->filter_model)) == 0)
    state = "no-results";
  else
    state = "list";

  gtk_spinner_set_spinning (priv->spinner, g_str_equal (state, "loading"));

  if (g_strcmp0 (gtk_stack_get_visible_child_name (priv->content_stack), state) != 0)
    {
      gtk_stack_set_visible_child_name (priv->content_stack, state);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  update_actions (self);
}

/* Loading ---------------------------------------------------------------- */

typedef struct
{
  ScmStore *store;
  GPtrArray *(*load) (ScmStore *, GError **);
} LoadData;

typedef struct
{
  GPtrArray *items;
  ScmListIndex *index;
} LoadResult;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->store);
  g_free (data);
}

static void
load_result_free (LoadResult *result)
{
  g_clear_pointer (&result->items, g_ptr_array_unref);
  g_clear_object (&result->index);
  g_free (result);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr (GError) error = NULL;
  LoadResult *result = g_new0 (LoadResult, 1);

  result->index = scm_list_index_load (data->store, &error);
  if (result->index != NULL)
    result->items = data->load (data->store, &error);
  if (result->items == NULL)
    {
      load_result_free (result);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, result, (GDestroyNotify) load_result_free);
}

static void
set_loading (ScmListPage *self,
             gboolean     loading)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  if (priv->loading == loading)
    return;
  priv->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
load_cb (GObject      *source,
         GAsyncResult *res,
         gpointer      user_data)
{
  ScmListPage *self = SCM_LIST_PAGE (source);
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);
  g_autoptr (GError) error = NULL;
  LoadResult *result;

  result = g_task_propagate_pointer (G_TASK (res), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_task_get_cancellable (G_TASK (res)) != priv->cancellable)
    {
      g_clear_pointer (&result, load_result_free);
      return;
    }

  g_clear_object (&priv->cancellable);
  if (result == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not load the list: %s"), error->message);

      g_warning ("%s", text);
      scm_list_page_show_toast (self, text);
    }
  else
    {
      g_set_object (&priv->index, result->index);
      g_list_store_splice (priv->items, 0,
                           g_list_model_get_n_items (G_LIST_MODEL (priv->items)),
                           result->items->pdata, result->items->len);
      load_result_free (result);
      hide_pending_items (self);
    }

  priv->loaded_once = TRUE;
  set_loading (self, FALSE);
  update_state (self);
}

static void
reload (ScmListPage *self)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);
  ScmListPageClass *klass = SCM_LIST_PAGE_GET_CLASS (self);
  g_autoptr (GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (priv->authority != NULL);
  g_return_if_fail (klass->load != NULL);

  priv->needs_reload = FALSE;
  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  priv->cancellable = g_cancellable_new ();

  data = g_new0 (LoadData, 1);
  data->store = g_object_ref (scm_authority_get_store (priv->authority));
  data->load = klass->load;

  set_loading (self, TRUE);
  task = g_task_new (self, priv->cancellable, load_cb, NULL);
  g_task_set_source_tag (task, reload);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

void
scm_list_page_invalidate (ScmListPage *self)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  g_return_if_fail (SCM_IS_LIST_PAGE (self));

  priv->needs_reload = TRUE;
  /* Pages that are not shown load when they are: with 100,000 persons
   * only the page in front pays for a change. */
  if (priv->authority != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    reload (self);
}

static void
scm_list_page_map (GtkWidget *widget)
{
  ScmListPage *self = SCM_LIST_PAGE (widget);
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  GTK_WIDGET_CLASS (scm_list_page_parent_class)->map (widget);

  if (priv->needs_reload && priv->authority != NULL)
    reload (self);
}

/* Columns ---------------------------------------------------------------- */

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  /* Lets the context menu find the row under the pointer. */
  g_object_set_data (G_OBJECT (label), "scm-list-item", list_item);
  gtk_list_item_set_child (list_item, label);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              GtkExpression            *expression)
{
  g_auto (GValue) value = G_VALUE_INIT;
  GtkWidget *label = gtk_list_item_get_child (list_item);
  const char *text = NULL;

  if (gtk_expression_evaluate (expression, gtk_list_item_get_item (list_item), &value))
    text = g_value_get_string (&value);
  gtk_label_set_text (GTK_LABEL (label), text ? text : "");
  gtk_widget_set_tooltip_text (label, text != NULL && g_utf8_strlen (text, -1) > 40 ? text : NULL);
}

static void
unref_expression (gpointer  data,
                  GClosure *closure)
{
  gtk_expression_unref (data);
}

GtkColumnViewColumn *
scm_list_page_add_column (ScmListPage   *self,
                          const char    *title,
                          GtkExpression *text,
                          GtkSorter     *sorter,
                          gboolean       expand)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);
  g_autoptr (GtkListItemFactory) factory = NULL;
  g_autoptr (GtkColumnViewColumn) column = NULL;

  g_return_val_if_fail (SCM_IS_LIST_PAGE (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (gtk_expression_get_value_type (text) == G_TYPE_STRING, NULL);

  if (sorter == NULL)
    {
      GtkStringSorter *string_sorter = gtk_string_sorter_new (gtk_expression_ref (text));

      gtk_string_sorter_set_ignore_case (string_sorter, TRUE);
      sorter = GTK_SORTER (string_sorter);
    }

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), NULL);
  g_signal_connect_data (factory, "bind", G_CALLBACK (cell_bind_cb),
                         text, unref_expression, 0);

  column = gtk_column_view_column_new (title, g_object_ref (factory));
  gtk_column_view_column_set_sorter (column, sorter);
  g_object_unref (sorter);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (priv->column_view, column);

  return column;
}

void
scm_list_page_set_search_expression (ScmListPage   *self,
                                     GtkExpression *expression)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  g_return_if_fail (SCM_IS_LIST_PAGE (self));

  gtk_string_filter_set_expression (priv->search_filter, expression);
  gtk_expression_unref (expression);
}

void
scm_list_page_add_filter (ScmListPage *self,
                          GtkFilter   *filter)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  g_return_if_fail (SCM_IS_LIST_PAGE (self));
  g_return_if_fail (GTK_IS_FILTER (filter));

  gtk_multi_filter_append (GTK_MULTI_FILTER (priv->filter), filter);
}

void
scm_list_page_add_toolbar_widget (ScmListPage *self,
                                  GtkWidget   *widget)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  g_return_if_fail (SCM_IS_LIST_PAGE (self));
  g_return_if_fail (GTK_IS_WIDGET (widget));

  /* After the search entry, before Delete and Add. */
  gtk_box_insert_child_after (GTK_BOX (priv->toolbar), widget,
                              gtk_widget_get_prev_sibling (priv->delete_button));
}

GtkExpression *
scm_list_page_text_expression (ScmListPage        *self,
                               ScmListPageTextFunc func)
{
  g_return_val_if_fail (SCM_IS_LIST_PAGE (self), NULL);

  /* The page owns the column view that owns the expression: no ref. */
  return gtk_cclosure_expression_new (G_TYPE_STRING, NULL, 0, NULL,
                                      G_CALLBACK (func), self, NULL);
}

char *
scm_list_page_format_time (gint64 unix_seconds)
{
  g_autoptr (GDateTime) time = NULL;

  if (unix_seconds == 0)
    return g_strdup ("");
  time = g_date_time_new_from_unix_local (unix_seconds);
  if (time == NULL)
    return g_strdup ("");
  return g_date_time_format (time, "%Y-%m-%d %H:%M");
}

/* Search, selection, activation ------------------------------------------------ */

static void
search_changed_cb (ScmListPage *self)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  gtk_string_filter_set_search (priv->search_filter,
                                gtk_editable_get_text (GTK_EDITABLE (priv->search_entry)));
}

static void
stop_search_cb (ScmListPage *self)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  gtk_editable_set_text (GTK_EDITABLE (priv->search_entry), "");
}

static void
column_view_activate_cb (ScmListPage *self,
                         guint        position)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);
  ScmListPageClass *klass = SCM_LIST_PAGE_GET_CLASS (self);
  g_autoptr (GObject) item = NULL;

  if (klass->edit == NULL || priv->authority == NULL)
    return;
  item = g_list_model_get_item (G_LIST_MODEL (priv->selection), position);
  if (item != NULL)
    klass->edit (self, item);
}

static void
row_menu_pressed_cb (GtkGestureClick *gesture,
                     int              n_press,
                     double           x,
                     double           y,
                     ScmListPage     *self)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);
  ScmListPageClass *klass = SCM_LIST_PAGE_GET_CLASS (self);
  GtkWidget *widget;
  GtkListItem *list_item = NULL;
  double px, py;

  if (klass->edit == NULL && klass->delete_item == NULL)
    return;

  widget = gtk_widget_pick (GTK_WIDGET (priv->column_view), x, y, GTK_PICK_DEFAULT);
  for (; widget != NULL && widget != GTK_WIDGET (priv->column_view);
       widget = gtk_widget_get_parent (widget))
    {
      GtkWidget *child = gtk_widget_get_first_child (widget);

      list_item = g_object_get_data (G_OBJECT (widget), "scm-list-item");
      if (list_item == NULL && child != NULL)
        list_item = g_object_get_data (G_OBJECT (child), "scm-list-item");
      if (list_item != NULL)
        break;
    }
  if (list_item == NULL || gtk_list_item_get_position (list_item) == GTK_INVALID_LIST_POSITION)
    return;

  gtk_single_selection_set_selected (priv->selection, gtk_list_item_get_position (list_item));
  if (!gtk_widget_translate_coordinates (GTK_WIDGET (priv->column_view), GTK_WIDGET (self),
                                         x, y, &px, &py))
    return;
  gtk_popover_set_pointing_to (priv->row_menu_popover,
                               &(GdkRectangle) { (int) px, (int) py, 1, 1 });
  gtk_popover_popup (priv->row_menu_popover);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

/* Actions ------------------------------------------------------------------- */

static void
add_activated (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ScmListPage *self = SCM_LIST_PAGE (widget);
  ScmListPageClass *klass = SCM_LIST_PAGE_GET_CLASS (self);

  if (klass->add != NULL && scm_list_page_get_authority (self) != NULL)
    klass->add (self);
}

static void
edit_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ScmListPage *self = SCM_LIST_PAGE (widget);
  ScmListPageClass *klass = SCM_LIST_PAGE_GET_CLASS (self);
  gpointer item = get_selected_item (self);

  if (klass->edit != NULL && item != NULL)
    klass->edit (self, item);
}

static void
search_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ScmListPage *self = SCM_LIST_PAGE (widget);
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  gtk_widget_grab_focus (GTK_WIDGET (priv->search_entry));
}

/* Deleting, with Undo ---------------------------------------------------------
 *
 * A deletion is deferred: the row disappears at once and a toast offers
 * Undo; the store deletes it only when the toast goes (timeout, another
 * toast, the window closing). Until then nothing was written, so a crash
 * in between leaves the row as it was (never half-deleted, and never lost
 * without the user having seen it go for good). The deletion itself is
 * one transaction (scm_store_task_run()); a refusal (e.g. still in use)
 * is found out beforehand by trying it in a transaction that is rolled
 * back, so that the row does not vanish only to come back. */

typedef struct
{
  ScmStore *store;
  GObject *item;
  gboolean (*delete_item) (ScmStore *, gpointer, GError **);
} DeleteData;

static void
delete_data_free (DeleteData *data)
{
  g_clear_object (&data->store);
  g_clear_object (&data->item);
  g_free (data);
}

static DeleteData *
delete_data_new (ScmListPage *self,
                 GObject     *item)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);
  DeleteData *data = g_new0 (DeleteData, 1);

  data->store = g_object_ref (scm_authority_get_store (priv->authority));
  data->item = g_object_ref (item);
  data->delete_item = SCM_LIST_PAGE_GET_CLASS (self)->delete_item;
  return data;
}

static gboolean
delete_change (gpointer   user_data,
               GError   **error)
{
  DeleteData *data = user_data;

  return data->delete_item (data->store, data->item, error);
}

struct _PendingDelete
{
  ScmListPage *page;   /* unowned: the page ends its pending deletions before it goes */
  GObject *item;
  char *title;
  AdwToast *toast;
  gboolean done;       /* undone, or handed to the store */
};

static void
pending_delete_free (PendingDelete *pending)
{
  if (pending->toast != NULL)
    g_signal_handlers_disconnect_by_data (pending->toast, pending);
  g_clear_object (&pending->toast);
  g_clear_object (&pending->item);
  g_free (pending->title);
  g_free (pending);
}

/* The row's id: items of one page are told apart by it across reloads. */
static gint64
get_item_id (gpointer item)
{
  gint64 id = 0;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (item), "id") != NULL)
    g_object_get (item, "id", &id, NULL);
  return id;
}

static gboolean
same_item (gconstpointer a,
           gconstpointer b)
{
  gint64 id = get_item_id ((gpointer) a);

  return a == b || (id != 0 && id == get_item_id ((gpointer) b));
}

static void
hide_item (ScmListPage *self,
           GObject     *item)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);
  guint position;

  if (g_list_store_find_with_equal_func (priv->items, item, same_item, &position))
    g_list_store_remove (priv->items, position);
}

/* After a load: what waits for its deletion stays hidden. */
static void
hide_pending_items (ScmListPage *self)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  for (guint i = 0; i < priv->pending_deletes->len; i++)
    {
      PendingDelete *pending = priv->pending_deletes->pdata[i];

      if (!pending->done)
        hide_item (self, pending->item);
    }
}

static void
show_cannot_delete (ScmListPage  *self,
                    const GError *error)
{
  GtkWidget *dialog;

  /* The store's sentence says why (e.g. what still refers to it). */
  dialog = adw_message_dialog_new (scm_list_page_get_window (self),
                                   _("Cannot Delete"), error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
commit_delete_cb (GObject      *source,
                  GAsyncResult *res,
                  gpointer      user_data)
{
  ScmListPage *self = SCM_LIST_PAGE (source);
  DeleteData *data = scm_store_task_get_data (res);
  GApplication *app = user_data;
  g_autoptr (GError) error = NULL;
  gboolean in_window = gtk_widget_get_root (GTK_WIDGET (self)) != NULL;

  if (scm_store_task_finish (res, &error))
    {
      if (in_window)
        {
          scm_list_page_invalidate (self);
          g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
        }
    }
  else
    {
      /* Changed meanwhile (e.g. someone else began to use it): the row
       * is still in the store, so it comes back. */
      g_warning ("Could not delete: %s", error->message);
      if (in_window)
        {
          scm_list_page_invalidate (self);
          show_cannot_delete (self, error);
        }
    }
  (void) data;
  if (app != NULL)
    {
      g_application_release (app);
      g_object_unref (app);
    }
}

static void
commit_delete (PendingDelete *pending)
{
  ScmListPage *self = pending->page;
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);
  GApplication *app = g_application_get_default ();

  if (pending->done)
    return;
  pending->done = TRUE;
  if (priv->authority != NULL)
    {
      /* Keeps the application running until the store has it, even when
       * the window closes right away. */
      if (app != NULL)
        g_application_hold (g_object_ref (app));
      scm_store_task_run (self, scm_authority_get_store (priv->authority),
                          delete_change, delete_data_new (self, pending->item),
                          (GDestroyNotify) delete_data_free,
                          NULL, commit_delete, commit_delete_cb, app);
    }
  g_ptr_array_remove (priv->pending_deletes, pending);
}

static void
undo_delete (PendingDelete *pending)
{
  ScmListPage *self = pending->page;
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);
  guint position;

  if (pending->done)
    return;
  pending->done = TRUE;
  if (!g_list_store_find_with_equal_func (priv->items, pending->item, same_item, &position))
    g_list_store_append (priv->items, pending->item);
  g_ptr_array_remove (priv->pending_deletes, pending);
}

static void
toast_undo_clicked_cb (AdwToast      *toast,
                       PendingDelete *pending)
{
  undo_delete (pending);
}

static void
toast_dismissed_cb (AdwToast      *toast,
                    PendingDelete *pending)
{
  commit_delete (pending);
}

static void
offer_undo (ScmListPage *self,
            GObject     *item)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);
  ScmListPageClass *klass = SCM_LIST_PAGE_GET_CLASS (self);
  PendingDelete *pending = g_new0 (PendingDelete, 1);
  g_autofree char *text = NULL;
  GtkWidget *overlay;

  pending->page = self;
  pending->item = g_object_ref (item);
  pending->title = klass->dup_title (self, item);
  g_ptr_array_add (priv->pending_deletes, pending);
  hide_item (self, item);

  text = g_strdup_printf (_(klass->deleted_toast), pending->title);
  pending->toast = adw_toast_new (text);
  adw_toast_set_button_label (pending->toast, _("_Undo"));
  g_signal_connect (pending->toast, "button-clicked", G_CALLBACK (toast_undo_clicked_cb), pending);
  g_signal_connect (pending->toast, "dismissed", G_CALLBACK (toast_dismissed_cb), pending);

  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), g_object_ref (pending->toast));
  else
    commit_delete (pending);
}

static void
check_delete_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  DeleteData *data = task_data;
  g_autoptr (GError) error = NULL;

  /* Tried and rolled back: whether the store would refuse it. */
  if (!scm_store_begin (data->store, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!data->delete_item (data->store, data->item, &error))
    {
      scm_store_rollback (data->store);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  scm_store_rollback (data->store);
  g_task_return_boolean (task, TRUE);
}

static void
check_delete_cb (GObject      *source,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  ScmListPage *self = SCM_LIST_PAGE (source);
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);
  DeleteData *data = g_task_get_task_data (G_TASK (res));
  g_autoptr (GError) error = NULL;

  priv->deleting = FALSE;
  if (!g_task_propagate_boolean (G_TASK (res), &error))
    show_cannot_delete (self, error);
  /* Unless another data directory was opened meanwhile. */
  else if (priv->authority != NULL && scm_authority_get_store (priv->authority) == data->store)
    offer_undo (self, data->item);
  update_actions (self);
}

static void
delete_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ScmListPage *self = SCM_LIST_PAGE (widget);
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);
  ScmListPageClass *klass = SCM_LIST_PAGE_GET_CLASS (self);
  gpointer item = get_selected_item (self);
  g_autoptr (GTask) task = NULL;

  if (klass->delete_item == NULL || item == NULL || priv->authority == NULL || priv->deleting)
    return;

  priv->deleting = TRUE;
  update_actions (self);
  task = g_task_new (self, NULL, check_delete_cb, NULL);
  g_task_set_source_tag (task, delete_activated);
  g_task_set_task_data (task, delete_data_new (self, item), (GDestroyNotify) delete_data_free);
  g_task_run_in_thread (task, check_delete_thread);
}

void
scm_list_page_commit_deletes (ScmListPage *self)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  g_return_if_fail (SCM_IS_LIST_PAGE (self));

  /* The toasts stay until they time out, without Undo (the handlers go
   * with the pending deletions): dismissing them here would race their
   * animations while the window goes. */
  while (priv->pending_deletes->len > 0)
    commit_delete (priv->pending_deletes->pdata[0]);
}

guint
scm_list_page_get_n_pending_deletes (ScmListPage *self)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  g_return_val_if_fail (SCM_IS_LIST_PAGE (self), 0);

  return priv->pending_deletes->len;
}

AdwToast *
scm_list_page_get_undo_toast (ScmListPage *self)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  g_return_val_if_fail (SCM_IS_LIST_PAGE (self), NULL);

  if (priv->pending_deletes->len == 0)
    return NULL;
  return ((PendingDelete *) priv->pending_deletes->pdata[priv->pending_deletes->len - 1])->toast;
}

/* Public -------------------------------------------------------------------- */

ScmAuthority *
scm_list_page_get_authority (ScmListPage *self)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  g_return_val_if_fail (SCM_IS_LIST_PAGE (self), NULL);

  return priv->authority;
}

void
scm_list_page_set_authority (ScmListPage  *self,
                             ScmAuthority *authority)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  g_return_if_fail (SCM_IS_LIST_PAGE (self));
  g_return_if_fail (authority == NULL || SCM_IS_AUTHORITY (authority));

  if (!g_set_object (&priv->authority, authority))
    return;

  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  set_loading (self, FALSE);

  /* Another data directory: nothing of the old one may stay listed. */
  g_clear_object (&priv->index);
  priv->index = scm_list_index_new_empty ();
  priv->loaded_once = FALSE;
  g_list_store_remove_all (priv->items);

  if (authority != NULL)
    scm_list_page_invalidate (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTHORITY]);
}

ScmListIndex *
scm_list_page_get_index (ScmListPage *self)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  g_return_val_if_fail (SCM_IS_LIST_PAGE (self), NULL);

  return priv->index;
}

GListModel *
scm_list_page_get_items (ScmListPage *self)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  g_return_val_if_fail (SCM_IS_LIST_PAGE (self), NULL);

  return G_LIST_MODEL (priv->items);
}

GtkColumnView *
scm_list_page_get_column_view (ScmListPage *self)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  g_return_val_if_fail (SCM_IS_LIST_PAGE (self), NULL);

  return priv->column_view;
}

GtkEditable *
scm_list_page_get_search_entry (ScmListPage *self)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  g_return_val_if_fail (SCM_IS_LIST_PAGE (self), NULL);

  return GTK_EDITABLE (priv->search_entry);
}

gboolean
scm_list_page_get_loading (ScmListPage *self)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  g_return_val_if_fail (SCM_IS_LIST_PAGE (self), FALSE);

  return priv->loading;
}

const char *
scm_list_page_get_state (ScmListPage *self)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  g_return_val_if_fail (SCM_IS_LIST_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (priv->content_stack);
}

GtkWindow *
scm_list_page_get_window (ScmListPage *self)
{
  GtkRoot *root;

  g_return_val_if_fail (SCM_IS_LIST_PAGE (self), NULL);

  root = gtk_widget_get_root (GTK_WIDGET (self));
  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

void
scm_list_page_show_toast (ScmListPage *self,
                          const char  *text)
{
  GtkWidget *overlay;
  AdwToast *toast;

  g_return_if_fail (SCM_IS_LIST_PAGE (self));

  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay == NULL)
    return;
  toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

void
scm_list_page_saved (ScmListPage *self,
                     const char  *toast)
{
  g_return_if_fail (SCM_IS_LIST_PAGE (self));

  if (toast != NULL)
    scm_list_page_show_toast (self, toast);
  scm_list_page_invalidate (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* GObject --------------------------------------------------------------------- */

static void
items_changed_cb (ScmListPage *self)
{
  update_state (self);
}

static void
scm_list_page_dispose (GObject *object)
{
  ScmListPage *self = SCM_LIST_PAGE (object);
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  /* Leaving (the window closes): what waits for Undo is deleted now. */
  if (priv->pending_deletes != NULL)
    scm_list_page_commit_deletes (self);
  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  if (priv->row_menu_popover != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (priv->row_menu_popover));
      priv->row_menu_popover = NULL;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), SCM_TYPE_LIST_PAGE);

  /* GTK 4.8 leaves a parent class's template children of a subclass
   * instance in place. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (scm_list_page_parent_class)->dispose (object);
}

static void
scm_list_page_finalize (GObject *object)
{
  ScmListPage *self = SCM_LIST_PAGE (object);
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  g_clear_object (&priv->authority);
  g_clear_object (&priv->index);
  g_clear_object (&priv->items);
  g_clear_object (&priv->filter_model);
  g_clear_object (&priv->sort_model);
  g_clear_object (&priv->selection);
  g_clear_object (&priv->filter);
  g_clear_pointer (&priv->pending_deletes, g_ptr_array_unref);
  g_clear_pointer (&priv->title, g_free);

  G_OBJECT_CLASS (scm_list_page_parent_class)->finalize (object);
}

static void
scm_list_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ScmListPage *self = SCM_LIST_PAGE (object);
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_AUTHORITY:
      g_value_set_object (value, priv->authority);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, priv->loading);
      break;
    case PROP_STATE:
      g_value_set_string (value, scm_list_page_get_state (self));
      break;
    case PROP_TITLE:
      g_value_set_string (value, priv->title);
      break;
    case PROP_EMPTY_ICON_NAME:
      g_value_set_string (value, adw_status_page_get_icon_name (priv->empty_page));
      break;
    case PROP_EMPTY_TITLE:
      g_value_set_string (value, adw_status_page_get_title (priv->empty_page));
      break;
    case PROP_EMPTY_DESCRIPTION:
      g_value_set_string (value, adw_status_page_get_description (priv->empty_page));
      break;
    case PROP_ADD_LABEL:
      g_value_set_string (value, adw_button_content_get_label (priv->add_button_content));
      break;
    case PROP_SEARCH_PLACEHOLDER:
      g_object_get_property (G_OBJECT (priv->search_entry), "placeholder-text", value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_list_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  ScmListPage *self = SCM_LIST_PAGE (object);
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);
  const char *text;

  switch (prop_id)
    {
    case PROP_AUTHORITY:
      scm_list_page_set_authority (self, g_value_get_object (value));
      break;
    case PROP_TITLE:
      text = g_value_get_string (value);
      if (g_strcmp0 (priv->title, text) == 0)
        break;
      g_free (priv->title);
      priv->title = g_strdup (text);
      gtk_accessible_update_property (GTK_ACCESSIBLE (priv->column_view),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, text ? text : "",
                                      -1);
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_EMPTY_ICON_NAME:
      adw_status_page_set_icon_name (priv->empty_page, g_value_get_string (value));
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_EMPTY_TITLE:
      adw_status_page_set_title (priv->empty_page, g_value_get_string (value));
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_EMPTY_DESCRIPTION:
      adw_status_page_set_description (priv->empty_page, g_value_get_string (value));
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_ADD_LABEL:
      text = g_value_get_string (value);
      adw_button_content_set_label (priv->add_button_content, text ? text : "");
      gtk_button_set_label (priv->empty_add_button, text);
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_SEARCH_PLACEHOLDER:
      text = g_value_get_string (value);
      g_object_set (priv->search_entry, "placeholder-text", text, NULL);
      gtk_accessible_update_property (GTK_ACCESSIBLE (priv->search_entry),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, text ? text : _("Search"),
                                      -1);
      g_object_notify_by_pspec (object, pspec);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_list_page_constructed (GObject *object)
{
  ScmListPage *self = SCM_LIST_PAGE (object);
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);
  ScmListPageClass *klass = SCM_LIST_PAGE_GET_CLASS (self);

  G_OBJECT_CLASS (scm_list_page_parent_class)->constructed (object);

  /* The class is known only now: the store's item type, and which of
   * Add, Edit and Delete the page offers. */
  priv->items = g_list_store_new (klass->item_type);
  gtk_filter_list_model_set_model (priv->filter_model, G_LIST_MODEL (priv->items));
  g_signal_connect_object (priv->items, "items-changed",
                           G_CALLBACK (items_changed_cb), self, G_CONNECT_SWAPPED);

  gtk_widget_set_visible (priv->add_button, klass->add != NULL);
  gtk_widget_set_visible (GTK_WIDGET (priv->empty_add_button), klass->add != NULL);
  gtk_widget_set_visible (priv->delete_button, klass->delete_item != NULL);
  update_state (self);
}

static void
scm_list_page_class_init (ScmListPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = scm_list_page_constructed;
  object_class->dispose = scm_list_page_dispose;
  object_class->finalize = scm_list_page_finalize;
  object_class->get_property = scm_list_page_get_property;
  object_class->set_property = scm_list_page_set_property;
  widget_class->map = scm_list_page_map;

  klass->item_type = G_TYPE_OBJECT;

  properties[PROP_AUTHORITY] =
    g_param_spec_object ("authority", NULL, NULL, SCM_TYPE_AUTHORITY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EMPTY_ICON_NAME] =
    g_param_spec_string ("empty-icon-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EMPTY_TITLE] =
    g_param_spec_string ("empty-title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EMPTY_DESCRIPTION] =
    g_param_spec_string ("empty-description", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ADD_LABEL] =
    g_param_spec_string ("add-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SEARCH_PLACEHOLDER] =
    g_param_spec_string ("search-placeholder", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted after this page changed the store (the window reloads the
   * other pages, whose names may have changed with it). */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-list-page.ui");
  gtk_widget_class_bind_template_child_private (widget_class, ScmListPage, toolbar);
  gtk_widget_class_bind_template_child_private (widget_class, ScmListPage, search_entry);
  gtk_widget_class_bind_template_child_private (widget_class, ScmListPage, delete_button);
  gtk_widget_class_bind_template_child_private (widget_class, ScmListPage, add_button);
  gtk_widget_class_bind_template_child_private (widget_class, ScmListPage, add_button_content);
  gtk_widget_class_bind_template_child_private (widget_class, ScmListPage, content_stack);
  gtk_widget_class_bind_template_child_private (widget_class, ScmListPage, spinner);
  gtk_widget_class_bind_template_child_private (widget_class, ScmListPage, column_view);
  gtk_widget_class_bind_template_child_private (widget_class, ScmListPage, empty_page);
  gtk_widget_class_bind_template_child_private (widget_class, ScmListPage, empty_add_button);
  gtk_widget_class_bind_template_child_private (widget_class, ScmListPage, row_menu);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, column_view_activate_cb);

  gtk_widget_class_install_action (widget_class, "list.add", NULL, add_activated);
  gtk_widget_class_install_action (widget_class, "list.edit", NULL, edit_activated);
  gtk_widget_class_install_action (widget_class, "list.delete", NULL, delete_activated);
  gtk_widget_class_install_action (widget_class, "list.search", NULL, search_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "list.delete", NULL);
}

static void
scm_list_page_init (ScmListPage *self)
{
  ScmListPagePrivate *priv = scm_list_page_get_instance_private (self);
  GtkGesture *gesture;

  gtk_widget_init_template (GTK_WIDGET (self));

  priv->index = scm_list_index_new_empty ();
  priv->needs_reload = TRUE;

  /* store → search filter → column sorter → selection → column view; the
   * store is set in constructed(), once the item type is known. */
  priv->pending_deletes = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_delete_free);
  priv->search_filter = gtk_string_filter_new (NULL);
  gtk_string_filter_set_ignore_case (priv->search_filter, TRUE);
  gtk_string_filter_set_match_mode (priv->search_filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  priv->filter = gtk_every_filter_new ();
  gtk_multi_filter_append (GTK_MULTI_FILTER (priv->filter), GTK_FILTER (priv->search_filter));
  priv->filter_model = gtk_filter_list_model_new (NULL, g_object_ref (GTK_FILTER (priv->filter)));
  g_signal_connect_object (priv->filter_model, "items-changed",
                           G_CALLBACK (items_changed_cb), self, G_CONNECT_SWAPPED);
  priv->sort_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (priv->filter_model)),
                                              g_object_ref (gtk_column_view_get_sorter (priv->column_view)));
  priv->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (priv->sort_model)));
  gtk_single_selection_set_autoselect (priv->selection, FALSE);
  gtk_single_selection_set_can_unselect (priv->selection, TRUE);
  g_signal_connect_object (priv->selection, "notify::selected",
                           G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (priv->column_view, GTK_SELECTION_MODEL (priv->selection));

  priv->row_menu_popover = GTK_POPOVER (gtk_popover_menu_new_from_model (priv->row_menu));
  gtk_popover_set_has_arrow (priv->row_menu_popover, FALSE);
  gtk_widget_set_halign (GTK_WIDGET (priv->row_menu_popover), GTK_ALIGN_START);
  gtk_widget_set_parent (GTK_WIDGET (priv->row_menu_popover), GTK_WIDGET (self));

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (row_menu_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (priv->column_view), GTK_EVENT_CONTROLLER (gesture));
}
