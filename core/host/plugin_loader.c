/* Loading, checking, initialising and retiring plugins; see plugin_loader.h. */
#include "host/plugin_loader.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "config/config.h"
#include "http/http_client.h"
#include "base/log.h"
#include "host/host_table.h"
#include "host/plugin_host.h"
#include "host/router.h"

/* The descriptor of ABI 1.0 ends with fini; no plugin of major 1 may be smaller. */
#define MIN_DESCRIPTOR_SIZE (offsetof(struct hl_plugin, fini) + sizeof(void (*)(void *)))

static void retire(struct hl_self *self)
{
	if (!self)
		return;
	if (self->initialised && HL_PLUGIN_HOOK(self, fini))
		HL_PLUGIN_HOOK(self, fini)(self->state);
	hl_plugin_cancel_timers(self);
	hl_http_client_free(self->http); /* in flight: cancelled, never called back */
	hl_router_free_abandoned(self);
	hl_options_release(&self->options);
	if (self->dl)
		dlclose(self->dl);
	free(self->name);
	free(self->file);
	free(self);
}

/*
 * dlopen()s a private copy of the file. The dynamic loader hands back the mapping it
 * already has for a path that is still loaded (by the generation a reload replaces), so
 * a plugin file replaced on disk would otherwise keep running as its old version. The
 * copy is unlinked at once; its mapping lives as long as the handle.
 */
static void *open_private_copy(const char *file, char *why, size_t len)
{
	char copy[] = "/tmp/hotline-plugin-XXXXXX";
	char buf[65536];
	int in = open(file, O_RDONLY | O_CLOEXEC), out = -1, ok = 1;
	ssize_t n = 0;
	void *dl = NULL;

	if (in < 0) {
		snprintf(why, len, "cannot load: %s: %s", file, strerror(errno));
		return NULL;
	}
	out = mkstemp(copy);
	while (out >= 0 && ok && (n = read(in, buf, sizeof(buf))) > 0)
		ok = write(out, buf, (size_t)n) == n;
	if (out < 0 || !ok || n < 0 || close(out) < 0) {
		snprintf(why, len, "cannot copy %s to load it: %s", file, strerror(errno));
		if (out >= 0)
			unlink(copy);
		close(in);
		return NULL;
	}
	close(in);
	dlerror();
	dl = dlopen(copy, RTLD_NOW | RTLD_LOCAL);
	if (!dl)
		snprintf(why, len, "cannot load: %s", dlerror());
	unlink(copy);
	return dl;
}

static int valid_name(const char *name)
{
	if (!name || !*name)
		return 0;
	for (const char *p = name; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return 0;
	}
	return 1;
}

/* Checks the descriptor's ABI and shape; writes the reason into why. */
static int check_descriptor(const struct hl_plugin *d, char *why, size_t len)
{
	if (d->abi_major != HL_ABI_MAJOR) {
		snprintf(why, len,
			 "built for plugin ABI %u.%u, this hotlined has ABI %d.%d (major differs); "
			 "rebuild it against this hotlined's SDK",
			 d->abi_major, d->abi_minor, HL_ABI_MAJOR, HL_ABI_MINOR);
		return -1;
	}
	if (d->abi_minor > HL_ABI_MINOR) {
		snprintf(why, len,
			 "built for plugin ABI %u.%u, newer than this hotlined's ABI %d.%d; "
			 "upgrade hotlined or rebuild the plugin against its SDK",
			 d->abi_major, d->abi_minor, HL_ABI_MAJOR, HL_ABI_MINOR);
		return -1;
	}
	if (d->size < MIN_DESCRIPTOR_SIZE) {
		snprintf(why, len, "descriptor size %u is smaller than ABI %u.0 requires (%zu)",
			 d->size, d->abi_major, MIN_DESCRIPTOR_SIZE);
		return -1;
	}
	if (!valid_name(d->name)) {
		snprintf(why, len, "descriptor name is missing or not [a-z0-9_-]+");
		return -1;
	}
	return hl_options_check_schema(d->options, why, len);
}

