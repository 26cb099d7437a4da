/* SPDX-License-Identifier: GPL-3.0-or-later */
/* broker_url: Celery broker URLs (redis://, redis+socket://, unix://, sentinel://, amqp://, amqps://,
 * pyamqp://) parsed into the broker address. */
#ifndef CELERY_BROKER_URL_H
#define CELERY_BROKER_URL_H

#include "broker_addr.h"
#include "error.h"

#include <stddef.h>

/* Parses redis://[[user][:password]@]host[:port][/db][?virtual_host=N], rediss://... (with the ssl_* keys
 * ssl_cert_reqs, ssl_ca_certs, ssl_certfile, ssl_keyfile and ssl_check_hostname), redis+socket:///path
 * [?virtual_host=N], unix:///path[?db=N] and sentinel://[[user][:password]@]h1[:port][/db];sentinel://h2...
 * (the password, user and db of the first URL, as kombu reads them). A build without OpenSSL
 * refuses rediss://. Error messages never quote the URL. */
int broker_url_parse(const char *url, struct broker_addr *out, struct error *err);
/* Parses --management-url: http://HOST[:PORT][/PATH] (port 15672) or https://... (15671); no user or
 * password in it (the broker's are used). */
int mgmt_url_parse(const char *url, struct mgmt_addr *out, struct error *err);
void broker_addr_free(struct broker_addr *a);
#endif
