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
 * existing file keeps its mode and, when permitted, its group; a new file
 * gets MODE (masked by the umask).  PATH is never followed when it is a
 * symbolic link, and an existing file must be a regular file owned by the
 * effective user: anything else is refused (VIFS_EIO) before a byte is
 * written.  On any failure the temporary file is removed and PATH is left
 * as it was.  PATH "-" writes DATA to standard output instead, and a path
 * that leads (through links or not) to a character device or a named pipe
 * ("/dev/stdout", "/dev/fd/3", a FIFO) is written in place: it is a
 * stream, not a file to replace.
 */
VIFS_EXTERN int vifs_file_write_atomic(const char *path, const void *data,
    size_t len, mode_t mode);

/*
 * vifs_file_write_atomic() for a secret (a session cookie): the same
 * refusals, and the file written is never readable by group or others
 * (a new one is 0600 whatever the umask; an existing one keeps at most its
 * owner's read and write bits).
 */
VIFS_EXTERN int vifs_file_write_secret(const char *path, const void *data,
    size_t len);

/*
 * Checks a secret file FD (named PATH in messages) that is about to be
 * changed in place (a locked credential store, opened with O_NOFOLLOW):
 * it must be a regular file owned by the effective user (else VIFS_EIO),
 * and its group and other permission bits are cleared.
 */
VIFS_EXTERN int vifs_file_own_secret(int fd, const char *path);

#endif