/* Loads one plugin. On failure writes "file:line:column: plugin 'x' (path): why". */
static int load_one(const struct hl_config *cfg, const struct hl_plugin_conf *pc,
		    const struct hl_routes *routes, struct event_base *base,
		    const struct hl_host_links *links, struct hl_self **self_r, char *err, size_t errlen)
{
	struct hl_self *self = calloc(1, sizeof(*self));
	char why[512];
	char opt_err[768];

	if (!self || !(self->name = strdup(pc->name)) || !(self->file = strdup(pc->file))) {
		snprintf(why, sizeof(why), "out of memory");
		goto fail;
	}
	self->base = base;
	self->routes = routes;
	self->links = links;
	snprintf(self->log_sub, sizeof(self->log_sub), "plugin.%s", self->name);
	if (!(self->dl = open_private_copy(self->file, why, sizeof(why))))
		goto fail;
	self->desc = dlsym(self->dl, "hl_plugin");
	if (!self->desc) {
		snprintf(why, sizeof(why),
			 "does not export the descriptor symbol 'hl_plugin' (is it a hotline "
			 "plugin, built with HL_PLUGIN_EXPORT?)");
		goto fail;
	}
	if (check_descriptor(self->desc, why, sizeof(why)) < 0)
		goto fail;
	self->options = (struct hl_options){self->desc->options, pc->options, self->log_sub, NULL};
	if (hl_options_check(self->desc->options, pc->options, pc->at, opt_err, sizeof(opt_err)) <
	    0) {
		snprintf(err, errlen, "%s (options of plugin '%s')", opt_err, pc->name);
		retire(self);
		return -1;
	}
	if (hl_options_resolve_paths(&self->options, cfg->dir) < 0) {
		snprintf(why, sizeof(why), "out of memory");
		goto fail;
	}
	if (HL_PLUGIN_HOOK(self, init)) {
		char reason[384] = "";
		enum hl_status st = HL_PLUGIN_HOOK(self, init)(hl_host_table(), self, &self->options,
						      &self->state, reason, sizeof(reason));
		if (st != HL_OK) {
			snprintf(why, sizeof(why), "init failed: %s",
				 reason[0] ? reason : "(the plugin gave no reason)");
			goto fail;
		}
	}
	self->initialised = 1;
	hl_log(HL_LOG_INFO, "plugins", "loaded plugin=%s file=%s abi=%u.%u version=%s",
	       self->name, self->file, self->desc->abi_major, self->desc->abi_minor,
	       self->desc->version ? self->desc->version : "-");
	*self_r = self;
	return 0;
fail:
	hl_yaml_error(err, errlen, pc->at, "plugin '%s' (%s): %s", pc->name, pc->file, why);
	retire(self);
	return -1;
}

int hl_plugins_load(const struct hl_config *cfg, const struct hl_routes *routes,
		    struct event_base *base, const struct hl_host_links *links,
		    struct hl_plugin_set **set_r, char *err,
		    size_t errlen)
{
	struct hl_plugin_set *set = calloc(1, sizeof(*set));

	if (!set || !(set->plugins = calloc(cfg->nplugins + 1, sizeof(*set->plugins)))) {
		free(set);
		snprintf(err, errlen, "%s: out of memory loading plugins", hl_config_file(cfg));
		return -1;
	}
	for (size_t i = 0; i < cfg->nplugins; i++) {
		if (load_one(cfg, &cfg->plugins[i], routes, base, links, &set->plugins[i], err,
			     errlen) <
		    0) {
			hl_plugins_free(set);
			return -1;
		}
		set->n = i + 1;
	}
	*set_r = set;
	return 0;
}

void hl_plugins_free(struct hl_plugin_set *set)
{
	if (!set)
		return;
	for (size_t i = set->n; i-- > 0;)
		retire(set->plugins[i]);
	free(set->plugins);
	free(set);
}

