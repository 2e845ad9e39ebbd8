/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-window.h"

struct _ScmWindow
{
  AdwApplicationWindow parent_instance;

  AdwLeaflet *leaflet;
  GtkStack *stack;
  AdwWindowTitle *content_title;
};

G_DEFINE_FINAL_TYPE (ScmWindow, scm_window, ADW_TYPE_APPLICATION_WINDOW)

static void
stack_visible_child_changed_cb (ScmWindow *self)
{
  GtkWidget *child = gtk_stack_get_visible_child (self->stack);

  if (child != NULL)
    adw_window_title_set_title (self->content_title,
                                gtk_stack_page_get_title (gtk_stack_get_page (self->stack, child)));

  /* On a narrow window the sidebar and the content are one page each:
   * choosing a page in the sidebar shows it. */
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
go_back_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ScmWindow *self = SCM_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
scm_window_class_init (ScmWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ScmWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, ScmWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ScmWindow, content_title);
  gtk_widget_class_bind_template_callback (widget_class, stack_visible_child_changed_cb);

  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, go_back_activated);
}

static void
scm_window_init (ScmWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  stack_visible_child_changed_cb (self);
}

ScmWindow *
scm_window_new (ScmApplication *application)
{
  return g_object_new (SCM_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

const char *
scm_window_get_visible_page (ScmWindow *self)
{
  g_return_val_if_fail (SCM_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

void
scm_window_set_visible_page (ScmWindow  *self,
                             const char *name)
{
  g_return_if_fail (SCM_IS_WINDOW (self));
  g_return_if_fail (name != NULL);

  gtk_stack_set_visible_child_name (self->stack, name);
}

GtkStack *
scm_window_get_stack (ScmWindow *self)
{
  g_return_val_if_fail (SCM_IS_WINDOW (self), NULL);

  return self->stack;
}
