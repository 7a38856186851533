/*
 * passthru_cs.h - the "configstore" part of the passthru list's documents
 * (passthru_cs.c), for the XML and JSON writers; not installed.
 */
#ifndef VIFS_PASSTHRU_CS_H
#define VIFS_PASSTHRU_CS_H

#include <jansson.h>

#include <vifs/passthru.h>

struct _xmlTextWriter;
struct vifs_buf;

/* Adds member "configstore" to ROOT when L has a ConfigStore attached. */
int passthru_cs_json(json_t *root, const vifs_passthru_list *l);

/* Writes element configstore into W when L has a ConfigStore attached. */
int passthru_cs_xml(struct _xmlTextWriter *w, struct vifs_buf *tmp,
    const vifs_passthru_list *l);

#endif
