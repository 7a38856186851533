/*
 * vifs/common.h - export macro and version of libvifs.
 *
 * Every public header includes this one.  Symbols of libvifs are hidden by
 * default; only declarations marked VIFS_EXTERN are exported.
 */
#ifndef VIFS_COMMON_H
#define VIFS_COMMON_H

#if defined(__GNUC__) || defined(__clang__)
#define VIFS_EXTERN __attribute__((visibility("default")))
#define VIFS_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define VIFS_EXTERN
#define VIFS_PRINTF(fmt, args)
#endif

#define VIFS_VERSION "0.1.0"

/* Returns the version of the library in use, e.g. "0.1.0"; static storage. */
VIFS_EXTERN const char *vifs_version(void);

#endif
