/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scm-authority.h"
#include "scm-list-index.h"

G_BEGIN_DECLS

#define SCM_TYPE_LIST_PAGE (scm_list_page_get_type ())

/* What the admin window's pages share: a search entry, a sortable
 * GtkColumnView over a GListStore of model objects loaded from the store
 * in a worker thread, Add and Delete, a row context menu, and an empty
 * state. Each page is a subclass that names its item type, loads its
 * objects and adds its columns. */
G_DECLARE_DERIVABLE_TYPE (ScmListPage, scm_list_page, SCM, LIST_PAGE, GtkWidget)

struct _ScmListPageClass
{
  GtkWidgetClass parent_class;

  /* The GType of the listed objects. */
  GType item_type;
  /* For deleting: the toast offering Undo ("Person “%s” deleted") takes
   * the item's title as its one %s (N_() strings, translated when shown).
   * The heading and body are not shown since deletion offers Undo. */
  const char *delete_heading;
  const char *delete_body;
  const char *deleted_toast;

  /* Runs in a worker thread: the page's objects from @store. */
  GPtrArray *(*load)        (ScmStore    *store,
                             GError     **error);
  /* Runs in a worker thread; NULL when the page cannot delete. */
  gboolean   (*delete_item) (ScmStore    *store,
                             gpointer     item,
                             GError     **error);
  /* NULL when the page cannot add. */
  void       (*add)         (ScmListPage *self);
  /* Opens the edit dialog (row activation); NULL when rows only show. */
  void       (*edit)        (ScmListPage *self,
                             gpointer     item);
  /* The item as a person reads it ("Acme", "ada@example.com"). */
  char      *(*dup_title)   (ScmListPage *self,
                             gpointer     item);
};

ScmAuthority        *scm_list_page_get_authority   (ScmListPage   *self);
void                 scm_list_page_set_authority   (ScmListPage   *self,
                                                    ScmAuthority  *authority);
/* The names of organizations, departments, domains and forms as of the
 * last load (never NULL). */
ScmListIndex        *scm_list_page_get_index       (ScmListPage   *self);
/* Every loaded object, unfiltered. */
GListModel          *scm_list_page_get_items       (ScmListPage   *self);
GtkColumnView       *scm_list_page_get_column_view (ScmListPage   *self);
GtkEditable         *scm_list_page_get_search_entry (ScmListPage  *self);
/* TRUE while a load runs. */
gboolean             scm_list_page_get_loading     (ScmListPage   *self);
/* "loading", "list", "empty" or "no-results". */
const char          *scm_list_page_get_state       (ScmListPage   *self);

/* Loads again now when shown, else the next time it is shown. */
void                 scm_list_page_invalidate      (ScmListPage   *self);

/* list.delete hides the row and shows a toast with Undo; the store
 * deletes it when the toast goes. This deletes every such row now (the
 * window calls it when it closes). */
void                 scm_list_page_commit_deletes  (ScmListPage   *self);
/* How many deleted rows still offer Undo. */
guint                scm_list_page_get_n_pending_deletes (ScmListPage *self);
/* The toast of the newest of them, or NULL. */
AdwToast            *scm_list_page_get_undo_toast  (ScmListPage   *self);

/* For subclasses ----------------------------------------------------------- */

/* Appends a column showing @text (a string expression on the item; taken)
 * and sorting by @sorter (taken), or by @text when @sorter is NULL. */
GtkColumnViewColumn *scm_list_page_add_column      (ScmListPage   *self,
                                                    const char    *title,
                                                    GtkExpression *text,
                                                    GtkSorter     *sorter,
                                                    gboolean       expand);
/* The string the search entry matches (taken). */
void                 scm_list_page_set_search_expression (ScmListPage   *self,
                                                          GtkExpression *expression);
/* Rows must also match @filter (taken; the page calls
 * gtk_filter_changed() on it when its own controls change). */
void                 scm_list_page_add_filter      (ScmListPage   *self,
                                                    GtkFilter     *filter);
/* Puts @widget in the toolbar, after the search entry. */
void                 scm_list_page_add_toolbar_widget (ScmListPage *self,
                                                       GtkWidget   *widget);
/* After a dialog saved: shows @toast, reloads and tells the window. */
void                 scm_list_page_saved           (ScmListPage   *self,
                                                    const char    *toast);
void                 scm_list_page_show_toast      (ScmListPage   *self,
                                                    const char    *text);
/* The window the page is in, for dialogs. */
GtkWindow           *scm_list_page_get_window      (ScmListPage   *self);

/* A closure expression for a column: @func (item, self) → newly
 * allocated string. */
typedef char *(*ScmListPageTextFunc) (gpointer     item,
                                      ScmListPage *self);
GtkExpression       *scm_list_page_text_expression (ScmListPage        *self,
                                                    ScmListPageTextFunc func);

/* "2026-03-01 14:35" in local time, for unix seconds. */
char                *scm_list_page_format_time     (gint64         unix_seconds);

G_END_DECLS
