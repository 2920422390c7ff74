// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a results tree: DIR/<host>/<timestamp>-<kernel>.json. A failed
 * host may have left <timestamp>-<kernel>.error instead (the Ansible role
 * writes the task's message there); the newest entry by name decides.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "report/fleet.h"

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && !strcmp(s + n - m, suffix);
}

static int only_dirs(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int only_results(const struct dirent *d)
{
	return d->d_name[0] != '.' && (has_suffix(d->d_name, ".json") ||
				       has_suffix(d->d_name, ".error"));
}

static char *join(const char *a, const char *b)
{
	char *s;

	if (asprintf(&s, "%s/%s", a, b) < 0)
		return NULL;
	return s;
}

/* First line of a failed host's .error file, as its error. */
static char *read_error(const char *path, const char *name)
{
	char line[512] = "", *s, *nl;
	FILE *f = fopen(path, "r");

	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = 0;
		fclose(f);
	}
	nl = strchr(line, '\n');
	if (nl)
		*nl = 0;
	if (asprintf(&s, "failed (%s): %s", name,
		     line[0] ? line : "no message") < 0)
		return NULL;
	return s;
}

/*
 * The newest document of @hostdir: sets *path and *doc, or *error. Returns
 * 0 or -ENOMEM; a host without results is not an error of the tree.
 */
static int load_newest(const char *hostdir, char **path,
		       struct rb_document **doc, char **error)
{
	struct dirent **ents = NULL;
	char err[512];
	int n, i, rc = 0;

	*path = NULL;
	*doc = NULL;
	*error = NULL;
	n = scandir(hostdir, &ents, only_results, alphasort);
	if (n < 0) {
		if (asprintf(error, "cannot read %s: %s", hostdir,
			     strerror(errno)) < 0)
			*error = NULL;
		return *error ? 0 : -ENOMEM;
	}
	if (n == 0) {
		*error = strdup("no results document");
	} else {
		*path = join(hostdir, ents[n - 1]->d_name);
		if (!*path)
			rc = -ENOMEM;
		else if (has_suffix(*path, ".error"))
			*error = read_error(*path, ents[n - 1]->d_name);
		else if (!(*doc = rb_document_load(*path, err, sizeof(err))))
			*error = strdup(err);
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	if (!rc && !*doc && !*error)
		rc = -ENOMEM;
	return rc;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

static const char *fp_kernel(const struct rb_document *doc)
{
	struct json_object *v;

	if (!doc || !doc->fingerprint ||
	    !json_object_object_get_ex(doc->fingerprint, "kernel_release", &v))
		return NULL;
	return json_object_get_string(v);
}

static int load_host(struct rb_fleet_host *h, const char *dir,
		     const char *name)
{
	char *hostdir = join(dir, name);
	int rc;

	h->name = strdup(name);
	if (!hostdir || !h->name) {
		free(hostdir);
		return -ENOMEM;
	}
	rc = load_newest(hostdir, &h->path, &h->doc, &h->error);
	free(hostdir);
	h->kernel = fp_kernel(h->doc);
	return rc;
}

/* Compare a host's baseline document with its current one. */
static int load_baseline(struct rb_fleet *fl, struct rb_fleet_host *h,
			 const char *baseline_dir)
{
	char *hostdir = join(baseline_dir, h->name);
	int rc;

	if (!hostdir)
		return -ENOMEM;
	if (!is_dir(hostdir)) {
		free(hostdir);
		h->base_error = strdup("no baseline for this host");
		return h->base_error ? 0 : -ENOMEM;
	}
	rc = load_newest(hostdir, &h->base_path, &h->base_doc,
			 &h->base_error);
	free(hostdir);
	if (rc || !h->base_doc || !h->doc)
		return rc;
	h->base_side.docs = &h->base_doc;
	h->base_side.paths = (const char **)&h->base_path;
	h->base_side.nr = 1;
	h->cand_side.docs = &h->doc;
	h->cand_side.paths = (const char **)&h->path;
	h->cand_side.nr = 1;
	rc = rb_compare(&h->base_side, &h->cand_side, &fl->opts, &h->cmp);
	if (rc) {
		rb_comparison_free(&h->cmp);
		return rc;
	}
	h->has_cmp = true;
	return 0;
}

static int load_hosts(struct rb_fleet *fl, const char *dir,
		      const char *baseline_dir)
{
	struct dirent **ents = NULL;
	int n, i, rc = 0;

	n = scandir(dir, &ents, only_dirs, alphasort);
	if (n < 0)
		return -errno;
	fl->hosts = calloc(n ? n : 1, sizeof(*fl->hosts));
	if (!fl->hosts)
		rc = -ENOMEM;
	for (i = 0; i < n && !rc; i++) {
		char *p = join(dir, ents[i]->d_name);
		bool d = p && is_dir(p);

		free(p);
		if (!p) {
			rc = -ENOMEM;
			break;
		}
		if (!d)
			continue;
		rc = load_host(&fl->hosts[fl->nr_hosts++], dir,
			       ents[i]->d_name);
		if (!rc && baseline_dir)
			rc = load_baseline(fl, &fl->hosts[fl->nr_hosts - 1],
					   baseline_dir);
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return rc;
}

int rb_fleet_load(const char *dir, const char *baseline_dir,
		  const struct rb_compare_opts *opts, struct rb_fleet *fl,
		  char *err, size_t errlen)
{
	const char *bad = NULL;
	int rc;

	memset(fl, 0, sizeof(*fl));
	fl->opts = *opts;
	fl->has_baseline = baseline_dir != NULL;
	if (!is_dir(dir))
		bad = dir;
	else if (baseline_dir && !is_dir(baseline_dir))
		bad = baseline_dir;
	if (bad) {
		snprintf(err, errlen, "%s: not a results tree (a directory)",
			 bad);
		return -ENOTDIR;
	}
	rc = load_hosts(fl, dir, baseline_dir);
	if (rc == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	else if (rc)
		snprintf(err, errlen, "%s: %s", dir, strerror(-rc));
	else if (!fl->nr_hosts) {
		snprintf(err, errlen, "%s: no host folders in the tree", dir);
		rc = -ENOENT;
	}
	rc = rc ?: rb_fleet_analyse(fl);
	if (rc == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	return rc;
}

void rb_fleet_free(struct rb_fleet *fl)
{
	size_t i;

	for (i = 0; i < fl->nr_configs; i++)
		free(fl->configs[i].rows);
	free(fl->configs);
	for (i = 0; i < fl->nr_hosts; i++) {
		struct rb_fleet_host *h = &fl->hosts[i];

		if (h->has_cmp)
			rb_comparison_free(&h->cmp);
		rb_document_free(h->doc);
		rb_document_free(h->base_doc);
		free(h->name);
		free(h->path);
		free(h->error);
		free(h->base_path);
		free(h->base_error);
	}
	free(fl->hosts);
	memset(fl, 0, sizeof(*fl));
}
