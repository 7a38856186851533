/*
 * encoding.h - --encoding (VI_ENCODING): the encoding of the terminal, as
 * the vSphere SDK for Perl applies it (binmode of the standard streams,
 * arguments decoded from it).
 */
#ifndef VIFS_TOOL_ENCODING_H
#define VIFS_TOOL_ENCODING_H

/*
 * Makes standard output write in encoding NAME (utf8, cp936, iso-8859-1,
 * shiftjis, or any name iconv knows); what it cannot hold is written as
 * \x{XXXX}.  Nothing to do for NULL or utf8.  Returns 0, or -1 after
 * printing why not.
 */
int encoding_setup(const char *name);

/* Writes out and closes what encoding_setup() put in place of standard
 * output and puts the original back.  Returns 0, or -1 when the last
 * write failed. */
int encoding_finish(void);

/*
 * ARG, text in encoding NAME, as UTF-8 in a new string *out (caller
 * frees); *out stays NULL when NAME is NULL or utf8 (ARG is UTF-8
 * already).  Returns 0, or -1 after printing why not (ARG is not text in
 * NAME).
 */
int encoding_arg(char **out, const char *name, const char *arg);

#endif
