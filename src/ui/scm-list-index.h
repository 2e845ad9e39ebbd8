/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scm-store.h"

G_BEGIN_DECLS

#define SCM_TYPE_LIST_INDEX (scm_list_index_get_type ())

/* A snapshot of the small tables the pages and dialogs name things from:
 * organizations, departments, delegated domains and forms. Loaded in a
 * worker thread, then only read on the main thread. */
G_DECLARE_FINAL_TYPE (ScmListIndex, scm_list_index, SCM, LIST_INDEX, GObject)

/* Thread-safe: reads @store only. */
ScmListIndex *scm_list_index_load                 (ScmStore     *store,
                                                   GError      **error);
/* An index with nothing in it (before the first load). */
ScmListIndex *scm_list_index_new_empty            (void);

/* Ordered by name; the arrays belong to the index. */
GPtrArray    *scm_list_index_get_organizations    (ScmListIndex *self);
GPtrArray    *scm_list_index_get_domains          (ScmListIndex *self);
/* The departments of @organization_id, by name (a new array). */
GPtrArray    *scm_list_index_list_departments     (ScmListIndex *self,
                                                   gint64        organization_id);
guint         scm_list_index_count_departments    (ScmListIndex *self,
                                                   gint64        organization_id);

/* Names by id; "" for 0 or an id the snapshot does not know. */
const char   *scm_list_index_get_organization_name (ScmListIndex *self,
                                                    gint64        id);
const char   *scm_list_index_get_department_name   (ScmListIndex *self,
                                                    gint64        id);
const char   *scm_list_index_get_form_name         (ScmListIndex *self,
                                                    gint64        id);

G_END_DECLS
