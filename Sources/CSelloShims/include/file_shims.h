#ifndef SELLO_FILE_SHIMS_H
#define SELLO_FILE_SHIMS_H
/* Renaming that never replaces: renameat2's RENAME_NOREPLACE, which Swift's Glibc module does not
 * import (it is declared only under _GNU_SOURCE). A certificate that cannot be downloaded again
 * must not be written over another file (CHILE_2026.md §2.2 #12). */

/* Renames `from` to `to` unless `to` exists (even as a dangling link): 0, or -1 with errno
 * (EEXIST when it exists). On a file system without RENAME_NOREPLACE, link(2) and unlink(2) do
 * the same. */
int fileshim_rename_noreplace(const char *from, const char *to);

#endif
