/*
 * vifs/file.h - whole-file reads and atomic replacement of local files.
 */
#ifndef VIFS_FILE_H
#define VIFS_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include <vifs/common.h>

/*
 * Reads the whole file PATH ("-" reads standard input) into a new buffer.
 * On success *out holds the bytes plus a terminating NUL that is not counted
 * in *out_len; the caller frees *out with free().  Fails with VIFS_ENOTFOUND
 * for a missing file, VIFS_EIO for other errors (the message names the file
 * and the reason) or VIFS_ENOMEM.
 */
VIFS_EXTERN int vifs_file_read(char **out, size_t *out_len, const char *path);

/*
 * Replaces PATH with DATA atomically: writes a temporary file in the same
 * directory, fsyncs it, renames it over PATH and fsyncs the directory.  An
 * existing file keeps its mode and, when permitted, its owner and group; a
 * new file gets MODE (masked by the umask).  On any failure the temporary
 * file is removed and PATH is left as it was.  PATH "-" writes DATA to
 * standard output instead.
 */
VIFS_EXTERN int vifs_file_write_atomic(const char *path, const void *data,
    size_t len, mode_t mode);

#endif
