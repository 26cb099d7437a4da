/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rabbit_api: dlopen and dlsym of rabbitmq-c's documented functions. */
#include "rabbit_api.h"

#include "config.h"

#include <dlfcn.h>
#include <string.h>

struct rabbit_api rabbit;

int rabbit_api_load(struct error *err)
{
	static void *handle;
	void *f;

	if (handle != NULL)
		return 0;
	if ((handle = dlopen(RABBITMQ_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return error_set(err, ERROR_USAGE, "RabbitMQ: cannot load rabbitmq-c's %s: %.150s",
		                 RABBITMQ_SONAME, dlerror());
#define RABBIT_LOAD(name)                                                                                    \
	if ((f = dlsym(handle, "amqp_" #name)) == NULL) {                                                    \
		dlclose(handle);                                                                             \
		handle = NULL;                                                                               \
		return error_set(err, ERROR_USAGE, "RabbitMQ: %s has no amqp_" #name, RABBITMQ_SONAME);      \
	}                                                                                                    \
	memcpy(&rabbit.name, &f, sizeof(f));
	RABBIT_FUNCTIONS(RABBIT_LOAD)
#undef RABBIT_LOAD
	return 0;
}

amqp_bytes_t rabbit_bytes(const char *s)
{
	amqp_bytes_t b = {strlen(s), (void *)s};
	return b;
}

amqp_table_entry_t rabbit_int_entry(const char *key, int32_t value)
{
	amqp_table_entry_t e;

	e.key = rabbit_bytes(key);
	e.value.kind = AMQP_FIELD_KIND_I32;
	e.value.value.i32 = value;
	return e;
}
