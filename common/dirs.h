/*
 * dirs.h - directory creation for the files libvifs keeps under the home
 * directory; not installed.
 */
#ifndef VIFS_DIRS_H
#define VIFS_DIRS_H

/*
 * Creates every missing directory above the file PATH, mode 0700 (masked
 * by the umask), like mkdir -p of its dirname.  Existing directories are
 * left as they are.  VIFS_EIO with the directory and reason on failure.
 */
int vifs_mkdir_parents(const char *path);

#endif
